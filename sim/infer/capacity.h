// Capacity and cost of a serving deployment: per-node throughputs of each pool, the decode batch the KV
// memory and the TPOT SLO allow, the nodes a daily load needs, $/day and $ per million tokens, and the
// same service priced on other GPU types.
#pragma once

#include <string>

#include "sim/calib/calibration.h"
#include "sim/infer/kv_transfer.h"
#include "sim/infer/prefill_ttft.h"
#include "sim/infer/serve_result.h"
#include "sim/infer/serve_scenario.h"

namespace moeplan {

// Average request shape the pools are sized for.
struct RequestShape {
  double prompt_tokens = 0;   // per request, incl. cached prefix
  double prompt_second_moment = 0;  // E[prompt^2]: long prompts weigh more in attention and in the queue
  double output_tokens = 0;
  double hit_fraction = 0;    // share of the prompt found in the prefix cache
  double avg_kv_len = 0;      // average KV length per output token
};

// From the daily workload: with the requests' prompt/output ratio r = input/output tokens per day and the
// average KV length per output token L = P + O/2 (context grows by one per output token),
// O = L / (r + 1/2) and P = r O. From arrivals: the distributions' means. [D]
RequestShape request_shape(const ServeScenario& s);

// Per-node throughputs and the decode batch, without any node count. The KV handoff (kv_transfer.h) is
// NIC time on both pools: a step's NIC share is busy with the expert all-to-all's scale-out legs plus the
// KV the step's requests send (prefill) or receive (decode); when that exceeds the step's compute-bound
// time, the NIC sets the step.
struct PoolPlan {
  PrefillResult prefill;
  DecodeResult decode;
  KvTransferResult kv_transfer;
};
PoolPlan plan_pools(const ServeScenario& s, const Calibration& prefill_calib, const Calibration& decode_calib,
                    const RequestShape& shape);

// One decode step of `batch` sequences per rank, stretched when the NIC share's work (the all-to-all's
// scale-out legs plus the KV of the requests a step admits at the planned rates) exceeds its compute-bound
// time; and the KV receive part alone.
double decode_step_time_s(const ServeScenario& s, const Calibration& calib, const KvTransfer& kv,
                          const RequestShape& shape, int batch, double avg_kv_len);
double decode_kv_busy_s(const KvTransfer& kv, const RequestShape& shape, const ServeScenario& s, int batch);

// Mean attended context of a computed prompt token: the cached prefix plus half the computed part,
// weighted by computed tokens (so E[prompt^2] / E[prompt] for varying lengths).
double prefill_context(const RequestShape& shape);

// Requests per second the prefill pool is sized for: the daily input at peak_to_average over the mean
// prompt, or the arrival rate. 0 without a load.
double peak_request_rate(const ServeScenario& s, const RequestShape& shape);

// The TTFT queueing model's view of the prefill pool (prefill_ttft.h): the scenario's load and one unit
// (its step times from the deployment model, token budget, ranks and KV handoff).
struct PrefillQueue {
  PrefillLoad load;
  PrefillUnit unit;
};
PrefillQueue prefill_queue(const ServeScenario& s, const Calibration& prefill_calib, const RequestShape& shape);

// Nodes for the daily load (x peak_to_average), rounded up to whole deployment units, and the costs. The
// decode pool is sized by throughput; the prefill pool by throughput or, with slo.ttft, by the fewest units
// whose predicted TTFT at slo.ttft_percentile meets it, whichever is more (`ttft` says which and why).
void size_and_cost(const ServeScenario& s, const RequestShape& shape, const PoolPlan& plan,
                   const Calibration& prefill_calib, NodeCounts& nodes, ServingCost& cost, TtftModelResult& ttft);

// The decode fleet of `decode_nodes` nodes at the peak output rate: the per-rank batch b at which
// b x tokens-per-step / step(b) x ranks equals that rate, found over whole batches and interpolated
// between the two that bracket it, with that step time and TPOT. Not evaluated without a load.
DecodeAtLoad decode_at_load(const ServeScenario& s, const Calibration& decode_calib, const RequestShape& shape,
                            const DecodeResult& planned, int decode_nodes);

// Peak output tokens per second the decode pool is sized for (0 without a load).
double peak_output_rate(const ServeScenario& s, const RequestShape& shape);

// The same service on `gpu` (with its scale-up fabric); calibration from `profiles_dir`. Infeasible
// options carry the reason instead of throwing.
GpuOption price_on_gpu(const ServeScenario& s, const GpuSpec& gpu, const FabricSpec& scale_up,
                       const std::string& profiles_dir, const RequestShape& shape);

}  // namespace moeplan
