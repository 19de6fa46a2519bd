// ScaleOutResult: what a multi-site run adds to a RunResult: each site's step, the slowest site, the data-
// parallel exchange across the WAN (how long, how much is exposed, the bytes and the egress bill), compute
// utilisation, the outer-sync timeline, and the dollars summed over sites at each site's price.
#pragma once

#include <string>
#include <vector>

namespace moeplan {

struct SiteStepResult {
  std::string name;
  std::string gpu;
  int gpus = 0;
  int replicas = 0;                   // data-parallel replicas (tp x cp x pp GPUs each) at this site
  double step_time_s = 0;             // one (inner) step of the main phase at this site, its own fabric included
  double usd_per_gpu_hour = 0;
  std::string price_source;
  double gpu_hours = 0;               // over the whole run (the synchronous step: every site waits for the slowest)
  double rental_usd = 0;              // gpu_hours x usd_per_gpu_hour
};

// One entry of the outer-sync timeline: when a sync starts and ends, in inner steps, and whether compute hides it.
struct OuterSyncEvent {
  std::string what;                   // "gradient all-reduce", "outer all-reduce", "fragment 3 all-reduce", ...
  double start_step = 0;              // inner step it starts in (fractional: a sync may take several steps)
  double end_step = 0;
  double duration_s = 0;
  double exposed_s = 0;               // part the compute does not hide
  bool hidden = false;
};

struct ScaleOutResult {
  bool present = false;
  std::string dp_sync;                // every-step | diloco | streaming-diloco | demo
  std::vector<SiteStepResult> sites;
  std::string slowest_site;
  std::string ring;                   // "us-east -> eu-west -> ap-east -> us-east"
  std::string bottleneck;             // the WAN link that sets each ring step's time
  double inner_step_s = 0;            // the slowest site's (inner) step of the main phase
  double sync_time_s = 0;             // one exchange across sites (all-reduce, or one outer/fragment sync)
  double exposed_sync_s_per_step = 0; // its cost per inner step, amortised, after overlap
  double step_time_s = 0;             // inner_step_s + exposed_sync_s_per_step
  double compute_utilisation = 0;     // inner_step_s / step_time_s: share of time not waiting on the WAN
  double wan_bytes_per_token = 0;     // sent over WAN links, summed over sites, per training token
  double wan_bytes = 0;               // over the whole run
  double egress_usd = 0;              // WAN bytes x each link's $/GB, over the whole run
  double compute_usd = 0;             // sum over sites of GPU-hours x the site's price
  double total_usd = 0;               // compute + egress
  // Tokens the method needs for synchronous DP's loss (1 = none), with its source and derivation; the
  // "at equal quality" figures scale GPU-hours and dollars by it.
  double token_overhead = 1;
  std::string token_overhead_source;
  double gpu_hours_equal_quality = 0;
  double usd_equal_quality = 0;
  std::vector<OuterSyncEvent> timeline;  // the first syncs of the main phase
  std::vector<std::string> notes;
};

}  // namespace moeplan
