// The mixed-GPU section of a run report (see mixed_report.h).
#include "reports/mixed_report.h"

#include "reports/format.h"

namespace moeplan::reports {
namespace {

Cell num(double v, std::string text) { return Cell::of_number(v, std::move(text)); }
Cell txt(std::string text) { return Cell::of_text(std::move(text)); }

}  // namespace

Table mixed_pools_table(const RunResult& r) {
  const MixedResult& m = r.mixed;
  const bool stages = m.layout == "stages";
  Table t("mixed_pools", "GPU pools (" + m.layout + ", " + m.balance + ")",
          {{"pool", "pool", "", Align::kLeft},
           {"gpu", "GPU", "", Align::kLeft},
           {"n_gpus", "GPUs", "", Align::kRight},
           {"members", stages ? "stages" : "replicas", "", Align::kRight},
           {"peak_bf16_flops", "BF16 peak", "TFLOPS", Align::kRight},
           {"usd_per_gpu_hour", "price", "$/GPU-h", Align::kRight},
           {"price_source", "price source", "", Align::kLeft}});
  if (!m.enabled()) return t;
  for (const MixedPool& p : m.pools)
    t.add_row({txt(p.name), txt(p.gpu), num(p.n_gpus, std::to_string(p.n_gpus)),
               num(p.members, std::to_string(p.members)), num(p.peak_bf16_flops, fixed(p.peak_bf16_flops / 1e12, 0)),
               p.usd_per_gpu_hour > 0 ? num(p.usd_per_gpu_hour, fixed(p.usd_per_gpu_hour, 2)) : txt("no price"),
               txt(p.price_source)});
  return t;
}

Table mixed_members_table(const RunResult& r) {
  const MixedResult& m = r.mixed;
  const bool stages = m.layout == "stages";
  Table t("mixed_members",
          stages ? "Pipeline stages by pool (time: forward + backward of one micro-batch)"
                 : "Data-parallel replicas by pool (time: the replica's whole step)",
          {{"index", stages ? "stage" : "replica", "", Align::kRight},
           {"pool", "pool", "", Align::kLeft},
           {"gpu", "GPU", "", Align::kLeft},
           {"count", stages ? "layers" : "micro-batches", "", Align::kRight},
           {"time_s", "time", "", Align::kRight},
           {"idle_s", "waits for slowest", "", Align::kRight},
           {"memory_bytes", "memory", "GiB", Align::kRight},
           {"capacity_bytes", "capacity", "GiB", Align::kRight},
           {"note", "note", "", Align::kLeft}});
  if (!m.enabled()) return t;
  for (std::size_t i = 0; i < m.members.size(); ++i) {
    const MixedMember& x = m.members[i];
    std::string note = static_cast<int>(i) == m.slowest ? "slowest" : "";
    if (!x.fits()) note += std::string(note.empty() ? "" : ", ") + "does not fit";
    t.add_row({num(x.index, std::to_string(x.index)), txt(x.pool), txt(x.gpu), num(x.count, std::to_string(x.count)),
               num(x.time_s, duration(x.time_s)), num(x.idle_s, duration(x.idle_s)),
               num(x.memory_bytes, gib(x.memory_bytes)), num(x.capacity_bytes, gib(x.capacity_bytes)), txt(note)});
  }
  return t;
}

nlohmann::ordered_json mixed_json(const MixedResult& m) {
  using Json = nlohmann::ordered_json;
  if (!m.enabled()) return Json{{"enabled", false}};
  Json pools = Json::array();
  for (const MixedPool& p : m.pools)
    pools.push_back(Json{{"name", p.name},
                         {"gpu", p.gpu},
                         {"n_gpus", p.n_gpus},
                         {"members", p.members},
                         {"peak_bf16_flops", p.peak_bf16_flops},
                         {"usd_per_gpu_hour", p.usd_per_gpu_hour > 0 ? Json(p.usd_per_gpu_hour) : Json(nullptr)},
                         {"price_source", p.price_source},
                         {"calibration_profile", p.calibration_profile}});
  Json members = Json::array();
  for (const MixedMember& x : m.members)
    members.push_back(Json{{"index", x.index},
                           {"pool", x.pool},
                           {"gpu", x.gpu},
                           {"count", x.count},
                           {"time_s", x.time_s},
                           {"idle_s", x.idle_s},
                           {"memory_bytes", x.memory_bytes},
                           {"capacity_bytes", x.capacity_bytes},
                           {"fits", x.fits()}});
  return Json{{"enabled", true},
              {"layout", m.layout},
              {"balance", m.balance},
              {"pools", pools},
              {"members", members},
              {"slowest", m.slowest},
              {"idle_fraction", m.idle_fraction},
              {"unbalanced_step_time_s", m.unbalanced_step_time_s},
              {"unbalanced_cut", m.unbalanced_cut}};
}

}  // namespace moeplan::reports
