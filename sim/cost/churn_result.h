// ChurnResult: what spot preemptions or volunteer churn cost a training run (computed by sim/cost/churn_model.h,
// rendered by reports/). Totals are relative to the same run without churn, hardware failures included on both
// sides, so the headline and the churn-free figure can stand side by side.
#pragma once

#include <string>

namespace moeplan {

struct ChurnResult {
  bool enabled = false;
  std::string kind;                       // "spot" | "volunteer"
  std::string recovery;                   // "restart" | "elastic"
  double leave_per_node_hour = 0;         // preemptions or departures per running node-hour
  std::string rate_source;

  // Restart (synchronous data parallelism): preemptions are interruptions of the whole job; rates add with the
  // hardware failures and the checkpoint interval is Daly's on the combined rate.
  double preemptions_per_day = 0;         // whole job at full size
  double combined_interruptions_per_day = 0;
  double combined_mtbf_h = 0;
  double checkpoint_interval_s = 0;
  double replacement_s = 0;               // wait for a replacement node after a preemption
  std::string replacement_source;
  double preemption_restart_s = 0;        // relaunch + checkpoint reload + replacement wait
  double fraction_checkpointing = 0;      // of elapsed time, hardware failures and preemptions together
  double fraction_lost_work = 0;
  double fraction_restarting = 0;

  // Elastic: replica slots alternate between running and absent; the job runs on the slots that are there.
  int slots = 0;                          // replica slots: the job's size in churn units
  int nodes_per_slot = 0;                 // a slot leaves when any of its nodes does
  double mean_absence_s = 0;              // finite source: replacement or absence per slot; 0 with arrivals
  double joins_per_day = 0;               // arrivals (Erlang loss form); 0 with a per-slot absence
  double expected_active_slots = 0;       // birth-death stationary mean
  double availability = 1;                // expected active / slots
  double state_bytes = 0;                 // what a joining slot fetches: weights + optimizer state of a replica
  double link_Bps = 0;
  std::string link_source;
  bool blocking_fetch = true;
  double fetch_s = 0;                     // state_bytes / link_Bps when blocking, else 0
  double sync_period_s = 0;               // work since the last sync is lost when a slot leaves
  double lost_per_leave_s = 0;            // expected work lost per departure
  double useful_fraction_of_active = 1;   // share of a slot's running time that ends up in the model

  // Totals.
  double effective_time_fraction = 1;     // useful / elapsed with churn (restart: hardware failures included)
  double time_factor = 1;                 // elapsed with churn / without
  double gpu_hours_factor = 1;            // GPU-hours with churn / without
  double extra_gpu_hours = 0;             // over the run without churn

  // Dollars (spot only).
  bool spot_priced = false;
  double spot_usd_per_gpu_hour = 0;
  double on_demand_usd_per_gpu_hour = 0;
  std::string price_source;
  std::string price_date;
  double spot_usd = 0;                    // spot rental incl. the churn overhead
  double on_demand_usd = 0;               // the same run on-demand, without churn
  double savings_fraction = 0;            // 1 - spot_usd / on_demand_usd (negative: spot costs more)
  // The preemption rate per node-hour above which spot costs more than on-demand; 0 when spot never pays
  // (its price alone is not below on-demand).
  double breakeven_per_node_hour = 0;
};

}  // namespace moeplan
