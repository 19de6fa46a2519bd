// Per-GPU speed factors: bounded by the spread around the median GPU, reproducible from the seed, and
// inherited by TP groups and stages as their slowest member.
#include "sim/workload/gpu_speed.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace moeplan {
namespace {

ParallelPlan plan(int tp, int pp, int dp) {
  ParallelPlan p;
  p.tp = tp;
  p.pp = pp;
  p.dp = dp;
  return p;
}

TEST(GpuSpeed, IdenticalGpusWithoutSpread) {
  for (double f : gpu_time_factors({}, 7, plan(2, 4, 8))) EXPECT_EQ(f, 1.0);
  RankCosts rc;
  rc.chunks.resize(1);
  rc.chunks[0].f_s = 2;
  scale_compute(rc, 1.0);
  EXPECT_EQ(rc.chunks[0].f_s, 2);
}

TEST(GpuSpeed, FactorsSpanTheSpreadAroundTheMedian) {
  const GpuVariationSpec v{0.08, "test"};
  const std::vector<double> f = gpu_time_factors(v, 1, plan(1, 16, 128));  // 2048 GPUs
  ASSERT_EQ(f.size(), 2048u);
  const auto [lo, hi] = std::minmax_element(f.begin(), f.end());
  EXPECT_GE(*lo, 0.96);
  EXPECT_LT(*hi, 1.04);
  // With 2048 uniform draws the extremes sit within 0.1% of the range's ends, and the median near 1.
  EXPECT_NEAR(*hi - *lo, 0.08, 0.001);
  std::vector<double> sorted = f;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NEAR(sorted[1024], 1.0, 0.005);
  EXPECT_EQ(f, gpu_time_factors(v, 1, plan(1, 16, 128)));  // the same seed, the same GPUs
  EXPECT_NE(f, gpu_time_factors(v, 2, plan(1, 16, 128)));
}

TEST(GpuSpeed, GroupsRunAtTheirSlowestMember) {
  const GpuVariationSpec v{0.2, "test"};
  const ParallelPlan p = plan(2, 3, 4);
  const std::vector<double> gpu = gpu_time_factors(v, 3, p);
  const std::vector<double> unit = unit_time_factors(v, 3, p);
  const std::vector<double> stage = stage_time_factors(v, 3, p);
  ASSERT_EQ(unit.size(), 12u);
  ASSERT_EQ(stage.size(), 3u);
  for (int u = 0; u < 12; ++u) EXPECT_EQ(unit[u], std::max(gpu[2 * u], gpu[2 * u + 1]));
  for (int r = 0; r < 3; ++r)
    EXPECT_EQ(stage[r], *std::max_element(unit.begin() + 4 * r, unit.begin() + 4 * r + 4));
}

TEST(GpuSpeed, ScalingTouchesComputeNotCommunication) {
  RankCosts rc;
  ChunkCost c;
  c.f_s = 1, c.b_s = 2, c.w_s = 3, c.f_comm_s = 4, c.b_comm_s = 5;
  c.ops.push_back(OpTiming{.name = "x", .f_s = 0.5, .b_s = 1, .w_s = 1.5, .comm_s = 0.25});
  rc.chunks.push_back(c);
  rc.optimizer_s = 0.1;
  rc.dp_reduce_scatter_s = 0.7;
  scale_compute(rc, 1.5);
  const ChunkCost& s = rc.chunks[0];
  EXPECT_DOUBLE_EQ(s.f_s, 1.5);
  EXPECT_DOUBLE_EQ(s.b_s, 3);
  EXPECT_DOUBLE_EQ(s.w_s, 4.5);
  EXPECT_DOUBLE_EQ(s.ops[0].f_s, 0.75);
  EXPECT_DOUBLE_EQ(s.ops[0].w_s, 2.25);
  EXPECT_DOUBLE_EQ(rc.optimizer_s, 0.15);
  EXPECT_DOUBLE_EQ(s.f_comm_s, 4);
  EXPECT_DOUBLE_EQ(s.ops[0].comm_s, 0.25);
  EXPECT_DOUBLE_EQ(rc.dp_reduce_scatter_s, 0.7);
}

}  // namespace
}  // namespace moeplan
