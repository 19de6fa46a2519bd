// The data-parallel exchange across the sites of a multi-site run, per inner step: for every-step DP the WAN
// stage of the hierarchical all-reduce (wan_collective.h); for the low-communication methods the outer-sync
// model of parallel.dp_sync (sim/workload/outer_sync.h) with each site as one worker, and the method's token
// overhead (sim/cost/token_overhead.h). Internal to run_multi_site.
#pragma once

#include <string>
#include <vector>

#include "sim/network/wan_collective.h"
#include "sim/spec/parallel_plan.h"
#include "sim/spec/site_spec.h"
#include "sim/train/scale_out_result.h"

namespace moeplan {

struct SiteSyncInputs {
  const MultiSiteSpec* sites = nullptr;
  const network::WanRing* ring = nullptr;
  const ParallelPlan* plan = nullptr;
  int replica_gpus = 1;               // tp x cp x pp
  double params = 0;                  // parameters one replica holds (every one is synced)
  std::vector<double> layer_params;   // per transformer block, in depth order (fragments of streaming DiLoCo)
  int layers = 0;
  double active_params = 0;           // per token: the size the token-overhead fits are read at
  double gradient_bytes_per_param = 2;  // the recipe's gradient dtype (every-step DP reduces gradients in it)
  double inner_step_s = 0;            // the slowest site's inner step
  double backward_s = 0;              // its backward part (what a per-step exchange can hide under)
};

struct SiteSyncCost {
  double sync_s = 0;                  // one exchange
  double exposed_s_per_step = 0;      // amortised per inner step, after overlap
  double wan_bytes_per_step = 0;      // over every WAN link, per inner step (amortised)
  double egress_usd_per_step = 0;
  std::string bottleneck;
  double token_overhead = 1;
  std::string token_overhead_source;
  std::vector<OuterSyncEvent> timeline;
  std::vector<std::string> notes;
};

SiteSyncCost site_sync_cost(const SiteSyncInputs& in);


}  // namespace moeplan
