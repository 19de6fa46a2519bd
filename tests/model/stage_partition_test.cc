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

namespace moeplan {
namespace {

// Llama 3 405B: 126 layers on PP16 with v = 8, one layer fewer on the first and the last stage, so the first
// chunk holds only the embedding and the last only the output head and loss (arXiv:2407.21783 §3.3.2).
ParallelPlan llama3_interleaved() {
  ParallelPlan p;
  p.tp = 8;
  p.pp = 16;
  p.dp = 128;
  p.schedule = PipelineSchedule::kInterleaved1F1B;
  p.virtual_stages = 8;
  p.first_stage_layers = 0;
  p.last_stage_layers = 0;
  return p;
}

TEST(StagePartition, FirstAndLastChunksMayHoldNoLayers) {
  const ModelSpec m = test::llama31_405b();
  const auto ranks = partition_layers(m, llama3_interleaved());
  ASSERT_EQ(ranks.size(), 16u);
  std::vector<int> count(126, 0);
  for (const StageLayers& r : ranks) {
    ASSERT_EQ(r.chunks, 8);
    for (int c = 0; c < 8; ++c) {
      const int stage = r.stages[c];
      const size_t expect = stage == 0 || stage == 127 ? 0u : 1u;
      EXPECT_EQ(r.chunk_layers[c].size(), expect) << "rank " << r.rank << " chunk " << c;
    }
    for (int l : r.layers) ++count[l];
  }
  for (int c : count) EXPECT_EQ(c, 1);
  EXPECT_TRUE(ranks[0].embedding && !ranks[0].head);
  EXPECT_TRUE(ranks[15].head && !ranks[15].embedding);
  EXPECT_EQ(ranks[0].layers.size(), 7u);   // chunks 1..7: stages 16, 32, ..., 112
  EXPECT_EQ(ranks[15].layers.size(), 7u);  // chunks 0..6: stages 15, 31, ..., 111
  EXPECT_EQ(ranks[0].chunk_layers[1], std::vector<int>{15});  // stage 16 holds layer 15 (stage s: layer s-1)
  // Without the two keys the same plan has more chunks (128) than layers (126).
  ParallelPlan even = llama3_interleaved();
  even.first_stage_layers.reset();
  even.last_stage_layers.reset();
  EXPECT_THROW(partition_layers(m, even), Error);
}

TEST(StagePartition, OneFixedEndLeavesTheOtherInTheEvenSplit) {
  ParallelPlan p;
  p.pp = 4;
  p.first_stage_layers = 2;  // 124 left over the other 3 stages does not divide ...
  try {
    partition_layers(test::llama31_405b(), p);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    EXPECT_EQ(e.context().key_path, "parallel.first_stage_layers");
  }
  p.first_stage_layers = 3;  // ... 123 does: 41 each, the last stage (with the head) included
  const auto ranks = partition_layers(test::llama31_405b(), p);
  const std::vector<size_t> sizes = {ranks[0].layers.size(), ranks[1].layers.size(), ranks[2].layers.size(),
                                     ranks[3].layers.size()};
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 41, 41, 41}));
  p.first_stage_layers.reset();
  p.last_stage_layers = 0;  // the head alone on the last stage: 126 over 3
  EXPECT_EQ(partition_layers(test::llama31_405b(), p)[3].layers.size(), 0u);
  EXPECT_TRUE(partition_layers(test::llama31_405b(), p)[3].head);
}

TEST(StagePartition, SharedCutsEqualTheCutPerCall) {
  // The plan search cuts a model once per stage count (StagePartitions) instead of once per plan; every cut
  // must be the one partition_stages computes, and partition_layers must give the same ranks either way.
  for (const ModelSpec& m : {test::deepseek_v3(), test::llama31_405b()}) {
    std::vector<int> counts;
    for (int n = 1; n <= m.n_layers + 1; ++n) counts.push_back(n);
    const StagePartitions known(m, 4096, counts);
    for (int n = 1; n <= m.n_layers; ++n) {
      const auto* cut = known.find(m, n, 4096);
      ASSERT_NE(cut, nullptr) << m.name << " " << n;
      EXPECT_EQ(*cut, partition_stages(m, n, 4096)) << m.name << " " << n;
    }
    EXPECT_EQ(known.find(m, m.n_layers + 1, 4096), nullptr);  // more stages than layers: not cut
    EXPECT_EQ(known.find(m, 4, 8192), nullptr);                // another sequence length
    ParallelPlan p;
    p.pp = 4;
    p.schedule = PipelineSchedule::kDualPipeV;
    const auto with = partition_layers(m, p, 4096, &known), without = partition_layers(m, p, 4096);
    ASSERT_EQ(with.size(), without.size());
    for (size_t r = 0; r < with.size(); ++r) EXPECT_EQ(with[r].chunk_layers, without[r].chunk_layers);
  }
  const StagePartitions v3(test::deepseek_v3(), 4096, {16});
  EXPECT_EQ(v3.find(test::llama31_405b(), 16, 4096), nullptr);  // another model
}

}  // namespace
}  // namespace moeplan
