// Pipelines whose first and last chunks hold fewer layers than the rest (parallel.first_stage_layers,
// last_stage_layers), down to none: the chunk then runs only the embedding, or only the output head and loss.
#include <gtest/gtest.h>

#include <cstdio>

#include "sim/units/error.h"
#include "sim/workload/stage_costs.h"
#include "tests/train/loaded_scenarios.h"

namespace moeplan {
namespace {

using test::Loaded;
using test::main_shape;

TEST(UnevenStages, Llama3InterleavedWithEmptyEndChunks) {
  // Llama 3 405B: 126 layers on PP16 x v8 = 128 chunks; the first holds only the embedding, the last only the
  // output head and loss (arXiv:2407.21783 §3.3.2). Without the two keys the plan is refused.
  Loaded l;
  const std::vector<std::string> interleaved = {"parallel.schedule=interleaved", "parallel.virtual_stages=8"};
  EXPECT_THROW(l.load("scenarios/llama3-405b-16k-h100.yaml", interleaved), Error);
  std::vector<std::string> o = interleaved;
  o.push_back("parallel.first_stage_layers=0");
  o.push_back("parallel.last_stage_layers=0");
  Scenario s = l.load("scenarios/llama3-405b-16k-h100.yaml", o);
  auto calib = l.calib(s);
  const StepShape shape = main_shape(s);
  const StageCosts costs = compute_stage_costs(s, shape, *calib, 1.0);
  const ChunkCost& embedding = costs.ranks[0].chunks.front();
  const ChunkCost& head = costs.ranks[15].chunks.back();
  const ChunkCost& layer = costs.ranks[1].chunks.front();
  EXPECT_TRUE(embedding.layers.empty());
  EXPECT_TRUE(head.layers.empty());
  ASSERT_EQ(layer.layers.size(), 1u);
  // The embedding lookup is memory-bound and small; the head is a vocab x hidden GEMM, about 0.66 of a layer's
  // forward FLOPs (stage_partition.h), so its chunk is shorter than a one-layer chunk but not negligible.
  std::printf("chunk forward: embedding only %.2f ms, head only %.2f ms, one layer %.2f ms\n", 1e3 * embedding.f_s,
              1e3 * head.f_s, 1e3 * layer.f_s);
  EXPECT_LT(embedding.f_s, 0.2 * layer.f_s);
  EXPECT_GT(head.f_s, 0.3 * layer.f_s);
  EXPECT_LT(head.f_s, layer.f_s);
  for (Fidelity f : {Fidelity::kAnalytic, Fidelity::kDes}) {
    s.fidelity = f;
    const StepResult r = simulate_step(s, *calib, shape);
    std::printf("Llama 3 405B PP16 v8 (fidelity %d): step %.2f s, %d micro-batches\n", static_cast<int>(f), r.time_s,
                r.micro_batches);
    EXPECT_GT(r.time_s, 0.0);
    ASSERT_EQ(r.stages.size(), 16u);
  }
}

TEST(UnevenStages, DesFullAgreesWithDesWithEmptyEndStages) {
  // Llama-3.1-8B's 32 layers on one node, pp 4 1F1B: the head alone on the last stage, the embedding and 2
  // layers on the first, 15 on each middle stage.
  Loaded l;
  Scenario s = l.load("scenarios/small-dense.yaml", {"cluster.nodes=1", "parallel.pp=4", "parallel.first_stage_layers=2",
                                                     "parallel.last_stage_layers=0"});
  auto calib = l.calib(s);
  test::expect_des_full_agrees("llama-3.1-8b pp4 with 2 / 15 / 15 / 0 layers", s, *calib);
  s.fidelity = Fidelity::kDes;
  const StepResult uneven = simulate_step(s, *calib, main_shape(s));
  Scenario even = l.load("scenarios/small-dense.yaml", {"cluster.nodes=1", "parallel.pp=4"});
  even.fidelity = Fidelity::kDes;
  const StepResult balanced = simulate_step(even, *calib, main_shape(even));
  // The middle stages hold 15 layers instead of about 8: the step is slower than the balanced cut.
  std::printf("step: balanced cut %.3f s, 2/15/15/0 %.3f s\n", balanced.time_s, uneven.time_s);
  EXPECT_GT(uneven.time_s, balanced.time_s);
}

}  // namespace
}  // namespace moeplan
