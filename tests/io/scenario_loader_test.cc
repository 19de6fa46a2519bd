// Scenario loading: the shipped scenarios load with exactly the published numbers, overrides and sweeps work.
#include "sim/io/scenario_loader.h"

#include <gtest/gtest.h>

#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan::io {
namespace {

const Catalog& catalog() {
  static const Catalog c = Catalog::load("scenarios/catalog");
  return c;
}

TEST(ScenarioLoader, DeepSeekV3H800IsThePublishedRun) {
  const Scenario s = load_scenario("scenarios/deepseek-v3-h800.yaml", catalog());
  EXPECT_EQ(s.name, "deepseek-v3-h800");
  EXPECT_EQ(s.file, "scenarios/deepseek-v3-h800.yaml");
  EXPECT_EQ(s.model.name, "deepseek-v3");
  // published-numbers.md §1.3: 2048 H800, 8 per node, 8 x 400G IB CX7 per node (ISCA'25 §4.1).
  EXPECT_EQ(s.cluster.n_gpus(), 2048);
  EXPECT_EQ(s.cluster.n_nodes, 256);
  EXPECT_EQ(s.cluster.gpus_per_node, 8);
  EXPECT_EQ(s.cluster.gpu.name, "h800-sxm");
  EXPECT_EQ(s.cluster.scale_up.name, "nvlink4-h800");
  EXPECT_DOUBLE_EQ(s.cluster.scale_up.achievable_Bps, 160e9);
  EXPECT_EQ(s.cluster.scale_out.name, "ib-ndr");
  EXPECT_EQ(s.cluster.nics_per_node, 8);
  EXPECT_EQ(s.cluster.topology.planes, 8);  // multi-plane fat-tree (ISCA'25)
  EXPECT_EQ(s.cluster.topology.levels, 2);
  // §3.2: PP16, EP64, ZeRO-1 DP, no TP, DualPipe; 20 communication SMs (§3.5.1).
  EXPECT_EQ(s.parallel.tp, 1);
  EXPECT_EQ(s.parallel.pp, 16);
  EXPECT_EQ(s.parallel.dp, 128);
  EXPECT_EQ(s.parallel.ep, 64);
  EXPECT_EQ(s.parallel.zero_stage, 1);
  EXPECT_EQ(s.parallel.micro_batch, 1);
  EXPECT_EQ(s.parallel.schedule, PipelineSchedule::kDualPipe);
  EXPECT_EQ(s.parallel.recompute, RecomputePolicy::kSelective);
  EXPECT_EQ(s.parallel.comm_sms, 20);
  EXPECT_EQ(s.parallel.expert_dp(), 2);
  // §3.3 FP8 recipe.
  EXPECT_EQ(s.precision.name, "fp8-deepseek");
  EXPECT_EQ(s.precision.gemm, DType::kFp8);
  EXPECT_EQ(s.precision.optimizer_moments, DType::kBf16);
  // §4.2 / §4.3 / Table 1 phases.
  ASSERT_EQ(s.training.phases.size(), 4u);
  const TrainingPhase& pre = s.training.phases[0];
  EXPECT_EQ(pre.name, "pre-training");
  EXPECT_DOUBLE_EQ(pre.tokens, 14.8e12);
  EXPECT_EQ(pre.seq_len, 4096);
  EXPECT_EQ(pre.global_batch, 15360);
  EXPECT_EQ(pre.ramp.from_sequences, 3072);
  EXPECT_DOUBLE_EQ(pre.ramp.over_tokens, 469e9);
  EXPECT_FALSE(pre.parallel_overridden);
  EXPECT_EQ(pre.global_batch / (pre.parallel.dp * pre.parallel.micro_batch), 120);  // even: DualPipe OK
  const TrainingPhase& c32 = s.training.phases[1];
  EXPECT_EQ(c32.steps, 1000);
  EXPECT_EQ(c32.seq_len, 32768);
  EXPECT_EQ(c32.global_batch, 1920);
  EXPECT_TRUE(c32.parallel_overridden);
  EXPECT_EQ(c32.parallel.tp, 1);
  EXPECT_EQ(c32.parallel.cp, 8);
  EXPECT_EQ(c32.parallel.pp, 16);
  EXPECT_EQ(c32.parallel.dp, 16);  // re-derived: 2048 / (8 x 16)
  EXPECT_EQ(c32.parallel.ep, 64);
  EXPECT_EQ(c32.parallel.schedule, PipelineSchedule::kDualPipe);
  EXPECT_EQ(c32.parallel.recompute, RecomputePolicy::kSelective);
  const TrainingPhase& c128 = s.training.phases[2];
  EXPECT_EQ(c128.steps, 1000);
  EXPECT_EQ(c128.seq_len, 131072);
  EXPECT_EQ(c128.global_batch, 480);
  EXPECT_EQ(c128.parallel.cp, 64);
  EXPECT_EQ(c128.parallel.cp_comm, CpComm::kAllToAll);
  EXPECT_EQ(c128.parallel.dp, 2);
  EXPECT_EQ(c128.parallel.recompute, RecomputePolicy::kSelective);
  const TrainingPhase& post = s.training.phases[3];
  EXPECT_DOUBLE_EQ(post.given_gpu_hours, 5000);  // Table 1, given
  EXPECT_EQ(post.given_source, "DeepSeek-V3 report Table 1");
  EXPECT_DOUBLE_EQ(s.price.usd_per_gpu_hour, 2.0);
  EXPECT_EQ(s.price.mode, PriceSpec::Mode::kRental);
  EXPECT_EQ(s.routing.nodes_per_token, 4);
  EXPECT_EQ(s.fidelity, Fidelity::kDes);
  EXPECT_EQ(s.seed, 1u);
  EXPECT_TRUE(s.failures.enabled);
  EXPECT_DOUBLE_EQ(s.failures.checkpoint_interval_s, 0);  // auto
}

TEST(ScenarioLoader, OtherShippedScenariosLoad) {
  const Scenario r = load_scenario("scenarios/deepseek-v3-rtx4090.yaml", catalog());
  EXPECT_EQ(r.cluster.gpu.name, "rtx-4090");
  EXPECT_EQ(r.cluster.n_gpus(), 2048);
  EXPECT_EQ(r.cluster.scale_up.name, "pcie4");
  EXPECT_EQ(r.cluster.scale_out.name, "eth-100g");
  EXPECT_FALSE(r.cluster.p2p);
  EXPECT_EQ(r.parallel.ep, 64);
  const Scenario d = load_scenario("scenarios/small-dense.yaml", catalog());
  EXPECT_EQ(d.model.name, "llama-3.1-8b");
  EXPECT_EQ(d.cluster.n_gpus(), 16);
  EXPECT_EQ(d.cluster.scale_up.name, "nvlink4");  // the GPU's own link by default
  EXPECT_EQ(d.parallel.dp, 16);                   // dp: auto
  EXPECT_DOUBLE_EQ(d.training.phases[0].tokens, 10e9);
  EXPECT_EQ(d.precision.name, "bf16");
}

TEST(ScenarioLoader, Overrides) {
  // The GPU swap the what-if questions need: same plan, other hardware.
  const Scenario g = load_scenario("scenarios/deepseek-v3-h800.yaml", catalog(), {"cluster.gpu=rtx-4090"});
  EXPECT_EQ(g.cluster.gpu.name, "rtx-4090");
  EXPECT_EQ(g.cluster.scale_up.name, "nvlink4-h800");  // set explicitly in the file, so kept
  EXPECT_EQ(g.parallel.pp, 16);

  const Scenario s =
      load_scenario("scenarios/small-dense.yaml", catalog(), {"cluster.gpu=rtx-4090", "parallel.pp=8"});
  EXPECT_EQ(s.cluster.gpu.name, "rtx-4090");
  EXPECT_EQ(s.cluster.scale_up.name, "pcie4");  // default follows the new GPU: no NVLink -> its PCIe link
  EXPECT_EQ(s.parallel.pp, 8);
  EXPECT_EQ(s.parallel.dp, 2);  // dp: auto re-derived, 16 / 8
  EXPECT_EQ(s.training.phases[0].parallel.pp, 8);

  // Phase keys by index, and values with units.
  const Scenario p = load_scenario("scenarios/deepseek-v3-h800.yaml", catalog(),
                                   {"training.phases[1].global_batch=3840", "price.usd_per_gpu_hour=$2.5/h",
                                    "training.phases.0.tokens=1T"});
  EXPECT_EQ(p.training.phases[1].global_batch, 3840);
  EXPECT_DOUBLE_EQ(p.price.usd_per_gpu_hour, 2.5);
  EXPECT_DOUBLE_EQ(p.training.phases[0].tokens, 1e12);
}

TEST(ScenarioLoader, InlineAndHuggingFaceModels) {
  const std::string base = R"(
cluster: {gpu: h100-sxm, nodes: 1, gpus_per_node: 8}
parallel: {tp: 2, pp: 2}
training: {phases: [{tokens: 1B, seq_len: 2048, global_batch: 64}]}
)";
  const Scenario a = load_scenario_text("model: {name: tiny, n_layers: 4, hidden: 256, n_heads: 8, n_kv_heads: 2, "
                                        "ffn_dim: 1024, vocab: 32000}" + base, "inline.yaml", catalog());
  EXPECT_EQ(a.model.name, "tiny");
  EXPECT_EQ(a.model.attention, AttentionKind::kGqa);
  EXPECT_EQ(a.model.head_dim, 32);
  EXPECT_EQ(a.parallel.dp, 2);
  // No price block: the GPU's dated catalog quote (H100 SXM, Cudo, 2025-03, hardware.md §3).
  EXPECT_DOUBLE_EQ(a.price.usd_per_gpu_hour, 2.45);
  EXPECT_EQ(a.price.source.rfind("catalog h100-sxm rental, 2025-03: ", 0), 0u) << a.price.source;
  const Scenario b = load_scenario_text("model: {from: llama-3.1-8b, n_layers: 16}" + base, "from.yaml", catalog());
  EXPECT_EQ(b.model.name, "llama-3.1-8b-custom");
  EXPECT_EQ(b.model.n_layers, 16);
  EXPECT_EQ(b.model.ffn_dim, 14336);
  const Scenario c =
      load_scenario_text("model: tests/io/data/llama-3.1-8b-config.json" + base, "hf.yaml", catalog());
  EXPECT_EQ(c.model.n_layers, 32);
  EXPECT_EQ(c.model.n_kv_heads, 8);
}

