// The request-level simulation: closed-form single-request timings, determinism (a CSV trace run twice),
// KV-capacity preemption, and Poisson arrival counts.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/infer/data_paths.h"
#include "sim/infer/arrivals.h"
#include "sim/infer/request_sim.h"
#include "sim/units/error.h"
#include "sim/units/random.h"

namespace moeplan {
namespace {

RequestSimConfig fixed_config() {
  RequestSimConfig c;
  c.prefill_tokens_per_rank = 8192;
  c.kv_tokens_per_rank = 1e6;
  c.duration_s = 100;
  c.warmup_s = 0;
  c.prefill_step_s = [](double, double) { return 0.5; };
  c.decode_step_s = [](int, double) { return 0.02; };
  return c;
}

TEST(RequestSim, SingleRequestClosedForm) {
  // Prefill takes one 0.5 s step (first token out), then 99 decode steps of 20 ms for the other 99 tokens.
  const std::vector<Request> reqs = {{1.0, 1000, 100, 0}};
  const LatencyResult r = simulate_requests(reqs, fixed_config());
  ASSERT_EQ(r.requests_finished, 1u);
  EXPECT_NEAR(r.ttft_s.p50, 0.5, 1e-9);
  EXPECT_NEAR(r.tpot_s.p50, 0.02, 1e-9);
  EXPECT_NEAR(r.e2e_s.p50, 0.5 + 99 * 0.02, 1e-9);
  EXPECT_NEAR(r.queue_s.p50, 0.0, 1e-12);
}

TEST(RequestSim, KvHandoffAddsItsClosedFormToTtft) {
  // One request: the handoff holds the rank's NIC for prompt x s/token, then the latency; TTFT and the end
  // grow by exactly that, TPOT does not change.
  RequestSimConfig c = fixed_config();
  c.prefill_ranks = 4;
  const LatencyResult base = simulate_requests({{1.0, 1000, 100, 0}}, c);
  c.kv_handoff_s_per_token = 7e-6;
  c.kv_handoff_latency_s = 3e-6;
  const LatencyResult r = simulate_requests({{1.0, 1000, 100, 0}}, c);
  const double handoff = 1000 * 7e-6 + 3e-6;
  EXPECT_NEAR(r.ttft_s.p50 - base.ttft_s.p50, handoff, 1e-9);
  EXPECT_NEAR(r.e2e_s.p50 - base.e2e_s.p50, handoff, 1e-9);
  EXPECT_NEAR(r.tpot_s.p50, base.tpot_s.p50, 1e-12);
  EXPECT_NEAR(r.kv_handoff_s.p50, handoff, 1e-9);
  EXPECT_EQ(base.kv_handoff_s.p50, 0.0);
  // Sparse arrivals (each prefill step holds one request): every TTFT grows by exactly the handoff.
  std::vector<Request> sparse;
  for (int i = 0; i < 20; ++i) sparse.push_back({2.0 * i, 1000 + 100 * i, 10, 0});
  c.kv_handoff_s_per_token = 0;
  c.kv_handoff_latency_s = 0;
  const LatencyResult sparse_base = simulate_requests(sparse, c);
  c.kv_handoff_s_per_token = 7e-6;
  c.kv_handoff_latency_s = 3e-6;
  const LatencyResult sparse_kv = simulate_requests(sparse, c);
  const double mean_handoff = (1000 + 100 * 9.5) * 7e-6 + 3e-6;
  EXPECT_NEAR(sparse_kv.ttft_s.mean - sparse_base.ttft_s.mean, mean_handoff, 1e-9);
  EXPECT_NEAR(sparse_kv.kv_handoff_s.mean, mean_handoff, 1e-9);
}

TEST(RequestSim, KvHandoffsOfOneRankGoOneAfterAnother) {
  // A lone request keeps the unit busy for 0.5 s; five more arriving meanwhile share the next step over two
  // ranks: rank 0 sends requests 0, 2, 4 of that step and rank 1 requests 1, 3, each send holding its rank
  // for 10 ms, so the handoffs take 10, 10, 20, 20 and 30 ms.
  RequestSimConfig c = fixed_config();
  c.prefill_ranks = 2;
  c.kv_handoff_s_per_token = 1e-5;  // 1000 tokens: 10 ms
  std::vector<Request> reqs = {{0.0, 1000, 50, 0}};
  for (int i = 0; i < 5; ++i) reqs.push_back({0.1, 1000, 50, 0});
  const LatencyResult r = simulate_requests(reqs, c);
  ASSERT_EQ(r.requests_finished, 6u);
  EXPECT_NEAR(r.kv_handoff_s.mean, (0.010 + 0.090) / 6, 1e-9);
  EXPECT_NEAR(r.kv_handoff_s.p50, 0.010 + 0.5 * (0.020 - 0.010), 1e-9);  // sorted 10 10 10 20 20 30
  // TTFT: 0.5 s + 10 ms for the first; (1.0 - 0.1) s + handoff for the others.
  EXPECT_NEAR(r.ttft_s.mean, (0.510 + 5 * 0.9 + 0.090) / 6, 1e-9);
}

TEST(RequestSim, MtpAcceptanceShortensDecode) {
  RequestSimConfig c = fixed_config();
  c.mtp = true;
  c.mtp_acceptance = 1.0;  // every draft accepted: two tokens per step
  const LatencyResult r = simulate_requests({{0.0, 1000, 101, 0}}, c);
  EXPECT_NEAR(r.e2e_s.p50, 0.5 + 50 * 0.02, 1e-9);
}

TEST(RequestSim, SameTraceSameSeedIdenticalPercentiles) {
  const auto reqs = read_trace_csv(test::data_path("scenarios/traces/small-trace.csv"), 0.25);
  ASSERT_EQ(reqs.size(), 20u);
  RequestSimConfig c = fixed_config();
  c.mtp = true;
  c.mtp_acceptance = 0.85;
  c.seed = 7;
  c.prefill_tokens_per_rank = 4096;
  // Step times that depend on the batch, so queueing and batching matter.
  c.prefill_step_s = [](double tokens, double ctx) { return 0.01 + tokens * 2e-5 + ctx * 1e-6; };
  c.decode_step_s = [](int batch, double kv) { return 0.015 + batch * 1e-4 + kv * 1e-7; };
  c.kv_tokens_per_rank = 20000;  // small enough to force preemptions
  const LatencyResult a = simulate_requests(reqs, c);
  const LatencyResult b = simulate_requests(reqs, c);
  EXPECT_EQ(a.requests_finished, 20u);
  EXPECT_EQ(a.ttft_s.p50, b.ttft_s.p50);
  EXPECT_EQ(a.ttft_s.p99, b.ttft_s.p99);
  EXPECT_EQ(a.tpot_s.p50, b.tpot_s.p50);
  EXPECT_EQ(a.tpot_s.p99, b.tpot_s.p99);
  EXPECT_EQ(a.e2e_s.p90, b.e2e_s.p90);
  EXPECT_EQ(a.preemptions, b.preemptions);
  EXPECT_GT(a.preemptions, 0u);
  EXPECT_LE(a.kv_utilisation_peak, 1.0 + 1e-12);
  // Another seed changes the MTP draws and so the timings.
  c.seed = 8;
  const LatencyResult d = simulate_requests(reqs, c);
  EXPECT_NE(a.e2e_s.mean, d.e2e_s.mean);
}

TEST(RequestSim, PercentilesInterpolate) {
  const Percentiles p = percentiles({4, 1, 3, 2, 5});
  EXPECT_DOUBLE_EQ(p.p50, 3);
  EXPECT_DOUBLE_EQ(p.p90, 4.6);
  EXPECT_DOUBLE_EQ(p.mean, 3);
}

TEST(Arrivals, PoissonCountAndLengths) {
  Rng rng(3, "test");
  const LengthDist prompt{.kind = LengthKind::kLognormal, .mean = 2000, .sigma = 1.0};
  const LengthDist output{.kind = LengthKind::kUniform, .min = 100, .max = 300};
  const auto reqs = poisson_requests(50, prompt, output, 0.5, 200, rng);
  // 10,000 expected arrivals; Poisson sd = 100.
  EXPECT_NEAR(static_cast<double>(reqs.size()), 10000, 400);
  double prompt_sum = 0, out_sum = 0;
  for (const Request& r : reqs) {
    prompt_sum += r.prompt_tokens;
    out_sum += r.output_tokens;
    EXPECT_LT(r.hit_tokens, r.prompt_tokens);
  }
  EXPECT_NEAR(prompt_sum / reqs.size(), 2000, 100);  // lognormal parameterised by its mean
  EXPECT_NEAR(out_sum / reqs.size(), 200, 3);
}

TEST(Arrivals, BadTraceIsLocated) {
  EXPECT_THROW(read_trace_csv(test::data_path("scenarios/traces/no-such-trace.csv"), 0), Error);
}

}  // namespace
}  // namespace moeplan
