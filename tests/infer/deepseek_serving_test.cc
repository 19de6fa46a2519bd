// DeepSeek's production serving deployment (open-infra-index Day 6, published-numbers.md §5) under its
// published daily load: the model states per-node prefill and decode throughput averaged over the day,
// average nodes and $/day. The Day-6 post's figures are printed next to the predictions with the errors;
// nothing is tuned to them. The assertions hold the honest current errors as regression bounds.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "tests/infer/data_paths.h"
#include "sim/calib/profile_calibration.h"
#include "sim/infer/capacity.h"
#include "sim/infer/deployment.h"
#include "sim/infer/serve_report.h"
#include "sim/infer/serving_run.h"
#include "sim/io/catalog.h"

namespace moeplan {
namespace {

// Prints prediction, target and relative error; returns the error.
double report(const char* what, double predicted, double target) {
  const double error = (predicted - target) / target;
  std::printf("%-40s prediction %12.1f  target %12.1f  error %+7.1f%%\n", what, predicted, target, 100.0 * error);
  return error;
}

class DeepSeekServing : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const io::Catalog catalog = io::Catalog::load(test::data_path("scenarios/catalog"));
    scenario_ = new ServeScenario(load_serve_scenario(test::data_path("scenarios/deepseek-v3-serving-h800.yaml"), catalog));
    // The scenario names the kernels of the service's time (calibration: h800-sxm-2025-02).
    calib_ = load_calibration(scenario_profile_path(scenario_->calibration, scenario_->file, scenario_->gpu,
                                                    test::data_path("calibrate/profiles")),
                              scenario_->gpu)
                 .release();
    result_ = new ServeResult(run_serving(*scenario_, *calib_, *calib_, test::data_path("calibrate/profiles")));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete calib_;
    delete scenario_;
  }
  static ServeScenario* scenario_;
  static Calibration* calib_;
  static ServeResult* result_;
};
ServeScenario* DeepSeekServing::scenario_ = nullptr;
Calibration* DeepSeekServing::calib_ = nullptr;
ServeResult* DeepSeekServing::result_ = nullptr;

TEST_F(DeepSeekServing, Day6Comparison) {
  const ServeResult& r = *result_;
  std::printf("%s", render_serve_text(r).c_str());
  // [P] Day 6 (deepseek-ai/open-infra-index @ 56d8685, 202502OpenSourceWeek day_6 overview,
  // published-numbers.md §5): ~73.7K input tokens/s per H800 node in prefill (incl. cache hits), ~14.8K
  // output tokens/s per node in decode, 226.75 nodes on average (peak 278), $87,072 per day at
  // $2/GPU-hour. They are averages over the day, so the like-for-like prediction is the day's (r.day):
  // the day's tokens over the provisioned node-seconds. The capacities at the planned batch are printed too.
  ASSERT_TRUE(r.day.evaluated);
  report("prefill in/s per node, capacity", r.prefill.tokens_per_s_per_node, 73.7e3);
  report("decode out/s per node, capacity", r.decode.tokens_per_s_per_node, 14.8e3);
  const double e_prefill = report("prefill in/s per node, day average", r.day.prefill_tokens_per_s_per_node, 73.7e3);
  const double e_decode = report("decode out/s per node, day average", r.day.decode_tokens_per_s_per_node, 14.8e3);
  const double e_nodes = report("nodes, day average", r.day.avg_nodes, 226.75);
  const double e_usd = report("$/day", r.day.usd_per_day, 87072);
  std::printf("decode TPOT %.1f ms (%.1f tok/s per request) at batch %d per GPU (%s); at peak load %.1f ms\n",
              r.decode.tpot_s * 1e3, r.decode.tokens_per_s_per_request, r.decode.batch_per_gpu,
              r.decode.batch_limited_by.c_str(), r.decode_at_load.tpot_s * 1e3);
  // The SLO (20 tok/s per request) holds for the planned batch.
  EXPECT_GE(r.decode.tokens_per_s_per_request, 20.0 - 1e-9);
  // The target is 15% on each figure. The model is still optimistic: its kernel-level capacities are
  // about twice what the service averaged over the day (see docs/serving.md, "Day 6"). These bounds hold
  // the honest current errors (+99%, +46%, -39%, -39%) with 3 points of slack, so a regression fails and
  // an improvement passes; tighten them as the model closes the gap.
  EXPECT_LE(std::abs(e_prefill), 1.02);
  EXPECT_LE(std::abs(e_decode), 0.49);
  EXPECT_LE(std::abs(e_nodes), 0.42);
  EXPECT_LE(std::abs(e_usd), 0.42);
  // Day-6 arithmetic the model must reproduce exactly: at the published per-node averages the day's load
  // needs 608B / 86400 / 73.7K + 168B / 86400 / 14.8K = 226.9 nodes, the published 226.75 within 0.1%.
  const double implied = 608e9 / 86400 / 73.7e3 + 168e9 / 86400 / 14.8e3;
  EXPECT_NEAR(implied, 226.75, 0.002 * 226.75);
}

