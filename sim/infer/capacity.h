// Capacity and cost of a serving deployment: per-node throughputs of each pool, the decode batch the KV
// memory and the TPOT SLO allow, the nodes a daily load needs, $/day and $ per million tokens, and the
// same service priced on other GPU types.
#pragma once

#include <string>

#include "sim/calib/calibration.h"
#include "sim/infer/serve_result.h"
#include "sim/infer/serve_scenario.h"

namespace moeplan {

// Average request shape the pools are sized for.
struct RequestShape {
  double prompt_tokens = 0;   // per request, incl. cached prefix
  double output_tokens = 0;
  double hit_fraction = 0;    // share of the prompt found in the prefix cache
  double avg_kv_len = 0;      // average KV length per output token
};

// From the daily workload: with the requests' prompt/output ratio r = input/output tokens per day and the
// average KV length per output token L = P + O/2 (context grows by one per output token),
// O = L / (r + 1/2) and P = r O. From arrivals: the distributions' means. [D]
RequestShape request_shape(const ServeScenario& s);

// Per-node throughputs and the decode batch, without any node count.
struct PoolPlan {
  PrefillResult prefill;
  DecodeResult decode;
};
PoolPlan plan_pools(const ServeScenario& s, const Calibration& prefill_calib, const Calibration& decode_calib,
                    const RequestShape& shape);

// Nodes for the daily load (x peak_to_average), rounded up to whole deployment units, and the costs.
void size_and_cost(const ServeScenario& s, const RequestShape& shape, const PoolPlan& plan, NodeCounts& nodes,
                   CostResult& cost);

// The same service on `gpu` (with its scale-up fabric); calibration from `profiles_dir`. Infeasible
// options carry the reason instead of throwing.
GpuOption price_on_gpu(const ServeScenario& s, const GpuSpec& gpu, const FabricSpec& scale_up,
                       const std::string& profiles_dir, const RequestShape& shape);

}  // namespace moeplan
