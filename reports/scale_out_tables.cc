// "Scale out" report section (see scale_out_tables.h).
#include "reports/scale_out_tables.h"

#include "reports/format.h"

namespace moeplan::reports {
namespace {

using Json = nlohmann::ordered_json;

Cell num(double raw, std::string shown) { return Cell::of_number(raw, std::move(shown)); }
Cell txt(std::string s) { return Cell::of_text(std::move(s)); }

// Decimal units, as WAN traffic and egress are billed.
std::string gbytes(double b) {
  if (b <= 0) return "0";
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (b >= 1000 && u < 6) b /= 1000, ++u;
  return sig3(b) + " " + units[u];
}

Table summary(const ScaleOutResult& s) {
  Table t("scale_out", "Scale out",
          {{"quantity", "quantity", "", Align::kLeft}, {"value", "value", "", Align::kLeft}});
  auto row = [&](const std::string& k, double v, const std::string& shown) { t.add_row({txt(k), num(v, shown)}); };
  t.add_row({txt("data-parallel sync"), txt(s.dp_sync)});
  t.add_row({txt("WAN ring"), txt(s.ring.empty() ? "-" : s.ring)});
  if (!s.bottleneck.empty()) t.add_row({txt("bottleneck link"), txt(s.bottleneck)});
  t.add_row({txt("slowest site"), txt(s.slowest_site)});
  row("inner step (slowest site)", s.inner_step_s, duration(s.inner_step_s));
  row("one exchange across sites", s.sync_time_s, duration(s.sync_time_s));
  row("exposed exchange per step", s.exposed_sync_s_per_step, duration(s.exposed_sync_s_per_step));
  row("synchronous step", s.step_time_s, duration(s.step_time_s));
  row("compute utilisation", s.compute_utilisation, percent(s.compute_utilisation));
  row("WAN bytes per token", s.wan_bytes_per_token, sig3(s.wan_bytes_per_token) + " B");
  row("WAN bytes, whole run", s.wan_bytes, gbytes(s.wan_bytes));
  row("egress", s.egress_usd, usd(s.egress_usd));
  row("compute (sum over sites)", s.compute_usd, usd(s.compute_usd));
  row("total incl. egress", s.total_usd, usd(s.total_usd));
  row("token overhead", s.token_overhead, fixed(s.token_overhead, 3) + "x");
  if (!s.token_overhead_source.empty()) t.add_row({txt("  source"), txt(s.token_overhead_source)});
  row("GPU-hours at equal quality", s.gpu_hours_equal_quality, gpu_hours(s.gpu_hours_equal_quality));
  row("$ at equal quality (incl. egress)", s.usd_equal_quality, usd(s.usd_equal_quality));
  return t;
}

Table sites(const ScaleOutResult& s) {
  Table t("scale_out_sites", "Sites",
          {{"site", "site", "", Align::kLeft},
           {"gpu", "GPU", "", Align::kLeft},
           {"gpus", "GPUs", "", Align::kRight},
           {"replicas", "replicas", "", Align::kRight},
           {"step_time_s", "step", "", Align::kRight},
           {"usd_per_gpu_hour", "price", "", Align::kRight},
           {"gpu_hours", "GPU-hours", "", Align::kRight},
           {"rental_usd", "cost", "", Align::kRight}});
  for (const SiteStepResult& r : s.sites)
    t.add_row({txt(r.name + (r.name == s.slowest_site ? " (slowest)" : "")), txt(r.gpu),
               num(r.gpus, std::to_string(r.gpus)), num(r.replicas, std::to_string(r.replicas)),
               num(r.step_time_s, duration(r.step_time_s)), num(r.usd_per_gpu_hour, usd_per_gpu_hour(r.usd_per_gpu_hour)),
               num(r.gpu_hours, gpu_hours(r.gpu_hours)), num(r.rental_usd, usd(r.rental_usd))});
  return t;
}

Table timeline(const ScaleOutResult& s) {
  Table t("scale_out_timeline", "Outer-sync timeline (first syncs of the main phase)",
          {{"what", "exchange", "", Align::kLeft},
           {"start_step", "starts at step", "", Align::kRight},
           {"end_step", "ends at step", "", Align::kRight},
           {"duration_s", "takes", "", Align::kRight},
           {"exposed_s", "exposed", "", Align::kRight},
           {"hidden", "hidden", "", Align::kLeft}});
  for (const OuterSyncEvent& e : s.timeline)
    t.add_row({txt(e.what), num(e.start_step, fixed(e.start_step, 2)), num(e.end_step, fixed(e.end_step, 2)),
               num(e.duration_s, duration(e.duration_s)), num(e.exposed_s, duration(e.exposed_s)),
               txt(e.hidden ? "yes" : "no")});
  return t;
}

}  // namespace

std::vector<Table> scale_out_tables(const RunResult& r) {
  if (!r.scale_out.present) return {};
  std::vector<Table> out = {summary(r.scale_out), sites(r.scale_out)};
  if (!r.scale_out.timeline.empty()) out.push_back(timeline(r.scale_out));
  if (!r.scale_out.notes.empty()) {
    Table n("scale_out_notes", "Scale-out notes", {{"note", "note", "", Align::kLeft}});
    for (const std::string& s : r.scale_out.notes) n.add_row({txt(s)});
    out.push_back(std::move(n));
  }
  return out;
}

Json scale_out_json(const ScaleOutResult& s) {
  if (!s.present) return nullptr;
  Json sites = Json::array();
  for (const SiteStepResult& r : s.sites)
    sites.push_back(Json{{"name", r.name},
                         {"gpu", r.gpu},
                         {"gpus", r.gpus},
                         {"replicas", r.replicas},
                         {"step_time_s", r.step_time_s},
                         {"usd_per_gpu_hour", r.usd_per_gpu_hour},
                         {"price_source", r.price_source},
                         {"gpu_hours", r.gpu_hours},
                         {"rental_usd", r.rental_usd}});
  Json timeline = Json::array();
  for (const OuterSyncEvent& e : s.timeline)
    timeline.push_back(Json{{"what", e.what},
                            {"start_step", e.start_step},
                            {"end_step", e.end_step},
                            {"duration_s", e.duration_s},
                            {"exposed_s", e.exposed_s},
                            {"hidden", e.hidden}});
  return Json{{"dp_sync", s.dp_sync},
              {"sites", sites},
              {"slowest_site", s.slowest_site},
              {"ring", s.ring},
              {"bottleneck", s.bottleneck},
              {"inner_step_s", s.inner_step_s},
              {"sync_time_s", s.sync_time_s},
              {"exposed_sync_s_per_step", s.exposed_sync_s_per_step},
              {"step_time_s", s.step_time_s},
              {"compute_utilisation", s.compute_utilisation},
              {"wan_bytes_per_token", s.wan_bytes_per_token},
              {"wan_bytes", s.wan_bytes},
              {"egress_usd", s.egress_usd},
              {"compute_usd", s.compute_usd},
              {"total_usd", s.total_usd},
              {"token_overhead", s.token_overhead},
              {"token_overhead_source", s.token_overhead_source},
              {"gpu_hours_equal_quality", s.gpu_hours_equal_quality},
              {"usd_equal_quality", s.usd_equal_quality},
              {"timeline", timeline},
              {"notes", s.notes}};
}

}  // namespace moeplan::reports
