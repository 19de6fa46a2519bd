// GPU-to-GPU speed factors (see gpu_speed.h).
#include "sim/workload/gpu_speed.h"

#include <algorithm>

#include "sim/units/random.h"

namespace moeplan {

std::vector<double> gpu_time_factors(const GpuVariationSpec& v, std::uint64_t seed, const ParallelPlan& p) {
  std::vector<double> f(static_cast<std::size_t>(p.n_gpus()), 1.0);
  if (v.spread <= 0) return f;
  Rng rng(seed, "gpu-variation");
  for (double& x : f) x = 1.0 + v.spread * (rng.uniform() - 0.5);
  return f;
}

std::vector<double> unit_time_factors(const GpuVariationSpec& v, std::uint64_t seed, const ParallelPlan& p) {
  const std::vector<double> gpu = gpu_time_factors(v, seed, p);
  std::vector<double> unit(static_cast<std::size_t>(p.pp) * p.dp, 1.0);
  for (std::size_t u = 0; u < unit.size(); ++u) {
    const auto first = gpu.begin() + static_cast<std::ptrdiff_t>(u * p.tp);
    unit[u] = *std::max_element(first, first + p.tp);
  }
  return unit;
}

std::vector<double> stage_time_factors(const GpuVariationSpec& v, std::uint64_t seed, const ParallelPlan& p) {
  const std::vector<double> unit = unit_time_factors(v, seed, p);
  std::vector<double> stage(static_cast<std::size_t>(p.pp), 1.0);
  for (int r = 0; r < p.pp; ++r) {
    const auto first = unit.begin() + static_cast<std::ptrdiff_t>(r) * p.dp;
    stage[r] = *std::max_element(first, first + p.dp);
  }
  return stage;
}

void scale_compute(RankCosts& rank, double factor) {
  if (factor == 1.0) return;
  for (ChunkCost& c : rank.chunks) {
    c.f_s *= factor;
    c.b_s *= factor;
    c.w_s *= factor;
    for (OpTiming& op : c.ops) {
      op.f_s *= factor;
      op.b_s *= factor;
      op.w_s *= factor;
    }
  }
  rank.optimizer_s *= factor;
}

}  // namespace moeplan
