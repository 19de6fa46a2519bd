// One test per class of scenario error, each with the exact message a user sees: file:line:column, the
// dotted key, what was wrong, what was expected and a hint.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/io/scenario_loader.h"
#include "tests/io/scenario_text.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

using test::catalog;
using test::error_of;
using test::replace;

// A valid DeepSeek-V3 scenario on 2 nodes; each test breaks one line of it.
const char* kValid = R"(name: t
model: deepseek-v3
cluster: {gpu: h800-sxm, nodes: 2, gpus_per_node: 8, scale_out: ib-ndr}
parallel:
  tp: 1
  pp: 2
  dp: 8
  ep: 8
  zero: 1
  schedule: dualpipe
training:
  phases:
    - {tokens: 1B, seq_len: 4096, global_batch: 64}
)";

TEST(ScenarioErrors, ValidFixtureLoads) { EXPECT_EQ(error_of(kValid), ""); }

TEST(ScenarioErrors, MalformedYaml) {
  // yaml-cpp reports where it notices the problem: the unclosed flow sequence runs into the next line.
  EXPECT_EQ(error_of(replace(kValid, "ep: 8", "ep: [8")),
            "t.yaml:9:7: malformed YAML: end of sequence flow not found");
  EXPECT_EQ(error_of(replace(kValid, "tp: 1", "tp: 1: 2")), "t.yaml:5:8: malformed YAML: illegal map value");
}

TEST(ScenarioErrors, UnknownKeyWithHint) {
  EXPECT_EQ(error_of(replace(kValid, "ep: 8", "epp: 8")),
            "t.yaml:8:3: `parallel.epp`: unknown key `epp` (expected one of tp, cp, cp_comm, pp, dp, ep, zero, micro_batch, "
            "virtual_stages, schedule, recompute, comm_sms, sequence_parallel, ep_overlap, tp_comm_overlap, "
            "first_stage_layers, last_stage_layers, dp_sync); did you mean `ep`?");
  EXPECT_EQ(error_of(replace(kValid, "training:", "trainig:")),
            "t.yaml:11:1: `trainig`: unknown key `trainig` (expected one of name, description, model, cluster, "
            "parallel, precision, training, price, failures, routing, gpu_variation, software, calibration, fidelity, "
            "seed, sweep, validation, availability, constraints, sites, wan, compare); "
            "did you mean `training`?");
}

TEST(ScenarioErrors, SoftwarePresetsAndOverrides) {
  const Scenario s = load_scenario_text(std::string(kValid) + "software: {preset: megatron-lm-2021, dp_overlap: true}\n",
                                        "t.yaml", catalog());
  EXPECT_EQ(s.software.attention_kernel, AttentionKernel::kMegatronFused);  // from the preset
  EXPECT_TRUE(s.software.p2p_blocking);                                     // from the preset
  EXPECT_TRUE(s.software.dp_overlap);                                       // overridden
  const std::string unknown_preset = error_of(std::string(kValid) + "software: megatron-2021\n");
  EXPECT_NE(unknown_preset.find("t.yaml:"), std::string::npos) << unknown_preset;
  EXPECT_NE(unknown_preset.find("megatron-lm-2021"), std::string::npos) << unknown_preset;  // did you mean
  const std::string bad_kernel = error_of(std::string(kValid) + "software: {attention_kernel: fa9}\n");
  EXPECT_NE(bad_kernel.find("`software.attention_kernel`"), std::string::npos) << bad_kernel;
  EXPECT_NE(bad_kernel.find("fa2"), std::string::npos) << bad_kernel;
  // The MoE dispatcher: DeepEP-style by default, Megatron's all-to-all in the 2024 preset, overridable.
  EXPECT_EQ(s.software.moe_dispatcher, MoeDispatcher::kDeepEp);
  const Scenario mc24 = load_scenario_text(std::string(kValid) + "software: megatron-core-2024\n", "t.yaml", catalog());
  EXPECT_EQ(mc24.software.moe_dispatcher, MoeDispatcher::kAllToAll);
  const Scenario over = load_scenario_text(
      std::string(kValid) + "software: {preset: megatron-core-2025, moe_dispatcher: alltoall}\n", "t.yaml", catalog());
  EXPECT_EQ(over.software.moe_dispatcher, MoeDispatcher::kAllToAll);
  const std::string bad_dispatcher = error_of(std::string(kValid) + "software: {moe_dispatcher: nccl}\n");
  EXPECT_NE(bad_dispatcher.find("`software.moe_dispatcher`"), std::string::npos) << bad_dispatcher;
  EXPECT_NE(bad_dispatcher.find("alltoall"), std::string::npos) << bad_dispatcher;
  // TE TP-overlap settings are bounded (SMs held 0-1024, pieces 1-64) and located.
  const Scenario tp = load_scenario_text(
      std::string(kValid) + "software: {tp_overlap_comm_sms: 24, tp_overlap_pipeline_splits: 2}\n", "t.yaml", catalog());
  EXPECT_EQ(tp.software.tp_overlap_comm_sms, 24);
  EXPECT_EQ(tp.software.tp_overlap_pipeline_splits, 2);
  const std::string bad_sms = error_of(std::string(kValid) + "software: {tp_overlap_comm_sms: 5000}\n");
  EXPECT_NE(bad_sms.find("`software.tp_overlap_comm_sms`"), std::string::npos) << bad_sms;
  EXPECT_NE(bad_sms.find("t.yaml:"), std::string::npos) << bad_sms;
}