TEST(ScenarioLoader, MinimalScenarioDefaults) {
  // One GPU, no parallel block: pure data parallelism of 1, so ZeRO defaults to stage 0.
  const Scenario s = load_scenario_text(R"(model: llama-3.1-8b
cluster: {gpu: rtx-4090}
training: {phases: [{tokens: 1B, global_batch: 8}]}
)", "min.yaml", catalog());
  EXPECT_EQ(s.name, "min");
  EXPECT_EQ(s.cluster.n_gpus(), 8);  // gpus_per_node defaults to 8, nodes to 1
  EXPECT_EQ(s.parallel.dp, 8);
  EXPECT_EQ(s.parallel.zero_stage, 1);
  EXPECT_EQ(s.cluster.scale_up.name, "pcie4");
  EXPECT_EQ(s.cluster.nics_per_node, 0);
  EXPECT_EQ(s.precision.name, "bf16");
  EXPECT_EQ(s.training.phases[0].seq_len, 4096);
  const Scenario one = load_scenario_text(R"(model: llama-3.1-8b
cluster: {gpu: rtx-4090, gpus_per_node: 1}
training: {phases: [{tokens: 1B, global_batch: 8}]}
)", "one.yaml", catalog());
  EXPECT_EQ(one.parallel.dp, 1);
  EXPECT_EQ(one.parallel.zero_stage, 0);
}

