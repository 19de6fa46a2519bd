// Scale-out comparison: the options a scenario's `compare:` list names (one cluster, several sites over WAN
// links, every-step DP or the DiLoCo family, mixed or consumer GPUs), each run end to end and summarised side
// by side: GPU-hours, days, dollars including egress, WAN bytes, egress, token overhead, and GPU-hours and
// dollars at equal quality. An option whose plan does not fit is kept, with the reason.
#pragma once

#include <string>
#include <vector>

#include "sim/io/catalog.h"
#include "sim/plan/plan_search.h"

namespace moeplan {

struct ScaleOutOption {
  std::string name;
  std::string gpus;                   // "2048 x h800-sxm", "1024 x h100-sxm + 1024 x a100-80g"
  int sites = 0;                      // 0: one cluster without `sites:`
  std::string dp_sync;
  bool fits = true;
  std::string does_not_fit;           // why, when it does not
  double step_time_s = 0;             // synchronous (inner) step of the main phase, exchange included
  double days = 0;
  double gpu_hours = 0;
  double usd = 0;                     // compute at each site's price + egress
  double wan_bytes = 0;
  double egress_usd = 0;
  double compute_utilisation = 1;
  double token_overhead = 1;
  std::string token_overhead_source;
  double gpu_hours_equal_quality = 0;
  double usd_equal_quality = 0;
};

struct ScaleOutComparison {
  std::string scenario;
  std::vector<ScaleOutOption> options;
};

// Runs every option of the scenario file's `compare:` list (with `overrides` applied first, as on the command
// line). Throws a user Error when the file has no `compare:` list.
ScaleOutComparison compare_scale_out(const std::string& path, const io::Catalog& catalog,
                                     const CalibrationFactory& calib_for, const std::vector<std::string>& overrides);

}  // namespace moeplan
