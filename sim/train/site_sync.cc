// Cross-site exchange per inner step (see site_sync.h).
#include "sim/train/site_sync.h"

#include "sim/units/error.h"

namespace moeplan {
namespace {

// Every-step DP: each step ends with the WAN stage of the hierarchical all-reduce of the replica's gradients.
// It is exposed in full: the WAN ring starts on a slice once the site has reduced it, and on a WAN link it runs
// for seconds to minutes against a backward pass of seconds, so the overlap a bucketed exchange could get is
// left out (an upper bound on the exposed time; the note says so).
SiteSyncCost every_step(const SiteSyncInputs& in) {
  SiteSyncCost c;
  const network::WanAllReduce w =
      network::wan_allreduce(*in.sites, *in.ring, in.params * in.gradient_bytes_per_param, in.replica_gpus);
  c.sync_s = w.wan_s;
  c.exposed_s_per_step = w.wan_s;
  c.wan_bytes_per_step = w.wan_bytes;
  c.egress_usd_per_step = w.egress_usd;
  c.bottleneck = w.bottleneck;
  for (int step = 0; step < 3 && w.wan_s > 0; ++step) {
    OuterSyncEvent e;
    e.what = "gradient all-reduce (WAN stage)";
    e.start_step = step + 1;  // after step `step`'s backward
    e.end_step = step + 1 + w.wan_s / in.inner_step_s;
    e.duration_s = w.wan_s;
    e.exposed_s = w.wan_s;
    e.hidden = false;
    c.timeline.push_back(e);
  }
  if (w.wan_s > 0)
    c.notes.push_back("every-step DP: the WAN stage of each step's gradient all-reduce is counted as exposed "
                      "(no overlap with backward)");
  return c;
}

}  // namespace

const char* dp_sync_name(DpSyncMethod m) {
  switch (m) {
    case DpSyncMethod::kEveryStep: return "every-step";
    case DpSyncMethod::kDiloco: return "diloco";
    case DpSyncMethod::kStreamingDiloco: return "streaming-diloco";
    case DpSyncMethod::kDemo: return "demo";
  }
  return "?";
}

SiteSyncCost site_sync_cost(const SiteSyncInputs& in) {
  if (in.plan->dp_sync.is_every_step()) return every_step(in);
  throw_user_error(std::string("dp_sync `") + dp_sync_name(in.plan->dp_sync.method) +
                       "` across sites is not modelled in this build",
                   ErrorContext{.key_path = "parallel.dp_sync.method", .expected = "every-step"});
}

}  // namespace moeplan
