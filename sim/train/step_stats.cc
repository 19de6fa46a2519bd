// rank_busy (see step_stats.h).
#include "sim/train/step_stats.h"

#include <algorithm>

namespace moeplan {

RankBusy rank_busy(std::vector<SimInterval>& comp, const std::vector<SimInterval>& comm) {
  std::sort(comp.begin(), comp.end());
  RankBusy out;
  for (auto& [a, b] : comp) out.busy_s += engine::time_to_seconds(b - a);
  // Exposed communication: comm intervals minus the union of compute intervals (both sorted).
  for (auto [a, b] : comm) {
    engine::SimTime covered = 0;
    auto it = std::lower_bound(comp.begin(), comp.end(), std::make_pair(a, engine::SimTime{0}),
                               [](const auto& x, const auto& y) { return x.second < y.first; });
    if (it != comp.begin()) --it;
    for (; it != comp.end() && it->first < b; ++it) {
      const engine::SimTime lo = std::max(a, it->first), hi = std::min(b, it->second);
      if (hi > lo) covered += hi - lo;
    }
    out.exposed_comm_s += engine::time_to_seconds(b - a - covered);
  }
  return out;
}

StepResult step_totals(const std::string& method, const StageCosts& costs, double time_s, int n_gpus,
                       double peak_bf16_flops) {
  StepResult r;
  r.method = method;
  r.micro_batches = costs.micro_batches;
  r.time_s = time_s;
  r.tokens_per_s = costs.tokens_per_step / time_s;
  r.mfu = costs.model_flops_per_step / (time_s * n_gpus * peak_bf16_flops);
  return r;
}

}  // namespace moeplan
