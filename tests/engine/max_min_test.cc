// Max-min fair rates from progressive filling against hand-solved allocations.
#include <gtest/gtest.h>

#include <vector>

#include "sim/engine/max_min_fair.h"

namespace moeplan::engine {
namespace {

std::vector<double> solve(const std::vector<double>& caps, const std::vector<std::vector<std::uint32_t>>& flows) {
  PathPool pool;
  std::vector<std::uint32_t> ids;
  for (const auto& f : flows) ids.push_back(pool.add(f));
  MaxMinSolver solver;
  std::vector<double> rates;
  solver.solve(caps, pool, ids, rates);
  return rates;
}

TEST(MaxMin, TwoFlowsOnOneLinkGetHalfEach) {
  const auto r = solve({10.0}, {{0}, {0}});
  EXPECT_DOUBLE_EQ(r[0], 5.0);
  EXPECT_DOUBLE_EQ(r[1], 5.0);
}

TEST(MaxMin, FlowOnTwoLinksIsBottlenecked) {
  const auto r = solve({10.0, 3.0}, {{0, 1}});
  EXPECT_DOUBLE_EQ(r[0], 3.0);
}

TEST(MaxMin, ClassicThreeFlowExample) {
  // Links A=10, B=4. f0 over A and B, f1 over A, f2 over B. B is the first bottleneck: f0 = f2 = 2; f1 takes
  // the rest of A: 8.
  const auto r = solve({10.0, 4.0}, {{0, 1}, {0}, {1}});
  EXPECT_DOUBLE_EQ(r[0], 2.0);
  EXPECT_DOUBLE_EQ(r[1], 8.0);
  EXPECT_DOUBLE_EQ(r[2], 2.0);
}

TEST(MaxMin, BertsekasGallagerLineNetwork) {
  // Three unit links in a line; one long flow over all three and one short flow per link: every link is
  // shared by two flows, so all four get 1/2 (Bertsekas & Gallager, Data Networks, Example in §6.5.2).
  const auto r = solve({1.0, 1.0, 1.0}, {{0, 1, 2}, {0}, {1}, {2}});
  for (double x : r) EXPECT_DOUBLE_EQ(x, 0.5);
}

TEST(MaxMin, UnequalBottlenecksFillInLevels) {
  // L0=1 shared by f0,f1; L1=10 shared by f1,f2,f3. f0=f1=0.5; f2=f3=(10-0.5)/2=4.75.
  const auto r = solve({1.0, 10.0}, {{0}, {0, 1}, {1}, {1}});
  EXPECT_DOUBLE_EQ(r[0], 0.5);
  EXPECT_DOUBLE_EQ(r[1], 0.5);
  EXPECT_DOUBLE_EQ(r[2], 4.75);
  EXPECT_DOUBLE_EQ(r[3], 4.75);
}

TEST(MaxMin, AllocationIsFeasibleAndEveryFlowHasABottleneck) {
  // Random instance: no link over capacity; each flow crosses a saturated link where it has the max rate.
  std::vector<double> caps{5, 7, 3, 11, 2, 9};
  std::vector<std::vector<std::uint32_t>> flows{{0, 1}, {1, 2}, {2, 3, 4}, {0}, {5, 3}, {4, 5}, {1, 3, 5}, {2}};
  const auto r = solve(caps, flows);
  std::vector<double> load(caps.size(), 0.0);
  for (std::size_t f = 0; f < flows.size(); ++f)
    for (auto l : flows[f]) load[l] += r[f];
  for (std::size_t l = 0; l < caps.size(); ++l) EXPECT_LE(load[l], caps[l] * (1 + 1e-12));
  for (std::size_t f = 0; f < flows.size(); ++f) {
    bool has_bottleneck = false;
    for (auto l : flows[f]) {
      if (load[l] < caps[l] * (1 - 1e-9)) continue;
      double max_rate = 0;
      for (std::size_t g = 0; g < flows.size(); ++g)
        for (auto l2 : flows[g])
          if (l2 == l) max_rate = std::max(max_rate, r[g]);
      if (r[f] >= max_rate * (1 - 1e-9)) has_bottleneck = true;
    }
    EXPECT_TRUE(has_bottleneck) << "flow " << f;
  }
}

}  // namespace
}  // namespace moeplan::engine
