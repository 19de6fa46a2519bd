// Cross-site exchange per inner step (see site_sync.h).
#include "sim/train/site_sync.h"

#include <algorithm>
#include <limits>

#include "sim/cost/token_overhead.h"
#include "sim/workload/outer_sync.h"

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

// The low-communication methods: each site is one worker (M = sites). The outer-sync model sees the WAN ring's
// bottleneck link (its bandwidth, uplinks included) and the slowest link's latency per hop: an upper bound on
// the ring of wan_collective.h, whose steps each wait for their own slowest link.
SiteSyncCost low_communication(const SiteSyncInputs& in) {
  SiteSyncCost c;
  const int sites = static_cast<int>(in.sites->sites.size());
  OuterSyncInput o;
  o.step_compute_s = in.inner_step_s;
  o.backward_s = in.backward_s;
  o.params = in.params;
  o.layer_params = in.layer_params;
  o.n_layers = in.layers;
  o.replicas = sites;
  o.wan.bandwidth_Bps = sites > 1 ? in.ring->min_bandwidth_Bps : std::numeric_limits<double>::infinity();
  for (const network::WanRingLink& l : in.ring->links) o.wan.latency_s = std::max(o.wan.latency_s, l.latency_s);
  o.wan.hops = 1;
  o.sync = in.plan->dp_sync;
  const OuterSyncResult r = outer_sync_cost(o);
  c.sync_s = r.sync_s;
  c.exposed_s_per_step = r.exposed_per_step_s;
  // Every site sends r.wan_bytes_per_step on its outgoing ring link.
  c.wan_bytes_per_step = r.wan_bytes_per_step * sites;
  for (const network::WanRingLink& l : in.ring->links) c.egress_usd_per_step += r.wan_bytes_per_step / 1e9 * l.egress_usd_per_gb;
  for (const network::WanRingLink& l : in.ring->links)
    if (l.bandwidth_Bps == in.ring->min_bandwidth_Bps) {
      c.bottleneck = in.sites->sites[l.from].name + " -> " + in.sites->sites[l.to].name;
      break;
    }
  for (const SyncEvent& e : r.timeline) {
    if (c.timeline.size() >= 8) break;
    OuterSyncEvent t;
    t.what = e.what;
    t.start_step = e.sent_after_step;
    t.end_step = e.merged_before_step;
    t.duration_s = e.duration_s;
    t.exposed_s = e.exposed_s;
    t.hidden = e.exposed_s <= 0;
    c.timeline.push_back(t);
  }
  c.notes.push_back("outer sync: " + r.model);
  const TokenOverhead t = token_overhead(in.plan->dp_sync, sites, in.active_params);
  c.token_overhead = t.multiplier;
  c.token_overhead_source = t.source;
  for (const std::string& a : t.assumptions) c.notes.push_back("token overhead: " + a);
  return c;
}

}  // namespace

SiteSyncCost site_sync_cost(const SiteSyncInputs& in) {
  if (in.plan->dp_sync.is_every_step()) return every_step(in);
  return low_communication(in);
}

}  // namespace moeplan