TEST(ScenarioLoader, SweepAxes) {
  const Scenario s = load_scenario("scenarios/small-dense.yaml", catalog(),
                                   {"sweep={parallel.pp: [1, 2, 4], cluster.gpu: [h100-sxm, h200]}"});
  ASSERT_EQ(s.sweep.size(), 2u);
  EXPECT_EQ(s.sweep[0].key, "parallel.pp");
  EXPECT_EQ(s.sweep[0].values, (std::vector<std::string>{"1", "2", "4"}));
  EXPECT_EQ(s.sweep[1].key, "cluster.gpu");
  EXPECT_EQ(s.sweep[1].values, (std::vector<std::string>{"h100-sxm", "h200"}));
  try {
    load_scenario("scenarios/small-dense.yaml", catalog(), {"sweep={cluster.gpu: [h100-sxm, h300]}"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "override `sweep={cluster.gpu: [h100-sxm, h300]}`: `sweep.cluster.gpu`: sweep value "
                           "`h300`: unknown GPU `h300` (expected a GPU from the "
                           "catalog: a100-80g, a800, b200, b300, gb200, h100-pcie, h100-sxm, h20, h200, h800-sxm, l40s, "
                           "mi300x, mi355x, rtx-3090, rtx-4090, rtx-5090, rtx-pro-6000); did you mean `h200`?");
  }
}

}  // namespace
}  // namespace moeplan::io
