// Balancing over members of different speeds against closed forms worked by hand: the optimal integer split
// minimises the largest member time, T* = min T such that sum_i floor((T - f_i) / t_i) >= total, and the
// continuous bound T = (total + sum f_i / t_i) / sum(1 / t_i) when it is met exactly.
#include "sim/workload/hetero_balance.h"

#include <gtest/gtest.h>

#include <numeric>

#include "sim/units/error.h"

namespace moeplan {
namespace {

TEST(HeteroBalance, LayersOverTwoPoolsMatchTheHandSolution) {
  // 80 layers over 4 stages: stages 0-1 at 1 s per layer (the fast pool), 2-3 at 3 s (the slow pool).
  // Continuous optimum T = 80 / (2/1 + 2/3) = 30 s; at T = 30, 2 floor(30/1) + 2 floor(30/3) = 80 layers
  // fit and at T = 29 only 76, so the split is 30, 30, 10, 10 and every stage takes 30 s.
  std::vector<std::vector<double>> t(4, std::vector<double>(80, 1.0));
  t[2].assign(80, 3.0);
  t[3].assign(80, 3.0);
  const BalancedSplit b = balance_stage_layers(t, {});
  EXPECT_EQ(b.counts, (std::vector<int>{30, 30, 10, 10}));
  EXPECT_DOUBLE_EQ(b.max_time_s, 30.0);
  EXPECT_DOUBLE_EQ(b.idle_fraction(), 0.0);
  // The even split (20 each) would take 60 s on the slow stages: balancing halves the step.
  const BalancedSplit even = evaluate_counts({1, 1, 3, 3}, {}, {20, 20, 20, 20});
  EXPECT_DOUBLE_EQ(even.max_time_s, 60.0);
  EXPECT_EQ(even.slowest, 2);
}

TEST(HeteroBalance, OneLayerMoreGoesWhereItCostsLeast) {
  // 81 layers: T = 30 holds 80, so T* is the smallest candidate above it: 31 (a fast stage with 31 layers)
  // rather than 33 (a slow stage with 11). Among the cuts with a 31 s stage, the one with the least total
  // time puts 31 layers on both fast stages and 19 on the slow ones (27 s and 30 s): a pipeline's fill and
  // drain pass through every stage once, so less total time is a shorter step.
  std::vector<std::vector<double>> t(4, std::vector<double>(81, 1.0));
  t[2].assign(81, 3.0);
  t[3].assign(81, 3.0);
  const BalancedSplit b = balance_stage_layers(t, {});
  EXPECT_EQ(std::accumulate(b.counts.begin(), b.counts.end(), 0), 81);
  EXPECT_DOUBLE_EQ(b.max_time_s, 31.0);
  EXPECT_EQ(b.slowest, 0);
  EXPECT_EQ(b.counts[0], 31);
  EXPECT_EQ(b.counts[1], 31);
  EXPECT_EQ(b.counts[2] + b.counts[3], 19);
  double idle = 0;
  for (double x : b.idle_s) idle += x;
  EXPECT_DOUBLE_EQ(idle, 4.0 + 1.0);
  EXPECT_DOUBLE_EQ(b.idle_fraction(), 5.0 / (4 * 31.0));
}

TEST(HeteroBalance, FixedWorkOfAStageIsBalancedToo) {
  // 10 equal layers on 2 equal stages, the last also holding a head worth 2 layers: max(n, 2 + 10 - n) is
  // smallest at n = 6.
  const BalancedSplit b = balance_stage_layers({std::vector<double>(10, 1.0), std::vector<double>(10, 1.0)}, {0, 2});
  EXPECT_EQ(b.counts, (std::vector<int>{6, 4}));
  EXPECT_DOUBLE_EQ(b.max_time_s, 6.0);
}

TEST(HeteroBalance, LayersOfDifferentKindsAreCutByTheirOwnTimes) {
  // Layers 0-1 cost 1 s and layers 2-5 cost 2 s (say dense then MoE layers), 10 s in all on two equal
  // stages. The prefix sums are 1, 2, 4, 6, 8, 10: no cut gives 5 | 5, and the best cuts give 6 s.
  std::vector<double> row{1, 1, 2, 2, 2, 2};
  const BalancedSplit b = balance_stage_layers({row, row}, {});
  EXPECT_DOUBLE_EQ(b.max_time_s, 6.0);
  EXPECT_EQ(b.counts[0] + b.counts[1], 6);
}

TEST(HeteroBalance, MicroBatchesFollowReplicaThroughput) {
  // Replicas at 1 s and 2 s per micro-batch, 9 micro-batches: 6 and 3, both 6 s (continuous T = 9 / 1.5).
  const BalancedSplit b = balance_counts({1.0, 2.0}, {}, 9);
  EXPECT_EQ(b.counts, (std::vector<int>{6, 3}));
  EXPECT_DOUBLE_EQ(b.max_time_s, 6.0);
  // With a 3 s pipeline fill on the fast replica: T = (9 + 3/1) / (1/1 + 1/2) = 8 s, met by 5 and 4.
  const BalancedSplit f = balance_counts({1.0, 2.0}, {3.0, 0.0}, 9);
  EXPECT_EQ(f.counts, (std::vector<int>{5, 4}));
  EXPECT_DOUBLE_EQ(f.max_time_s, 8.0);
  EXPECT_DOUBLE_EQ(f.idle_s[0], 0.0);
  EXPECT_DOUBLE_EQ(f.idle_s[1], 0.0);
}

TEST(HeteroBalance, EqualMembersSplitEvenlyAndTheTotalIsKept) {
  const BalancedSplit b = balance_counts({0.5, 0.5, 0.5, 0.5}, {}, 64);
  EXPECT_EQ(b.counts, (std::vector<int>{16, 16, 16, 16}));
  const BalancedSplit u = balance_counts({0.3, 0.7, 1.1}, {0.2, 0, 0.4}, 1001);
  EXPECT_EQ(std::accumulate(u.counts.begin(), u.counts.end(), 0), 1001);
  // Optimality: moving one unit from the slowest member to any other never lowers the largest time.
  for (std::size_t j = 0; j < u.counts.size(); ++j) {
    if (static_cast<int>(j) == u.slowest) continue;
    std::vector<int> moved = u.counts;
    --moved[static_cast<std::size_t>(u.slowest)];
    ++moved[j];
    EXPECT_GE(evaluate_counts({0.3, 0.7, 1.1}, {0.2, 0, 0.4}, moved).max_time_s, u.max_time_s);
  }
}

TEST(HeteroBalance, TooFewUnitsIsAUserError) {
  try {
    balance_counts({1.0, 1.0, 1.0}, {}, 2);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
  }
  EXPECT_THROW(balance_stage_layers({std::vector<double>(3, 1.0), std::vector<double>(3, 1.0)}, {}, 2), Error);
}

}  // namespace
}  // namespace moeplan
