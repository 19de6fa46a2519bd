// Scenarios whose phases change the cluster (Llama 3 grew from 8K to 16K GPUs between stages of pre-training)
// and clusters with inline fabrics and GPUs: each phase is simulated on its own cluster, its GPU-hours count
// its own GPUs, and the wall-clock time adds up phase by phase.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "sim/io/scenario_loader.h"
#include "sim/units/error.h"
#include "tests/train/loaded_scenarios.h"

namespace moeplan {
namespace {

using test::Loaded;

const char* kGrowing = R"yaml(name: grow
model: llama-3.1-8b
cluster: {gpu: h100-sxm, nodes: 2, gpus_per_node: 8, scale_out: ib-ndr}
parallel: {tp: 1, pp: 1, dp: auto, zero: 1, micro_batch: 2, schedule: 1f1b}
training:
  phases:
    - {name: small, tokens: 1B, seq_len: 8192, global_batch: 512}
    - {name: large, tokens: 1B, seq_len: 8192, global_batch: 512, cluster: {nodes: 4}}
price: {usd_per_gpu_hour: "$2/h"}
seed: 1
)yaml";

TEST(PhaseCluster, EachPhaseRunsOnItsOwnClusterAndTimeAddsUp) {
  Loaded l;
  const Scenario s = io::load_scenario_text(kGrowing, "grow.yaml", l.catalog);
  ASSERT_EQ(s.training.phases.size(), 2u);
  const TrainingPhase& large = s.training.phases[1];
  EXPECT_TRUE(large.cluster_overridden);
  EXPECT_EQ(large.cluster.n_gpus(), 32);
  EXPECT_EQ(large.parallel.dp, 32);  // the model-parallel layout kept, data parallelism scaled to the new size
  EXPECT_EQ(large.cluster.scale_out.name, "ib-ndr");  // unchanged keys come from the scenario's cluster
  auto calib = l.calib(s);
  const RunResult r = run_training(s, *calib, RunOptions{});
  ASSERT_EQ(r.phases.size(), 2u);
  const PhaseResult& a = r.phases[0];
  const PhaseResult& b = r.phases[1];
  std::printf("16 GPUs: %.4f s/step, %.2f GPU-h; 32 GPUs: %.4f s/step, %.2f GPU-h\n", a.step_time_s, a.gpu_hours,
              b.step_time_s, b.gpu_hours);
  // GPU-hours are each phase's seconds times its own GPUs.
  // (1B tokens are 238.4 steps of 512 x 8192: the exact step count, not the rounded one in `steps`).
  const double step_tokens = 512.0 * 8192;
  EXPECT_NEAR(a.gpu_hours, a.step_time_s * a.tokens / step_tokens * 16 / 3600, 1e-9 * a.gpu_hours);
  EXPECT_NEAR(b.gpu_hours, b.step_time_s * b.tokens / step_tokens * 32 / 3600, 1e-9 * b.gpu_hours);
  // Twice the data-parallel replicas for the same batch: each step takes about half as long.
  EXPECT_LT(b.step_time_s, 0.6 * a.step_time_s);
  EXPECT_NEAR(r.days, a.days + b.days, 1e-12);
  EXPECT_NEAR(r.cost.failure_free_wall_clock_days, a.days + b.days, 1e-12);
  EXPECT_NE(b.plan.find("on 32 GPUs"), std::string::npos) << b.plan;
}

TEST(PhaseCluster, APhaseCannotSwapTheGpuAndMustFitItsLayout) {
  Loaded l;
  auto error_of = [&](const std::string& text) {
    try {
      io::load_scenario_text(text, "grow.yaml", l.catalog);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string text = kGrowing;
  const std::string swap = "cluster: {nodes: 4, gpu: b200}";
  text.replace(text.find("cluster: {nodes: 4}"), std::string("cluster: {nodes: 4}").size(), swap);
  const std::string e = error_of(text);
  EXPECT_NE(e.find("grow.yaml:8:"), std::string::npos) << e;
  EXPECT_NE(e.find("a phase runs on the scenario's GPU (`h100-sxm`)"), std::string::npos) << e;

  std::string odd = kGrowing;
  odd.replace(odd.find("parallel: {tp: 1, pp: 1,"), std::string("parallel: {tp: 1, pp: 1,").size(),
              "parallel: {tp: 1, pp: 16,");
  odd.replace(odd.find("cluster: {nodes: 4}"), std::string("cluster: {nodes: 4}").size(),
              "cluster: {nodes: 3, gpus_per_node: 4}");
  const std::string e2 = error_of(odd);
  EXPECT_NE(e2.find("not a multiple of tp x cp x pp = 16"), std::string::npos) << e2;
}

TEST(InlineHardware, A200GRoceFabricAndAnInlineGpuAreExpressible) {
  Loaded l;
  const std::string text = R"yaml(name: inline
model: llama-3.1-8b
cluster:
  gpu: h100-sxm
  nodes: 2
  gpus_per_node: 8
  scale_out: {name: roce-200g, kind: roce, bandwidth: 200 Gbps, achievable: 22 GB/s, latency: 5.6 us,
              source: "200G RoCE at IB NDR's achievable share of line rate (47/50)"}
parallel: {tp: 1, pp: 1, dp: auto, zero: 1, micro_batch: 2, schedule: 1f1b}
training:
  phases:
    - {tokens: 1B, seq_len: 8192, global_batch: 512}
seed: 1
)yaml";
  const Scenario s = io::load_scenario_text(text, "inline.yaml", l.catalog);
  EXPECT_EQ(s.cluster.scale_out.name, "roce-200g");
  EXPECT_EQ(s.cluster.scale_out.kind, FabricKind::kRoce);
  EXPECT_DOUBLE_EQ(s.cluster.scale_out.achievable_Bps, 22e9);
  // The same run over the catalog's 400G RoCE: the slower fabric makes the DP exchange cost more, never less.
  std::string fast_text = text;
  const std::string inline_fabric = fast_text.substr(fast_text.find("  scale_out: {name:"),
                                                     fast_text.find("parallel:") - fast_text.find("  scale_out: {name:"));
  fast_text.replace(fast_text.find(inline_fabric), inline_fabric.size(), "  scale_out: roce-400g\n");
  const Scenario fast = io::load_scenario_text(fast_text, "fast.yaml", l.catalog);
  EXPECT_EQ(fast.cluster.scale_out.name, "roce-400g");
  auto calib = l.calib(s);
  const TrainingPhase& ph = s.training.phases.front();
  const StepResult slow_step = simulate_step(s, *calib, StepShape{s.parallel, ph.seq_len, ph.global_batch, true});
  const TrainingPhase& fph = fast.training.phases.front();
  const StepResult fast_step =
      simulate_step(fast, *calib, StepShape{fast.parallel, fph.seq_len, fph.global_batch, true});
  std::printf("200G RoCE step %.4f s vs 400G RoCE %.4f s\n", slow_step.time_s, fast_step.time_s);
  EXPECT_GE(slow_step.time_s, fast_step.time_s);

  // An inline GPU: a whole catalog-format entry with its own name.
  const std::string gpu_text = R"yaml(name: inline-gpu
model: llama-3.1-8b
cluster:
  gpu: {name: h100-sxm-capped, display_name: "H100 SXM at 500 W", arch: hopper, sms: 132, fp8: 1979 TFLOPS,
        bf16: 989 TFLOPS, memory: 80 GiB, memory_bandwidth: 3.35 TB/s, scale_up: nvlink4, host_link: pcie5,
        tdp: 500 W, profile: h100-sxm, source: "catalog h100-sxm with a 500 W cap"}
  nodes: 1
  gpus_per_node: 8
parallel: {tp: 1, pp: 1, dp: auto, zero: 1, micro_batch: 2, schedule: 1f1b}
training:
  phases:
    - {tokens: 1B, seq_len: 8192, global_batch: 512}
price: {usd_per_gpu_hour: "$2/h"}
seed: 1
)yaml";
  const Scenario g = io::load_scenario_text(gpu_text, "inline-gpu.yaml", l.catalog);
  EXPECT_EQ(g.cluster.gpu.name, "h100-sxm-capped");
  EXPECT_DOUBLE_EQ(g.cluster.gpu.tdp_w, 500);
  EXPECT_EQ(g.cluster.scale_up.kind, FabricKind::kNvlink);
  // A missing field of an inline entry is a located error.
  std::string broken = gpu_text;
  broken.replace(broken.find("sms: 132, "), std::string("sms: 132, ").size(), "");
  try {
    io::load_scenario_text(broken, "inline-gpu.yaml", l.catalog);
    ADD_FAILURE() << "an inline GPU without sms loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("inline-gpu.yaml:4:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sms"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace moeplan