TEST(ScenarioErrors, WrongType) {
  EXPECT_EQ(error_of(replace(kValid, "pp: 2", "pp: two")),
            "t.yaml:6:7: `parallel.pp`: cannot read `two` as an integer (expected an integer no larger than 16777216)");
  EXPECT_EQ(error_of(replace(kValid, "{gpu: h800-sxm, nodes: 2, gpus_per_node: 8, scale_out: ib-ndr}", "h800-sxm")),
            "t.yaml:3:10: `cluster`: expected a mapping, found a scalar "
            "(expected {gpu, nodes, gpus_per_node, scale_up, scale_out, ...})");
}

TEST(ScenarioErrors, BadUnit) {
  EXPECT_EQ(error_of(replace(kValid, "tokens: 1B", "tokens: 1 parsec")),
            "t.yaml:13:16: `training.phases[0].tokens`: cannot read `1 parsec` as a quantity "
            "(expected a count such as \"14.8T\", \"469B\", \"4K\" or \"4096\")");
  EXPECT_EQ(error_of(kValid, {"price.usd_per_gpu_hour=$2/day"}),
            "override `price.usd_per_gpu_hour=$2/day`: `price.usd_per_gpu_hour`: cannot read `$2/day` as a quantity "
            "(expected a price such as \"$2/h\", \"2.0 $/h\" or \"2 USD/GPU-h\")");
}

TEST(ScenarioErrors, MissingKey) {
  EXPECT_EQ(error_of(replace(kValid, "gpu: h800-sxm, ", "")),
            "t.yaml:3:10: `cluster.gpu`: missing required key `gpu` "
            "(expected a GPU name from the catalog such as h800-sxm)");
  EXPECT_EQ(error_of(replace(kValid, ", scale_out: ib-ndr", "")),
            "t.yaml:3:10: `cluster.scale_out`: missing required key `scale_out` "
            "(expected the fabric between nodes, e.g. ib-ndr, roce-400g or eth-100g)");
}

TEST(ScenarioErrors, UnknownNamesWithHint) {
  EXPECT_EQ(error_of(replace(kValid, "gpu: h800-sxm", "gpu: h800")),
            "t.yaml:3:16: `cluster.gpu`: unknown GPU `h800` (expected a GPU from the catalog: a100-80g, a800, b200, "
            "b300, gb200, h100-pcie, h100-sxm, h20, h200, h800-sxm, l40s, mi300x, mi355x, rtx-3090, rtx-4090, rtx-5090, "
            "rtx-pro-6000); "
            "did you mean `h800-sxm`?");
  EXPECT_EQ(error_of(replace(kValid, "schedule: dualpipe", "schedule: dualpip")),
            "t.yaml:10:13: `parallel.schedule`: unknown pipeline schedule `dualpip` (expected one of gpipe, 1f1b, "
            "interleaved, zb-h1, dualpipe, dualpipev); did you mean `dualpipe`?");
  EXPECT_EQ(error_of(kValid, {"precision=fp8-deepsek"}),
            "override `precision=fp8-deepsek`: `precision`: unknown precision recipe `fp8-deepsek` "
            "(expected one of: bf16, fp8-deepseek); did you mean `fp8-deepseek`?");
}

TEST(ScenarioErrors, GpuCountMismatch) {
  EXPECT_EQ(error_of(replace(kValid, "dp: 8", "dp: 4")),
            "t.yaml:4:1: `parallel`: tp x pp x dp = 1 x 2 x 4 = 8 but the cluster has 16 GPUs; "
            "set dp to 8 or change cluster.nodes");
  EXPECT_EQ(error_of(replace(kValid, "dp: 8", "dp: auto"), {"parallel.pp=3"}),
            "t.yaml:7:7: `parallel.dp`: dp: auto needs tp x pp = 3 to divide the 16 GPUs "
            "(expected an explicit dp, or tp and pp dividing the GPU count)");
}

