// Scale-out comparison renderers (see scale_out_compare_report.h).
#include "reports/scale_out_compare_report.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "reports/format.h"

namespace moeplan::reports {
namespace {

Cell num(double raw, std::string shown) { return Cell::of_number(raw, std::move(shown)); }
Cell txt(std::string s) { return Cell::of_text(std::move(s)); }

// Decimal units, as WAN traffic and egress are billed.
std::string wan_bytes(double b) {
  if (b <= 0) return "0";
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (b >= 1000 && u < 6) b /= 1000, ++u;
  return sig3(b) + " " + units[u];
}

std::string footer(const ScaleOutComparison& c) {
  std::string out;
  std::vector<std::string> sources;
  for (const ScaleOutOption& o : c.options)
    if (!o.token_overhead_source.empty() &&
        std::find(sources.begin(), sources.end(), o.token_overhead_source) == sources.end())
      sources.push_back(o.token_overhead_source);
  for (const std::string& s : sources) out += "token overhead source: " + s + "\n";
  for (const ScaleOutOption& o : c.options)
    if (!o.fits) out += "`" + o.name + "` does not fit: " + o.does_not_fit + "\n";
  out += "at equal quality = raw x token overhead (the tokens the method needs for synchronous DP's loss); "
         "$ includes egress; `moeplan run` on an option's overrides gives its full report\n";
  return out;
}

}  // namespace

Table scale_out_compare_table(const ScaleOutComparison& c) {
  Table t("scale_out_compare", "Scale-out options: " + c.scenario,
          {{"option", "option", "", Align::kLeft},
           {"gpus", "GPUs", "", Align::kLeft},
           {"dp_sync", "DP sync", "", Align::kLeft},
           {"step_time_s", "step", "", Align::kRight},
           {"compute_utilisation", "CU", "", Align::kRight},
           {"gpu_hours", "GPU-hours", "", Align::kRight},
           {"days", "days", "", Align::kRight},
           {"usd", "$ incl. egress", "", Align::kRight},
           {"wan_bytes", "WAN bytes", "", Align::kRight},
           {"egress_usd", "egress $", "", Align::kRight},
           {"token_overhead", "token overhead", "", Align::kRight},
           {"gpu_hours_equal_quality", "GPU-h equal quality", "", Align::kRight},
           {"usd_equal_quality", "$ equal quality", "", Align::kRight}});
  for (const ScaleOutOption& o : c.options) {
    if (!o.fits) {
      t.add_row({txt(o.name), txt(o.gpus), txt(o.dp_sync), txt("does not fit"), txt("-"), txt("-"), txt("-"),
                 txt("-"), txt("-"), txt("-"), txt("-"), txt("-"), txt("-")});
      continue;
    }
    t.add_row({txt(o.name), txt(o.gpus + (o.sites > 1 ? " (" + std::to_string(o.sites) + " sites)" : "")),
               txt(o.dp_sync), num(o.step_time_s, duration(o.step_time_s)),
               num(o.compute_utilisation, percent(o.compute_utilisation)), num(o.gpu_hours, gpu_hours(o.gpu_hours)),
               num(o.days, sig3(o.days)), num(o.usd, usd(o.usd)), num(o.wan_bytes, wan_bytes(o.wan_bytes)),
               num(o.egress_usd, usd(o.egress_usd)), num(o.token_overhead, fixed(o.token_overhead, 3) + "x"),
               num(o.gpu_hours_equal_quality, gpu_hours(o.gpu_hours_equal_quality)),
               num(o.usd_equal_quality, usd(o.usd_equal_quality))});
  }
  return t;
}

std::string render_scale_out_compare_text(const ScaleOutComparison& c, int max_width) {
  return render_table_text(scale_out_compare_table(c), max_width) + "\n" + footer(c);
}

std::string render_scale_out_compare_markdown(const ScaleOutComparison& c) {
  return render_table_markdown(scale_out_compare_table(c)) + "\n" + footer(c);
}

std::string render_scale_out_compare_csv(const ScaleOutComparison& c) {
  return render_table_csv(scale_out_compare_table(c));
}

std::string render_scale_out_compare_json(const ScaleOutComparison& c) {
  nlohmann::ordered_json options = nlohmann::ordered_json::array();
  for (const ScaleOutOption& o : c.options)
    options.push_back({{"name", o.name},
                       {"gpus", o.gpus},
                       {"sites", o.sites},
                       {"dp_sync", o.dp_sync},
                       {"fits", o.fits},
                       {"does_not_fit", o.does_not_fit},
                       {"step_time_s", o.step_time_s},
                       {"compute_utilisation", o.compute_utilisation},
                       {"gpu_hours", o.gpu_hours},
                       {"days", o.days},
                       {"usd", o.usd},
                       {"wan_bytes", o.wan_bytes},
                       {"egress_usd", o.egress_usd},
                       {"token_overhead", o.token_overhead},
                       {"token_overhead_source", o.token_overhead_source},
                       {"gpu_hours_equal_quality", o.gpu_hours_equal_quality},
                       {"usd_equal_quality", o.usd_equal_quality}});
  nlohmann::ordered_json j{{"kind", "scale-out-compare"}, {"scenario", c.scenario}, {"options", options}};
  return j.dump(2) + "\n";
}

}  // namespace moeplan::reports