// The steady-state model and the request-level simulation describe the same provisioned fleet at the same
// peak rate: the fleet's TPOT at that load (decode_at_load) must match the simulated TPOT within 5%. The
// planned batch's TPOT is the objective's check at the batch limit, which whole deployment units do not
// reach at this load, so it is longer.
TEST_F(DeepSeekServing, SteadyStateTpotMatchesRequestSimulation) {
  const ServeResult& r = *result_;
  ASSERT_TRUE(r.decode_at_load.evaluated);
  ASSERT_TRUE(r.latency.simulated);
  const double model = r.decode_at_load.tpot_s, sim = r.latency.tpot_s.p50;
  std::printf("TPOT at peak load: steady state %.2f ms (%.1f seq per GPU), simulated p50 %.2f ms, error %+.1f%%; "
              "at the planned batch %d: %.2f ms\n",
              model * 1e3, r.decode_at_load.batch_per_gpu, sim * 1e3, 100 * (model - sim) / sim,
              r.decode.batch_per_gpu, r.decode.tpot_s * 1e3);
  EXPECT_NEAR(model, sim, 0.05 * sim);
  EXPECT_LE(r.decode_at_load.batch_per_gpu, r.decode.batch_per_gpu);
  EXPECT_LE(r.decode_at_load.tpot_s, r.decode.tpot_s + 1e-12);
  // Carried load over the planned fleet's capacity: the rounding of 18-node units, below 1.
  EXPECT_GT(r.decode_at_load.load_share, 0.5);
  EXPECT_LE(r.decode_at_load.load_share, 1.0);
}

// TPOT at a percentile: MTP's Bernoulli acceptance spreads the requests' tokens per step. Closed form at
// acceptance 0.85 and the mean output, and the simulated p99 against the model's p99 at the fleet's load.
TEST_F(DeepSeekServing, TpotPercentileFromMtpSpread) {
  const ServeScenario& s = *scenario_;
  const ServeResult& r = *result_;
  const double out = r.inputs.avg_output_tokens;
  const double steps = out / 1.85;
  const double z99 = 2.326347874;  // standard normal quantile at 0.99
  EXPECT_NEAR(tokens_per_decode_step_at(s, 0.99, out), 1.85 - z99 * std::sqrt(0.85 * 0.15 / steps), 1e-6);
  EXPECT_DOUBLE_EQ(tokens_per_decode_step_at(s, 0.5, out), 1.85);
  const double model_p99 = r.decode_at_load.tpot_s * 1.85 / tokens_per_decode_step_at(s, 0.99, out);
  const double sim_p99 = r.latency.tpot_s.p99;
  std::printf("TPOT p99 at peak load: model %.2f ms, simulated %.2f ms, error %+.1f%%\n", model_p99 * 1e3,
              sim_p99 * 1e3, 100 * (model_p99 - sim_p99) / sim_p99);
  EXPECT_NEAR(model_p99, sim_p99, 0.05 * sim_p99);
}

