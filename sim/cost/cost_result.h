// Result values of the cost and failure models (rendered by reports/, computed by sim/cost).
#pragma once

#include <string>
#include <vector>

namespace moeplan {

struct CostResult {
  // GPU-hours priced. After include_failures(): the failure-free GPU-hours plus the expected failure and
  // checkpoint overhead (GoodputResult::extra_gpu_hours); before it (or with failures disabled), failure-free.
  double gpu_hours = 0;
  double wall_clock_days = 0;        // elapsed days, failure overhead included on the same terms as gpu_hours
  double usd_per_gpu_hour = 0;       // effective rate used for the rental figure
  std::string price_source;
  double rental_usd = 0;
  double owned_usd = 0;              // capex share over the run + power
  double owned_capex_usd = 0;
  double owned_power_usd = 0;
  double energy_mwh = 0;             // facility energy incl. PUE
  // The same run without interruptions or checkpoints, kept beside the totals above (equal to them when the
  // failure model is off). A published GPU-hours figure for a finished run compares with these.
  bool failures_included = false;
  double failure_free_gpu_hours = 0;
  double failure_free_wall_clock_days = 0;
  double failure_free_rental_usd = 0;
  double failure_free_owned_usd = 0;
  double failure_free_energy_mwh = 0;
};

struct GoodputResult {
  bool enabled = false;
  double interruptions_per_day = 0;  // for the whole job
  double expected_interruptions = 0; // over the run
  double mtbf_h = 0;
  double checkpoint_bytes = 0;       // whole job
  double checkpoint_write_s = 0;
  double checkpoint_interval_s = 0;  // Young/Daly or as given
  double restart_s = 0;
  double effective_time_fraction = 1;  // useful training time / elapsed time
  double fraction_checkpointing = 0;
  double fraction_lost_work = 0;
  double fraction_restarting = 0;
  double extra_gpu_hours = 0;
  double extra_usd = 0;
};

}  // namespace moeplan
