// Result values of the cost and failure models (rendered by reports/, computed by sim/cost).
#pragma once

#include <string>
#include <vector>

namespace moeplan {

// A rental quote older than this is flagged: GPU rental prices moved by 2-4x within a year (H100: $8/h in 2023,
// $1.70 in Oct 2025, $2.35 in Mar 2026; shared/reference/hardware.md §3 [S24]).
inline constexpr int kStalePriceMonths = 12;

struct CostResult {
  // GPU-hours priced. After include_failures(): the failure-free GPU-hours plus the expected failure and
  // checkpoint overhead (GoodputResult::extra_gpu_hours); before it (or with failures disabled), failure-free.
  double gpu_hours = 0;
  double wall_clock_days = 0;        // elapsed days, failure overhead included on the same terms as gpu_hours
  double usd_per_gpu_hour = 0;       // effective rate used for the rental figure
  // Whether the figure the price mode asks for has a price behind it (a rental rate, or an owned capex). When
  // false the dollar fields are 0 and mean "no price", never "free".
  bool has_price = false;
  std::string price_source;
  std::string price_date;            // date of the rental quote ("" = undated)
  int price_age_months = -1;         // months from price_date to PriceSpec::as_of; -1 = unknown
  bool price_stale = false;          // the quote is more than kStalePriceMonths old
  std::string price_note;            // PriceSpec::note
  double rental_usd = 0;
  double owned_usd = 0;              // capex share over the run + power
  double owned_capex_usd = 0;
  double owned_power_usd = 0;
  // Owning in full, not only the run's share: the capital outlay for the run's GPUs, the depreciation period,
  // power per GPU-hour, and the rent-vs-buy break-even against the rental rate (0 / -1 when no rental rate or
  // no capex is known, or renting is cheaper than the power alone).
  double owned_capex_outlay_usd = 0;         // capex per GPU x GPUs
  double owned_lifetime_years = 0;           // straight-line depreciation period
  double owned_power_usd_per_gpu_hour = 0;
  double breakeven_utilisation = -1;         // owning wins above this share of the lifetime in use
  double breakeven_months_full_use = -1;     // months of round-the-clock use after which owning wins
  double energy_mwh = 0;             // facility energy incl. PUE
  // The same run without interruptions or checkpoints, kept beside the totals above (equal to them when the
  // failure model is off). A published GPU-hours figure for a finished run compares with these.
  bool failures_included = false;
  double failure_free_gpu_hours = 0;
  double failure_free_wall_clock_days = 0;
  double failure_free_rental_usd = 0;
  double failure_free_owned_usd = 0;
  double failure_free_energy_mwh = 0;
  // The run with failures but without spot preemptions or volunteer churn (include_churn, churn_model.h), on
  // on-demand capacity: equal to the totals when no `availability` is given.
  bool churn_included = false;
  double churn_free_gpu_hours = 0;
  double churn_free_wall_clock_days = 0;
  double churn_free_rental_usd = 0;
};

struct GoodputResult {
  bool enabled = false;
  double interruptions_per_day = 0;  // for the whole job
  double expected_interruptions = 0; // over the run
  double mtbf_h = 0;
  double checkpoint_bytes = 0;       // whole job
  double checkpoint_write_s = 0;
  double checkpoint_interval_s = 0;  // Young/Daly or as given
  double restart_s = 0;               // expected per interruption: the parts below, node wait included
  // The restart's parts, each shown on its own with where it comes from.
  bool restart_given = false;          // failures.restart gave relaunch + reload as one figure
  double restart_relaunch_s = 0;       // relaunch (or the whole failures.restart when given)
  double restart_reload_s = 0;         // checkpoint reload at the storage bandwidth (0 when failures.restart given)
  double node_replacement_s = 0;       // wait for a replacement node, when one is needed and none is free
  double node_wait_fraction = 0;       // share of interruptions that wait for it (takes a node out x no free node)
  double restart_node_wait_s = 0;      // node_wait_fraction x node_replacement_s
  std::string relaunch_source;
  std::string node_replacement_source;
  double effective_time_fraction = 1;  // useful training time / elapsed time
  double fraction_checkpointing = 0;
  double fraction_lost_work = 0;
  double fraction_restarting = 0;
  double extra_gpu_hours = 0;
  double extra_usd = 0;
};

}  // namespace moeplan