// An objective at p99 is stricter than the same objective at the median: the planned batch shrinks.
TEST_F(DeepSeekServing, TpotObjectiveAtP99PlansASmallerBatch) {
  ServeScenario s = *scenario_;
  s.slo.tpot_s = 0.040;  // binding for this deployment (the KV-limited batch runs at about 48 ms)
  const RequestShape shape = request_shape(s);
  s.slo.tpot_percentile = 0.5;
  const PoolPlan median = plan_pools(s, *calib_, *calib_, shape);
  s.slo.tpot_percentile = 0.99;
  const PoolPlan p99 = plan_pools(s, *calib_, *calib_, shape);
  EXPECT_EQ(median.decode.batch_limited_by, "tpot-slo");
  EXPECT_EQ(p99.decode.batch_limited_by, "tpot-slo");
  EXPECT_LE(p99.decode.batch_per_gpu, median.decode.batch_per_gpu);
  EXPECT_LE(p99.decode.tpot_at_slo_percentile_s, 0.040 + 1e-12);
  EXPECT_LE(median.decode.tpot_s, 0.040 + 1e-12);
  EXPECT_GT(p99.decode.tpot_at_slo_percentile_s, p99.decode.tpot_s);
}

}  // namespace
}  // namespace moeplan

namespace moeplan {
namespace {

// The full path with a CSV trace: the same scenario and seed give identical percentiles, and the JSON
// carries the documented keys.
TEST(ServingRun, TraceScenarioIsDeterministicAndRendersJson) {
  const io::Catalog catalog = io::Catalog::load(test::data_path("scenarios/catalog"));
  const std::string yaml = R"(model: deepseek-v3
cluster: {gpu: h800-sxm}
serving:
  prefill: {nodes: 4, redundant_experts: 32}
  decode: {nodes: 18, redundant_experts: 32, pipeline_stages: 5}
  mtp: {enabled: true, acceptance: 0.9}
arrivals: {trace: )" + test::data_path("scenarios/traces/small-trace.csv") + R"(, prefix_hit_fraction: 0.5}
slo: {ttft: 2 s, tpot: 60 ms}
duration: 2 s
warmup: 0 s
seed: 11
)";
  const ServeScenario s = load_serve_scenario_text(yaml, "trace.yaml", catalog);
  const auto calib = load_calibration(test::data_path("calibrate/profiles/h800-sxm.yaml"), s.gpu);
  const ServeResult a = run_serving(s, *calib, *calib);
  const ServeResult b = run_serving(s, *calib, *calib);
  ASSERT_TRUE(a.latency.simulated);
  EXPECT_EQ(a.latency.requests_finished, 20u);
  EXPECT_EQ(a.latency.ttft_s.p50, b.latency.ttft_s.p50);
  EXPECT_EQ(a.latency.ttft_s.p99, b.latency.ttft_s.p99);
  EXPECT_EQ(a.latency.tpot_s.p50, b.latency.tpot_s.p50);
  EXPECT_EQ(a.latency.tpot_s.p99, b.latency.tpot_s.p99);
  EXPECT_EQ(render_serve_json(a), render_serve_json(b));
  // A lightly loaded decode unit runs far below the SLO's TPOT; TTFT is at least one prefill step.
  EXPECT_LT(a.latency.tpot_s.p99, 0.06);
  EXPECT_GT(a.latency.ttft_s.p50, 0.0);
  const std::string json = render_serve_json(a);
  for (const char* key : {"\"prefill\"", "\"tokens_per_s_per_node\"", "\"decode\"", "\"batch_per_gpu\"",
                          "\"nodes\"", "\"cost\"", "\"usd_per_day\"", "\"latency\"", "\"ttft_s\"", "\"tpot_s\"",
                          "\"p50\"", "\"p99\"", "\"kv_utilisation\""})
    EXPECT_NE(json.find(key), std::string::npos) << key;
}

}  // namespace
}  // namespace moeplan
