// Cross-part checks of a Scenario (sim/spec/scenario_validate.cc), including each phase's own plan.
#include <gtest/gtest.h>

#include "sim/spec/scenario.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

// A small MoE on 2 nodes of 8: 16 experts, top-2, 8 layers, GQA 8/4 heads, DualPipe pp 2 x dp 8.
Scenario base() {
  Scenario s;
  ModelSpec& m = s.model;
  m.name = "tiny-moe";
  m.n_layers = 8;
  m.hidden = 512;
  m.n_heads = 8;
  m.n_kv_heads = 4;
  m.head_dim = 64;
  m.attention = AttentionKind::kGqa;
  m.ffn_dim = 2048;
  m.vocab = 1000;
  m.moe.n_routed_experts = 16;
  m.moe.expert_ffn_dim = 256;
  m.moe.top_k = 2;
  m.moe.first_k_dense = 1;
  GpuSpec& g = s.cluster.gpu;
  g.name = "g";
  g.peak_bf16_flops = 1e15;
  g.peak_fp8_flops = 2e15;
  g.hbm_bytes = 80e9;
  g.hbm_Bps = 3e12;
  g.sm_count = 132;
  g.tdp_w = 700;
  s.cluster.n_nodes = 2;
  s.cluster.gpus_per_node = 8;
  s.parallel.pp = 2;
  s.parallel.dp = 8;
  s.parallel.ep = 8;
  s.parallel.schedule = PipelineSchedule::kDualPipe;
  TrainingPhase ph;
  ph.name = "pre";
  ph.tokens = 1e9;
  ph.global_batch = 64;
  ph.parallel = s.parallel;
  s.training.phases.push_back(ph);
  return s;
}

std::string error_of(const Scenario& s) {
  try {
    validate(s);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioValidate, BaseIsValid) { EXPECT_EQ(error_of(base()), ""); }

TEST(ScenarioValidate, PlanAgainstModelAndCluster) {
  Scenario s = base();
  s.model.moe.n_routed_experts = 0;
  s.model.moe.first_k_dense = 0;
  s.parallel.ep = 2;
  EXPECT_EQ(error_of(s), "`parallel.ep`: expert parallelism needs an MoE model; tiny-moe is dense; set ep: 1");

  s = base();
  s.model.n_heads = 6;
  s.model.n_kv_heads = 6;
  s.model.attention = AttentionKind::kMha;
  s.parallel.tp = 4;
  s.parallel.dp = 2;
  EXPECT_EQ(error_of(s), "`parallel.tp`: tp = 4 does not divide the 6 attention heads");

  s = base();
  s.parallel.tp = 8;
  s.parallel.dp = 1;
  EXPECT_EQ(error_of(s), "`parallel.tp`: tp = 8 exceeds the 4 KV heads of tiny-moe; use tp <= 4");

  s = base();
  s.model.n_heads = 16;
  s.model.n_kv_heads = 16;
  s.model.attention = AttentionKind::kMha;
  s.parallel.tp = 16;
  s.parallel.pp = 1;
  s.parallel.dp = 1;
  s.parallel.zero_stage = 0;
  s.parallel.schedule = PipelineSchedule::k1F1B;
  EXPECT_EQ(error_of(s), "`parallel.tp`: tp = 16 spans more than one scale-up domain (8 GPUs share a scale-up "
                         "fabric); keep tensor parallelism inside a node or NVLink domain");

  s = base();
  s.model.n_kv_heads = 8;
  s.model.attention = AttentionKind::kMha;
  s.parallel.tp = 8;
  s.parallel.dp = 1;
  EXPECT_EQ(error_of(s), "`parallel.zero`: ZeRO needs data parallelism (dp > 1); set zero: 0");

  s = base();
  s.parallel.schedule = PipelineSchedule::kDualPipeV;  // DualPipeV: 2 stages per rank
  s.parallel.pp = 8;
  s.parallel.dp = 2;
  s.parallel.ep = 2;
  EXPECT_EQ(error_of(s), "`parallel.pp`: the model's 8 layers cannot be split over 16 pipeline chunks; "
                         "use fewer stages");
}

TEST(ScenarioValidate, BatchesAndPrecision) {
  Scenario s = base();
  s.training.phases[0].global_batch = 60;
  EXPECT_EQ(error_of(s), "`training.phases[0].global_batch`: global batch 60 is not a multiple of "
                         "dp x micro_batch = 8");
  s.training.phases[0].global_batch = 72;  // 9 micro-batches
  EXPECT_EQ(error_of(s), "`training.phases[0].global_batch`: DualPipe needs an even number of micro-batches, got 9; "
                         "micro-batches divisible by 2 (DualPipe README)");
  TrainingPhase given;
  given.given_gpu_hours = 5000;  // given phases are not checked against the plan
  given.global_batch = 7;
  s = base();
  s.training.phases.push_back(given);
  EXPECT_EQ(error_of(s), "");
  s.precision = precision_preset("fp8-deepseek");
  s.cluster.gpu.peak_fp8_flops = 0;
  EXPECT_EQ(error_of(s), "`precision`: g has no FP8 tensor cores; use precision: bf16");
}

// Each phase's own plan gets the same model and cluster checks as the scenario's plan.
TEST(ScenarioValidate, PhasePlansAreCheckedLikeTheMainPlan) {
  Scenario s = base();
  TrainingPhase& ph = s.training.phases[0];
  ph.parallel_overridden = true;
  ph.parallel.ep = 16;
  EXPECT_EQ(error_of(s), "`training.phases[0].parallel.ep`: ep = 16 must divide the 8 GPUs of a pipeline stage "
                         "(tp x dp); choose ep dividing 8");
  ph.parallel.ep = 8;
  ph.parallel.dp = 4;
  EXPECT_EQ(error_of(s), "`training.phases[0].parallel`: tp x pp x dp = 1 x 2 x 4 = 8 but the cluster has 16 GPUs; "
                         "set dp to 8 or change cluster.nodes");
  ph.parallel.dp = 2;
  ph.parallel.tp = 4;  // tp = KV heads is allowed; tp 4 x dp 2 = 8 ranks per stage, ep 8 fits
  ph.global_batch = 64;
  EXPECT_EQ(error_of(s), "");
  ph.parallel.tp = 8;
  ph.parallel.dp = 1;
  EXPECT_EQ(error_of(s), "`training.phases[0].parallel.tp`: tp = 8 exceeds the 4 KV heads of tiny-moe; use tp <= 4");
}

}  // namespace
}  // namespace moeplan
