// Pipeline partition: every layer once per model copy, balanced stages, and the rank maps of each schedule.
#include <algorithm>
#include <cstdio>
#include <numeric>

#include <gtest/gtest.h>

#include "sim/model/stage_partition.h"
#include "sim/units/error.h"
#include "tests/model/test_models.h"

namespace moeplan {
namespace {

std::vector<int> all_layers(const std::vector<std::vector<int>>& stages) {
  std::vector<int> out;
  for (const auto& s : stages) out.insert(out.end(), s.begin(), s.end());
  return out;
}

TEST(StagePartition, ContiguousCoverAndBalance) {
  const ModelSpec m = test::llama31_405b();
  const auto stages = partition_stages(m, 16);
  std::vector<int> expect(126);
  std::iota(expect.begin(), expect.end(), 0);
  EXPECT_EQ(all_layers(stages), expect);
  // Identical layers: sizes differ by at most one, and the last stage (which also holds the head, ~0.66
  // of a layer here) is not larger than the others.
  size_t lo = 1000, hi = 0;
  for (const auto& s : stages) { lo = std::min(lo, s.size()); hi = std::max(hi, s.size()); }
  EXPECT_LE(hi - lo, 1u);
  EXPECT_LE(stages.back().size(), stages.front().size());
}

TEST(StagePartition, HeadAndMtpLightenTheLastStage) {
  const auto stages = partition_stages(test::deepseek_v3(), 16);
  std::printf("deepseek-v3 PP16 layers per stage:");
  for (const auto& s : stages) std::printf(" %zu", s.size());
  std::printf("\n");
  // The last stage carries the head (~1.4 MoE layers of compute) and the MTP module (a layer and another
  // pass through the head), so it holds fewer layers than the average of 61/16.
  EXPECT_LT(stages.back().size(), 4u);
}

TEST(StagePartition, OneF1BMap) {
  ParallelPlan p;
  p.pp = 8;
  const auto ranks = partition_layers(test::deepseek_v3(), p);
  ASSERT_EQ(ranks.size(), 8u);
  EXPECT_TRUE(ranks[0].embedding);
  EXPECT_FALSE(ranks[0].head);
  EXPECT_TRUE(ranks[7].head && ranks[7].mtp);
  for (const auto& r : ranks) EXPECT_EQ(r.chunks, 1);
}

TEST(StagePartition, DualPipePutsEmbeddingAndHeadTogether) {
  ParallelPlan p = test::deepseek_v3_plan();
  const ModelSpec m = test::deepseek_v3();
  const auto ranks = partition_layers(m, p);
  ASSERT_EQ(ranks.size(), 16u);
  // DeepSeek-V3 §3.2.3: embedding and output head on the same PP rank (the first and the last rank each
  // hold one copy of both); MTP with the head.
  EXPECT_TRUE(ranks[0].embedding && ranks[0].head && ranks[0].mtp);
  EXPECT_TRUE(ranks[15].embedding && ranks[15].head && ranks[15].mtp);
  EXPECT_FALSE(ranks[5].embedding || ranks[5].head);
  // Two chunks per rank: stage r and stage pp-1-r; across ranks every layer appears exactly twice.
  std::vector<int> count(61, 0);
  for (const auto& r : ranks) {
    EXPECT_EQ(r.chunks, 2);
    EXPECT_EQ(r.stages[0], r.rank);
    EXPECT_EQ(r.stages[1], 15 - r.rank);
    for (int l : r.layers) ++count[l];
  }
  for (int c : count) EXPECT_EQ(c, 2);
}

TEST(StagePartition, DualPipeVAndInterleaved) {
  ParallelPlan v;
  v.pp = 4;
  v.schedule = PipelineSchedule::kDualPipeV;
  const auto ranks = partition_layers(test::llama31_405b(), v);
  // 8 stages in a V: rank 0 holds stages 0 and 7, so the embedding and the head.
  EXPECT_EQ(ranks[0].stages, (std::vector<int>{0, 7}));
  EXPECT_TRUE(ranks[0].embedding && ranks[0].head);
  EXPECT_EQ(ranks[3].stages, (std::vector<int>{3, 4}));
  std::vector<int> count(126, 0);
  for (const auto& r : ranks) for (int l : r.layers) ++count[l];
  for (int c : count) EXPECT_EQ(c, 1);  // one copy of the model

  ParallelPlan il;
  il.pp = 4;
  il.virtual_stages = 3;
  il.schedule = PipelineSchedule::kInterleaved1F1B;
  const auto ir = partition_layers(test::llama31_405b(), il);
  EXPECT_EQ(ir[1].stages, (std::vector<int>{1, 5, 9}));
  EXPECT_EQ(ir[1].chunks, 3);
  EXPECT_TRUE(ir[3].head);  // stage 11 is on rank 3
}

TEST(StagePartition, TooManyStagesIsAUserError) {
  ParallelPlan p;
  p.pp = 64;
  EXPECT_THROW(partition_layers(test::mixtral_8x7b(), p), Error);
}

}  // namespace
}  // namespace moeplan
