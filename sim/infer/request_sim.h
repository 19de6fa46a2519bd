// Request-level discrete-event simulation of a disaggregated serving deployment.
//
// Prefill units take waiting requests FIFO into a step up to their token budget (a prompt is not split);
// a prefix-cache hit skips its GEMM work. When a request's prefill ends its first token is sampled and its
// prompt's KV cache is handed off to decode (kv_transfer.h): the step's requests are spread round-robin over
// the unit's attention DP ranks, and each rank's NIC share sends its requests one after another, each for
// prompt_tokens x kv_handoff_s_per_token, arriving kv_handoff_latency_s later. TTFT is counted when the
// cache has arrived (the service streams the first token once decoding can continue); then the request
// joins the least-loaded decode unit. A request whose only output token came from prefill finishes there
// and is not handed off. Decode units batch continuously: before each step they admit
// waiting requests while the batch limit and the KV capacity allow; each step every sequence gains one
// token, or two when its MTP draft is accepted (Bernoulli per sequence, seeded Rng). When growing
// contexts overflow the KV capacity the newest sequences are preempted and recomputed (back to prefill,
// their whole context as prompt, no cache hit). Step times come from the deployment model through the
// callbacks, so the simulation knows nothing of GPUs. Events run on engine::EventQueue (integer
// picoseconds, ties by insertion order): the same inputs and seed give identical results.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/infer/arrivals.h"
#include "sim/infer/serve_result.h"
#include "sim/units/progress.h"

namespace moeplan {

struct RequestSimConfig {
  int prefill_units = 1;
  int decode_units = 1;
  int prefill_ranks = 1;               // attention DP ranks per prefill unit
  int decode_ranks = 1;                // attention DP ranks per decode unit
  int gpus_per_prefill_unit = 1;
  int gpus_per_decode_unit = 1;
  int gpus_per_node = 8;
  double prefill_tokens_per_rank = 0;  // computed-token budget of one step, per rank
  int decode_batch_per_rank = 0;       // batch limit per rank (0 = KV only)
  double kv_tokens_per_rank = 0;       // decode KV capacity per rank
  bool mtp = false;
  double mtp_acceptance = 0;
  double duration_s = 0;               // arrivals after this are ignored; measurement window ends here
  double warmup_s = 0;                 // measurement window starts here
  double slo_ttft_s = 0;
  double slo_ttft_percentile = 0.9;    // the TTFT quantile reported next to the objective
  double slo_tpot_s = 0;
  double kv_handoff_s_per_token = 0;   // a rank's NIC busy time per prompt token (0: no handoff delay)
  double kv_handoff_latency_s = 0;
  std::uint64_t seed = 1;
  // Step time of a prefill unit computing `tokens_per_rank` tokens per rank with `avg_context` average
  // attended context; of a decode unit with `batch_per_rank` sequences of `avg_kv_len` average context.
  std::function<double(double tokens_per_rank, double avg_context)> prefill_step_s;
  std::function<double(int batch_per_rank, double avg_kv_len)> decode_step_s;
  Progress progress;  // told of the simulated time, one unit per simulated second of the window
};

LatencyResult simulate_requests(const std::vector<Request>& requests, const RequestSimConfig& config);

// Linear-interpolated p50/p90/p99 and mean of `values` (copied and sorted).
Percentiles percentiles(std::vector<double> values);
// The linear-interpolated quantile q in [0, 1] of `values` (0 when empty).
double percentile_at(std::vector<double> values, double q);

}  // namespace moeplan
