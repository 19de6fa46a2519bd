// Progress handle: stages reach the sink with their totals, advances are thinned to a bounded number of calls
// but the last one always arrives, nested handles prefix their stage names, and many threads advancing at once
// count every unit.
#include "sim/units/progress.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace moeplan {
namespace {

TEST(Progress, EmptyHandleReportsNothingAndIsFalse) {
  Progress p;
  EXPECT_FALSE(p);
  p.begin("stage", 10);  // must not crash
  p.advance();
  p.update(5);
  EXPECT_FALSE(p.nested("x"));
}

TEST(Progress, StageOpensWithItsTotalAndEndsAtIt) {
  std::vector<ProgressEvent> seen;
  Progress p([&](const ProgressEvent& e) { seen.push_back(e); });
  ASSERT_TRUE(p);
  p.begin("scan", 4);
  for (int i = 0; i < 4; ++i) p.advance();
  ASSERT_EQ(seen.size(), 5u);  // the opening event and one per unit (a stage this small is not thinned)
  EXPECT_TRUE(seen.front().started);
  EXPECT_EQ(seen.front().stage, "scan");
  EXPECT_EQ(seen.front().total, 4u);
  EXPECT_EQ(seen.front().done, 0u);
  EXPECT_EQ(seen.back().done, 4u);
  EXPECT_FALSE(seen.back().started);
}

TEST(Progress, LargeStagesAreThinnedButTheLastUnitArrives) {
  std::vector<ProgressEvent> seen;
  Progress p([&](const ProgressEvent& e) { seen.push_back(e); });
  constexpr std::size_t kUnits = 1'000'000;
  p.begin("big", kUnits);
  for (std::size_t i = 0; i < kUnits; ++i) p.advance();
  // At most one call per 1/500 of the stage, plus the opening and closing ones.
  EXPECT_LE(seen.size(), 503u);
  EXPECT_GE(seen.size(), 400u);
  EXPECT_EQ(seen.back().done, kUnits);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].done, seen[i - 1].done);
}

TEST(Progress, NestedHandlesPrefixStageNames) {
  std::vector<std::string> stages;
  Progress p([&](const ProgressEvent& e) {
    if (e.started) stages.push_back(e.stage);
  });
  p.nested("h100-sxm").nested("2048 GPUs").begin("analytic scan", 3);
  p.begin("plain", 1);
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[0], "h100-sxm: 2048 GPUs: analytic scan");
  EXPECT_EQ(stages[1], "plain");
}

TEST(Progress, ThreadsAdvancingTogetherCountEveryUnit) {
  std::size_t last = 0, calls = 0;
  Progress p([&](const ProgressEvent& e) {  // the handle serialises calls into the sink
    last = std::max(last, e.done);
    ++calls;
  });
  constexpr int kThreads = 4, kPerThread = 50'000;
  p.begin("parallel", kThreads * kPerThread);
  std::vector<std::thread> pool;
  for (int t = 0; t < kThreads; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) p.advance();
    });
  for (std::thread& t : pool) t.join();
  EXPECT_EQ(last, static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_LE(calls, 503u);
}

}  // namespace
}  // namespace moeplan
