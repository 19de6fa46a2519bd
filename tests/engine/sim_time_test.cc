// Simulated time, the event queue and the RNG: range checks, ordering, determinism.
#include <gtest/gtest.h>

#include <vector>

#include "sim/engine/event_queue.h"
#include "sim/units/random.h"
#include "sim/engine/sim_time.h"
#include "sim/units/error.h"

namespace moeplan::engine {
namespace {

TEST(SimTime, ConvertsSecondsToPicoseconds) {
  EXPECT_EQ(seconds_to_time(1.0), kPsPerSecond);
  EXPECT_EQ(seconds_to_time(1.5e-6), 1'500'000);
  EXPECT_DOUBLE_EQ(time_to_seconds(seconds_to_time(3.25e-3)), 3.25e-3);
  // The documented range: about 106 days.
  EXPECT_NO_THROW(seconds_to_time(100.0 * 86400.0));
  EXPECT_THROW(seconds_to_time(110.0 * 86400.0), Error);
  EXPECT_THROW(seconds_to_time(-1.0), Error);
}

TEST(SimTime, CheckedAddThrowsOnOverflow) {
  EXPECT_EQ(checked_add(5, 7), 12);
  EXPECT_THROW(checked_add(kTimeMax - 3, 4), Error);
  EXPECT_EQ(checked_add(kTimeMax - 4, 4), kTimeMax);
}

TEST(SimTime, FinishAfterRoundsUpAndKeepsExactMultiples) {
  EXPECT_EQ(finish_after(100, 50.0, 1.0), 150);
  EXPECT_EQ(finish_after(0, 10.0, 3.0), 4);         // 3.33 -> 4
  EXPECT_EQ(finish_after(0, 1e8, 0.5), 200'000'000);
  EXPECT_EQ(finish_after(0, 1.0, 0.0), kTimeNever);
}

TEST(EventQueue, OrdersByTimeThenInsertion) {
  EventQueue q;
  q.push(30, 0, 0);
  q.push(10, 1, 0);
  q.push(30, 2, 0);
  q.push(10, 3, 0);
  q.push(20, 4, 0);
  q.push(10, 5, 0);
  std::vector<std::uint32_t> order;
  SimTime last = 0;
  while (!q.empty()) {
    const Event e = q.pop();
    EXPECT_GE(e.time, last);  // time never goes backward
    last = e.time;
    order.push_back(e.target);
  }
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 3, 5, 4, 0, 2}));
}

TEST(EventQueue, ManyRandomEventsComeOutSorted) {
  EventQueue q;
  Rng rng(42);
  for (std::uint32_t i = 0; i < 20000; ++i) q.push(static_cast<SimTime>(rng.below(1000)), i, 0);
  Event prev = q.pop();
  while (!q.empty()) {
    const Event e = q.pop();
    ASSERT_TRUE(e.time > prev.time || (e.time == prev.time && e.seq > prev.seq));
    prev = e;
  }
}

TEST(Rng, IsDeterministicAndUniform) {
  // SplitMix64 reference output for seed 0 (first value of the published reference implementation).
  std::uint64_t s = 0;
  EXPECT_EQ(splitmix64(s), 0xe220a8397b1dcdafULL);
  Rng a(7), b(7);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
  Rng r(1);
  std::vector<int> counts(10, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i) ++counts[r.below(10)];
  for (int c : counts) EXPECT_NEAR(c, n / 10, 5 * 95);  // ~5 sigma of a binomial(1e5, 0.1)
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
}

}  // namespace
}  // namespace moeplan::engine
