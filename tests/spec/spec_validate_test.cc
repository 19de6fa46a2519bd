// Validation of each spec on its own (sim/spec/spec_validate.cc).
#include <gtest/gtest.h>

#include "sim/spec/cluster_spec.h"
#include "sim/spec/model_spec.h"
#include "sim/spec/parallel_plan.h"
#include "sim/spec/precision_recipe.h"
#include "sim/spec/price_spec.h"
#include "sim/spec/training_spec.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

std::string error_of(const auto& spec) {
  try {
    validate(spec);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

ModelSpec gqa_model() {
  ModelSpec m;
  m.name = "m";
  m.n_layers = 4;
  m.hidden = 256;
  m.n_heads = 8;
  m.n_kv_heads = 2;
  m.head_dim = 32;
  m.attention = AttentionKind::kGqa;
  m.ffn_dim = 1024;
  m.vocab = 1000;
  return m;
}

TEST(SpecValidate, Model) {
  EXPECT_EQ(error_of(gqa_model()), "");
  ModelSpec m = gqa_model();
  m.n_kv_heads = 3;
  EXPECT_EQ(error_of(m), "`model.n_kv_heads`: n_heads (8) must be a multiple of n_kv_heads (3)");
  m = gqa_model();
  m.moe.n_routed_experts = 8;
  m.moe.expert_ffn_dim = 128;
  m.moe.top_k = 9;
  EXPECT_EQ(error_of(m), "`model.moe.top_k`: must be between 1 and n_routed_experts");
  m.moe.top_k = 2;
  m.moe.n_expert_groups = 3;
  EXPECT_EQ(error_of(m), "`model.moe.n_expert_groups`: must divide n_routed_experts");
  m.moe.n_expert_groups = 4;
  m.moe.n_limited_groups = 5;
  EXPECT_EQ(error_of(m), "`model.moe.n_limited_groups`: must be between 1 and n_expert_groups");
  m.moe.n_limited_groups = 2;
  m.ffn_dim = 0;  // all layers MoE: no dense width needed
  EXPECT_EQ(error_of(m), "");
  m.moe.first_k_dense = 1;
  EXPECT_EQ(error_of(m), "`model.ffn_dim`: dense layers need an FFN width");
  ModelSpec mla = gqa_model();
  mla.attention = AttentionKind::kMla;
  EXPECT_EQ(error_of(mla), "`model.mla`: MLA needs kv_lora_rank, qk_nope_head_dim and v_head_dim");
}

TEST(SpecValidate, ParallelPlan) {
  ParallelPlan p;
  EXPECT_EQ(error_of(p), "");
  p.zero_stage = 4;
  EXPECT_EQ(error_of(p), "`parallel.zero`: must be 0, 1, 2 or 3");
  p.zero_stage = 1;
  p.schedule = PipelineSchedule::kDualPipeV;
  p.pp = 5;
  EXPECT_EQ(error_of(p), "`parallel.pp`: DualPipe needs an even number of pipeline stages, got 5 "
                         "(expected pp divisible by 2 (DualPipe README))");
  p.pp = 4;
  p.virtual_stages = 2;
  EXPECT_EQ(error_of(p), "`parallel.virtual_stages`: virtual stages need the interleaved schedule "
                         "(expected schedule: interleaved)");
  p.schedule = PipelineSchedule::kInterleaved1F1B;
  EXPECT_EQ(error_of(p), "");
}

// GB200 NVL72: 72 GPUs on one NVLink domain (hardware.md §5 [S14]). The job's block on one scale-up fabric is
// the most whole nodes of the domain that tile the cluster evenly.
TEST(SpecValidate, ScaleUpDomainBlocks) {
  ClusterSpec c;
  c.gpus_per_node = 8;
  c.n_nodes = 256;
  EXPECT_EQ(c.scale_up_gpus(), 8);  // no domain: the node
  c.scale_up_domain_gpus = 72;
  EXPECT_EQ(c.scale_up_gpus(), 64);  // 2048 = 32 x 64; 72 does not divide 2048
  EXPECT_EQ(c.n_scale_up_domains(), 32);
  c.n_nodes = 18;                    // 144 GPUs: two whole racks
  EXPECT_EQ(c.scale_up_gpus(), 72);
  c.gpus_per_node = 4;               // GB200 compute trays
  c.n_nodes = 64;                    // 256 GPUs
  EXPECT_EQ(c.scale_up_gpus(), 64);
  c.n_nodes = 5;                     // 20 GPUs: smaller than a domain, one block
  EXPECT_EQ(c.scale_up_gpus(), 20);
  c.n_nodes = 19;                    // 76 GPUs = 19 trays (prime): no block larger than a tray tiles it
  EXPECT_EQ(c.scale_up_gpus(), 4);
  c.scale_up_domain_gpus = 4;        // a domain no larger than the node is the node
  EXPECT_EQ(c.scale_up_gpus(), 4);
}

TEST(SpecValidate, ClusterTrainingPrice) {
  ClusterSpec c;
  c.gpu.name = "g";
  c.gpu.peak_bf16_flops = 1e15;
  c.gpu.hbm_bytes = 80e9;
  c.gpu.hbm_Bps = 3e12;
  c.gpu.sm_count = 132;
  c.gpu.tdp_w = 700;
  c.n_nodes = 2;
  EXPECT_EQ(error_of(c), "");
  c.nics_per_node = 0;
  EXPECT_EQ(error_of(c), "`cluster.nics_per_node`: a multi-node cluster needs NICs");
  c.nics_per_node = 8;
  c.scale_up_domain_gpus = 70;
  EXPECT_EQ(error_of(c), "`cluster.scale_up_domain`: a scale-up domain of 70 GPUs is not a whole number of 8-GPU "
                         "nodes (expected a multiple of gpus_per_node (NVL72: 72 GPUs = 18 trays of 4))");
  c.scale_up_domain_gpus = 72;
  EXPECT_EQ(error_of(c), "");
  c.topology.oversubscription = 0.5;
  EXPECT_EQ(error_of(c), "`cluster.topology.oversubscription`: must be >= 1.0 "
                         "(expected a ratio such as 1.0 (full bisection) or 7.0)");

  TrainingSpec t;
  EXPECT_EQ(error_of(t), "`training.phases`: at least one phase is needed");
  TrainingPhase ph;
  ph.tokens = 1e9;
  ph.steps = 10;
  ph.global_batch = 8;
  t.phases.push_back(ph);
  EXPECT_EQ(error_of(t), "`training.phases[0]`: give exactly one of `tokens` or `steps`");
  t.phases[0].steps = 0;
  EXPECT_EQ(error_of(t), "");
  TrainingPhase given;
  given.given_gpu_hours = 5000;  // a given phase needs neither tokens nor a batch
  t.phases.push_back(given);
  EXPECT_EQ(error_of(t), "");
  // `tokens: 14.8` (the T forgotten) is less than one step of 8 x 4096 tokens: zero steps is an error, not a
  // phase that quietly vanishes from the totals.
  t.phases[0].tokens = 14.8;
  EXPECT_EQ(error_of(t), "`training.phases[0].tokens`: the phase would run zero steps: 14.8 tokens is less than "
                         "one step of 32.8 k tokens (global_batch x seq_len) (expected at least 32.8 k tokens); token "
                         "counts take a suffix: 14.8T, 500B, 10M");
  t.phases[0].tokens = 8 * 4096;  // exactly one step
  EXPECT_EQ(error_of(t), "");

  PriceSpec p;
  EXPECT_EQ(error_of(p), "");
  p.pue = 0.9;
  EXPECT_EQ(error_of(p), "`price.pue`: must be >= 1.0");
}

TEST(SpecValidate, PrecisionPresets) {
  const PrecisionRecipe r = precision_preset("fp8-deepseek");  // DeepSeek-V3 §3.3
  EXPECT_EQ(r.gemm, DType::kFp8);
  EXPECT_EQ(r.master_weights, DType::kFp32);
  EXPECT_EQ(r.optimizer_moments, DType::kBf16);
  EXPECT_EQ(r.dispatch, DType::kFp8);
  EXPECT_EQ(r.combine, DType::kBf16);
  EXPECT_EQ(r.act_scale_tile, 128);
  EXPECT_EQ(r.weight_scale_block, 128);
  EXPECT_EQ(precision_preset("bf16").gemm, DType::kBf16);
  EXPECT_THROW(precision_preset("fp4"), Error);
}

}  // namespace
}  // namespace moeplan