TEST(ScenarioErrors, EpDoesNotDivideExperts) {
  EXPECT_EQ(error_of(replace(kValid, "ep: 8", "ep: 3")),
            "t.yaml:8:3: `parallel.ep`: ep = 3 does not divide the 256 routed experts; use a divisor of 256");
}

TEST(ScenarioErrors, EpExceedsItsGroup) {
  EXPECT_EQ(error_of(replace(kValid, "ep: 8", "ep: 16")),
            "t.yaml:8:3: `parallel.ep`: ep = 16 must divide the 8 GPUs of a pipeline stage (tp x dp); "
            "choose ep dividing 8");
}

TEST(ScenarioErrors, LayersNotSplittableOverStages) {
  EXPECT_EQ(error_of(replace(replace(kValid, "model: deepseek-v3", "model: {from: deepseek-v3, n_layers: 4}"),
                             "pp: 2\n  dp: 8\n  ep: 8", "pp: 8\n  dp: 2\n  ep: 2")),
            "t.yaml:6:3: `parallel.pp`: the model's 4 layers cannot be split over 8 pipeline chunks; "
            "use fewer stages");
}

TEST(ScenarioErrors, FirstAndLastStageLayers) {
  // DeepSeek-V3's 61 layers on pp 2 with DualPipe: two chunks per direction, so they must hold all 61.
  const std::string two = replace(kValid, "  zero: 1\n", "  zero: 1\n  first_stage_layers: 30\n  last_stage_layers: 30\n");
  EXPECT_EQ(error_of(two),
            "t.yaml:10:3: `parallel.first_stage_layers`: the plan has only the first and last chunks, so they must "
            "hold all 61 layers, but the first and last chunks (30 + 30) hold 60; make first_stage_layers + "
            "last_stage_layers = 61");
  // 1F1B on pp 8 (dp 2, ep 2): 61 - 1 = 60 layers over 7 other chunks does not divide.
  const std::string eight = replace(replace(kValid, "pp: 2\n  dp: 8\n  ep: 8", "pp: 8\n  dp: 2\n  ep: 2"),
                                    "schedule: dualpipe", "schedule: 1f1b\n  first_stage_layers: 1");
  EXPECT_EQ(error_of(eight),
            "t.yaml:11:3: `parallel.first_stage_layers`: the 60 layers left after the first chunk (1) do not split "
            "evenly over the 7 other pipeline chunks; the 60 layers left need a multiple of 7: put 4 more or 3 fewer "
            "in the first chunk");
  EXPECT_EQ(error_of(replace(eight, "first_stage_layers: 1", "last_stage_layers: 5")), "");  // 56 = 7 x 8
  EXPECT_EQ(error_of(replace(eight, "first_stage_layers: 1", "first_stage_layers: -1")),
            "t.yaml:11:3: `parallel.first_stage_layers`: must be >= 0 (expected a layer count, 0 for only the "
            "embedding)");
  EXPECT_EQ(error_of(replace(eight, "first_stage_layers: 1", "first_stage_layers: 70")),
            "t.yaml:11:3: `parallel.first_stage_layers`: the first chunk (70) holds more than the model's 61 layers");
  EXPECT_EQ(error_of(eight, {"parallel.first_stage_layers=5"}), "");  // 56 over 7: 8 each
}

TEST(ScenarioErrors, TpExceedsKvHeads) {
  EXPECT_EQ(error_of(R"(model: llama-3.1-8b
cluster: {gpu: h100-sxm, nodes: 1, gpus_per_node: 16}
parallel: {tp: 16, pp: 1, dp: 1, zero: 0}
training: {phases: [{tokens: 1B, global_batch: 16}]}
)"),
            "t.yaml:3:12: `parallel.tp`: tp = 16 exceeds the 8 KV heads of llama-3.1-8b; use tp <= 8");
}

TEST(ScenarioErrors, DualPipeParity) {
  EXPECT_EQ(error_of(replace(kValid, "nodes: 2", "nodes: 3"), {"parallel.pp=3"}),
            "override `parallel.pp=3`: `parallel.pp`: DualPipe needs an even number of pipeline stages, got 3 "
            "(expected pp divisible by 2 (DualPipe README))");
  EXPECT_EQ(error_of(replace(kValid, "global_batch: 64", "global_batch: 72")),
            "t.yaml:13:35: `training.phases[0].global_batch`: DualPipe needs an even number of micro-batches, "
            "got 9; micro-batches divisible by 2 (DualPipe README)");
}

