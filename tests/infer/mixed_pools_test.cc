// Mixed pools: prefill and decode on different GPU types. Each pool takes its GPU's memory, precision,
// profile and price; the KV handoff between them is costed (in TTFT and as NIC time); the comparison and
// the layout search still run both pools on one type.
#include <gtest/gtest.h>

#include <string>

#include "tests/infer/data_paths.h"
#include "sim/infer/deployment.h"
#include "sim/infer/serve_scenario.h"
#include "sim/infer/serving_run.h"
#include "sim/io/catalog.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

const io::Catalog& catalog() {
  static const io::Catalog c = io::Catalog::load(test::data_path("scenarios/catalog"));
  return c;
}

TEST(MixedPools, B200PrefillRtx5090Decode) {
  ServeScenario s = load_serve_scenario(test::data_path("scenarios/deepseek-v3-serving-b200-rtx5090.yaml"), catalog());
  ASSERT_TRUE(s.decode_gpu.has_value());
  EXPECT_FALSE(s.prefill_gpu.has_value());
  EXPECT_TRUE(mixed_pools(s));
  EXPECT_EQ(pool_hardware(s, true).gpu.name, "rtx-5090");
  EXPECT_EQ(pool_hardware(s, false).gpu.name, "b200");
  // Each pool's memory is its own GPU's.
  EXPECT_DOUBLE_EQ(pool_memory(s, s.decode, true).hbm_bytes, 32.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(pool_memory(s, s.prefill, false).hbm_bytes, s.gpu.hbm_bytes);
  s.duration_s = 40;  // a shorter simulated window keeps the test quick
  s.warmup_s = 10;
  const ServeResult r = run_serving(s, test::data_path("calibrate/profiles"));
  EXPECT_NE(r.inputs.gpu.find("rtx-5090 (decode)"), std::string::npos) << r.inputs.gpu;
  // Each pool at its catalog price: B200 $4.49/h, RTX 5090 $0.87/h (Vast.ai, gpus.yaml).
  const double expected = (r.nodes.prefill * 4.49 + r.nodes.decode * 0.87) * 8 * 24;
  EXPECT_NEAR(r.cost.usd_per_day, expected, 1e-6 * expected);
  EXPECT_NEAR(r.cost.usd_per_m_output, 0.87 / 3600 / r.decode.tokens_per_s_per_gpu * 1e6, 1e-9);
  EXPECT_NEAR(r.day.usd_per_day, expected, 1e-6 * expected);  // flat day: the same fleet all day
  // The KV handoff crosses the pools: its bytes and time are costed and the simulation sees it.
  EXPECT_NEAR(r.kv_transfer.bytes_per_request, r.inputs.avg_prompt_tokens * 70272, 1.0);
  EXPECT_GT(r.kv_transfer.time_s_mean, 0.0);
  ASSERT_TRUE(r.latency.simulated);
  EXPECT_GE(r.latency.kv_handoff_s.p50, r.kv_transfer.time_s_mean * (1 - 1e-3));  // whole-token prompts
  EXPECT_GE(r.latency.ttft_s.p50, r.latency.kv_handoff_s.p50);
}

const char* kBase = R"(model: deepseek-v3
cluster: {gpu: h200}
serving:
  prefill: {nodes: 4, redundant_experts: 32}
  decode: {nodes: 18, redundant_experts: 32, DECODE}
workload: {input_tokens_per_day: 608B, output_tokens_per_day: 168B, avg_kv_len: 4989}
)";

std::string with_decode(const std::string& extra) {
  std::string y = kBase;
  y.replace(y.find("DECODE"), 6, extra);
  return y;
}

std::string load_error(const std::string& yaml) {
  try {
    load_serve_scenario_text(yaml, "mixed.yaml", catalog());
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a user error";
  return "";
}

TEST(MixedPools, PoolGpuKeysAreCheckedAndLocated) {
  // The H20 has no catalog rental price: the pool must state one.
  const std::string no_price = load_error(with_decode("gpu: h20"));
  EXPECT_NE(no_price.find("mixed.yaml:5"), std::string::npos) << no_price;
  EXPECT_NE(no_price.find("price"), std::string::npos) << no_price;
  const ServeScenario s = load_serve_scenario_text(with_decode("gpu: h20, price: $1.5/h"), "mixed.yaml", catalog());
  ASSERT_TRUE(s.decode_gpu.has_value());
  EXPECT_DOUBLE_EQ(s.decode_gpu->usd_per_gpu_hour, 1.5);
  EXPECT_EQ(s.decode_gpu->scale_up.name, "nvlink4");
  const std::string stray = load_error(with_decode("price: $1.5/h"));
  EXPECT_NE(stray.find("gpu"), std::string::npos) << stray;
  const std::string typo = load_error(with_decode("gpu: h2O"));
  EXPECT_NE(typo.find("h20"), std::string::npos) << typo;  // did you mean
}

}  // namespace
}  // namespace moeplan
