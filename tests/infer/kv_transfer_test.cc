// The KV handoff from prefill to decode: the closed form (bytes = prompt tokens x KV bytes per token,
// time = bytes / a rank's NIC share + latency), the NIC time it adds to the pools, and the full serving
// path adding exactly that time to TTFT.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/infer/data_paths.h"
#include "sim/calib/profile_calibration.h"
#include "sim/infer/capacity.h"
#include "sim/infer/deployment.h"
#include "sim/infer/kv_transfer.h"
#include "sim/infer/serving_run.h"
#include "sim/io/catalog.h"

namespace moeplan {
namespace {

const io::Catalog& catalog() {
  static const io::Catalog c = io::Catalog::load(test::data_path("scenarios/catalog"));
  return c;
}

TEST(KvTransfer, ClosedFormOnTheDay6Cluster) {
  const ServeScenario s = load_serve_scenario(test::data_path("scenarios/deepseek-v3-serving-h800.yaml"), catalog());
  const KvTransfer t = kv_transfer(s);
  // MLA latent + RoPE key, 61 layers, BF16: (512 + 64) x 61 x 2 B (ISCA'25 Table 1).
  EXPECT_DOUBLE_EQ(t.bytes_per_token, 70272.0);
  // Eight 400G NICs per 8-GPU node, 47 GB/s achievable each (catalog ib-ndr), 2.8 us latency.
  EXPECT_DOUBLE_EQ(t.rank_Bps, 47e9);
  EXPECT_DOUBLE_EQ(t.latency_s, 2.8e-6);
  EXPECT_DOUBLE_EQ(t.bytes(4000), 4000 * 70272.0);
  EXPECT_DOUBLE_EQ(t.time_s(4000), 4000 * 70272.0 / 47e9 + 2.8e-6);
  // Half the NICs: each GPU gets half a NIC.
  ServeScenario half = s;
  half.nics_per_node = 4;
  EXPECT_DOUBLE_EQ(kv_transfer(half).rank_Bps, 23.5e9);
  // An FP8 cache halves the bytes.
  half.kv_cache_dtype = DType::kFp8;
  EXPECT_DOUBLE_EQ(kv_transfer(half).bytes_per_token, 35136.0);

  // The plan reports it at the mean prompt and as NIC time on the pools.
  const auto calib = load_calibration(test::data_path("calibrate/profiles/h800-sxm.yaml"), s.gpu);
  const RequestShape shape = request_shape(s);
  const PoolPlan plan = plan_pools(s, *calib, *calib, shape);
  EXPECT_DOUBLE_EQ(plan.kv_transfer.bytes_per_request, shape.prompt_tokens * 70272.0);
  EXPECT_DOUBLE_EQ(plan.kv_transfer.time_s_mean, shape.prompt_tokens * 70272.0 / 47e9 + 2.8e-6);
  const StepCost ps = prefill_step(s, *calib, prefill_context(shape));
  const double prompts_per_step = ps.tokens / ((1.0 - shape.hit_fraction) * shape.prompt_tokens);
  EXPECT_NEAR(plan.kv_transfer.prefill_nic_utilisation,
              (ps.scale_out_s + prompts_per_step * shape.prompt_tokens * 70272.0 / 47e9) / ps.time_s, 1e-12);
  std::printf("KV handoff %.1f MB per request, %.2f ms; NIC busy: prefill %.0f%%, decode %.0f%% of a step\n",
              plan.kv_transfer.bytes_per_request / 1e6, plan.kv_transfer.time_s_mean * 1e3,
              100 * plan.kv_transfer.prefill_nic_utilisation, 100 * plan.kv_transfer.decode_nic_utilisation);
  // On H800 the compute, not the NICs, sets both steps (Day 6 runs these pools compute-bound).
  EXPECT_FALSE(plan.kv_transfer.prefill_nic_bound);
  EXPECT_FALSE(plan.kv_transfer.decode_nic_bound);
  EXPECT_LT(plan.kv_transfer.prefill_nic_utilisation, 1.0);
}

TEST(KvTransfer, NicBoundPrefillSaysSoAndSlowsTheStep) {
  // An 80th of the NIC bandwidth: the KV sends alone outlast the compute of a prefill step (no TPOT
  // objective, which the NIC-bound decode would miss).
  ServeScenario s = load_serve_scenario(test::data_path("scenarios/deepseek-v3-serving-h800.yaml"), catalog());
  s.slo.tpot_s = 0;
  const auto calib = load_calibration(test::data_path("calibrate/profiles/h800-sxm.yaml"), s.gpu);
  const RequestShape shape = request_shape(s);
  const PoolPlan fast = plan_pools(s, *calib, *calib, shape);
  s.scale_out.achievable_Bps /= 80;
  const PoolPlan slow = plan_pools(s, *calib, *calib, shape);
  EXPECT_TRUE(slow.kv_transfer.prefill_nic_bound);
  EXPECT_TRUE(slow.kv_transfer.decode_nic_bound);
  EXPECT_GT(slow.kv_transfer.prefill_nic_utilisation, 1.0);
  EXPECT_LT(slow.prefill.tokens_per_s_per_node, fast.prefill.tokens_per_s_per_node);
}

TEST(KvTransfer, ServingPathAddsExactlyTheHandoffToTtft) {
  // Sparse arrivals with one fixed prompt and no prefix hits: each request has its own prefill step, so
  // its TTFT is that step plus its handoff, to the picosecond clock of the simulation.
  const char* yaml = R"(model: deepseek-v3
cluster: {gpu: h800-sxm}
serving:
  prefill: {nodes: 4, redundant_experts: 32}
  decode: {nodes: 18, redundant_experts: 32, pipeline_stages: 5}
arrivals: {rate_per_s: 0.5, prompt_tokens: 4000, output_tokens: 5}
duration: 60 s
warmup: 0 s
)";
  const ServeScenario s = load_serve_scenario_text(yaml, "sparse.yaml", catalog());
  const auto calib = load_calibration(test::data_path("calibrate/profiles/h800-sxm.yaml"), s.gpu);
  const ServeResult r = run_serving(s, *calib, *calib);
  const double step =
      prefill_step(s, *calib, 2000, 4000.0 / s.prefill.attention_dp / s.prefill.micro_batches).time_s;
  const double handoff = 4000 * 70272.0 / 47e9 + 2.8e-6;
  std::printf("TTFT p50 %.6f s = prefill step %.6f s + handoff %.6f s (closed form %.6f s)\n", r.latency.ttft_s.p50,
              step, r.latency.kv_handoff_s.p50, step + handoff);
  EXPECT_NEAR(r.kv_transfer.time_s_mean, handoff, 1e-15);
  EXPECT_NEAR(r.latency.kv_handoff_s.p50, handoff, 1e-9);
  EXPECT_NEAR(r.latency.ttft_s.p50, step + handoff, 1e-9);
}

}  // namespace
}  // namespace moeplan