TEST(ScenarioErrors, PhasePlanErrorsNameThePhase) {
  EXPECT_EQ(error_of(replace(kValid, "global_batch: 64}", "global_batch: 64, parallel: {pp: 3, dp: 5}}")),
            "t.yaml:13:64: `training.phases[0].parallel.pp`: DualPipe needs an even number of pipeline stages, "
            "got 3 (expected pp divisible by 2 (DualPipe README))");
  // A phase plan that is valid on its own but not for this model/cluster.
  EXPECT_EQ(error_of(replace(kValid, "global_batch: 64}", "global_batch: 64, parallel: {ep: 16}}")),
            "t.yaml:13:64: `training.phases[0].parallel.ep`: ep = 16 must divide the 8 GPUs of a pipeline stage "
            "(tp x dp); choose ep dividing 8");
}

TEST(ScenarioErrors, OverrideErrorsNameTheOverride) {
  EXPECT_EQ(error_of(kValid, {"parallel.pp=two"}),
            "override `parallel.pp=two`: `parallel.pp`: cannot read `two` as an integer (expected an integer no larger than 16777216)");
  EXPECT_EQ(error_of(kValid, {"parallel.pp"}), "bad override `parallel.pp` (expected key=value, e.g. parallel.pp=8)");
  EXPECT_EQ(error_of(kValid, {"model.n_layers=3"}),
            "override `model.n_layers=3`: `model`: cannot set `model.n_layers`: `model` is not a mapping");
  EXPECT_EQ(error_of(kValid, {"parallel.epp=3"}),
            "override `parallel.epp=3`: `parallel.epp`: unknown key `epp` (expected one of tp, cp, cp_comm, pp, dp, ep, zero, "
            "micro_batch, virtual_stages, schedule, recompute, comm_sms, sequence_parallel, ep_overlap, tp_comm_overlap, "
            "first_stage_layers, last_stage_layers, dp_sync); did you mean `ep`?");
}

TEST(ScenarioErrors, DuplicateKeyAndNullValue) {
  EXPECT_EQ(error_of(replace(kValid, "  zero: 1\n", "  zero: 1\n  zero: 0\n")),
            "t.yaml:10:3: `parallel.zero`: duplicate key `zero`; remove one of the two");
  EXPECT_EQ(error_of(replace(kValid, "  zero: 1\n", "  zero:\n")),
            "t.yaml:9:3: `parallel.zero`: no value given (expected a value, or remove the key)");
}

TEST(ScenarioErrors, GpuVariation) {
  const std::string with = std::string(kValid) + "gpu_variation: {spread: 0.08, source: SC22}\n";
  EXPECT_EQ(error_of(with), "");
  EXPECT_NE(error_of(replace(with, "spread: 0.08", "spread: 1.5")).find("`gpu_variation.spread`: must be in [0, 1)"),
            std::string::npos)
      << error_of(replace(with, "spread: 0.08", "spread: 1.5"));
  EXPECT_NE(error_of(replace(with, "spread: 0.08", "spread: -0.1")).find("must be in [0, 1)"), std::string::npos);
  EXPECT_NE(error_of(replace(with, "spread: 0.08", "sigma: 0.08")).find("unknown key `sigma`"), std::string::npos)
      << error_of(replace(with, "spread: 0.08", "sigma: 0.08"));
}

TEST(ScenarioErrors, EpOverlapNeedsOneFOneB) {
  EXPECT_EQ(error_of(replace(kValid, "  schedule: dualpipe\n", "  schedule: dualpipe\n  ep_overlap: true\n")),
            "t.yaml:11:3: `parallel.ep_overlap`: overlapping forward and backward pairs needs the 1f1b or "
            "interleaved schedule (expected schedule: 1f1b or interleaved (DualPipe overlaps its pairs already))");
  EXPECT_EQ(error_of(replace(kValid, "  schedule: dualpipe\n", "  schedule: 1f1b\n  ep_overlap: true\n")), "");
}

TEST(ScenarioErrors, TpCommOverlapNeedsTensorParallelism) {
  EXPECT_EQ(error_of(replace(kValid, "  schedule: dualpipe\n", "  schedule: dualpipe\n  tp_comm_overlap: true\n")),
            "t.yaml:11:3: `parallel.tp_comm_overlap`: overlapping TP communication needs tp > 1 (expected tp >= 2)");
}

TEST(ScenarioErrors, FileErrors) {
  try {
    load_scenario("scenarios/does-not-exist.yaml", catalog());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "scenarios/does-not-exist.yaml: cannot open scenario file: no such file; check the path");
  }
}

}  // namespace
}  // namespace moeplan::io
