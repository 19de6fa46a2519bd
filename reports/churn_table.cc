// Churn table and sentence (see churn_table.h).
#include "reports/churn_table.h"

#include <fmt/format.h>

#include "reports/format.h"

namespace moeplan::reports {
namespace {

void row(Table& t, std::string name, double raw, std::string shown) {
  t.add_row({Cell::of_text(std::move(name)), Cell::of_number(raw, std::move(shown))});
}
void text_row(Table& t, std::string name, std::string value) {
  t.add_row({Cell::of_text(std::move(name)), Cell::of_text(std::move(value))});
}

std::string bits_per_s(double Bps) { return sig3(Bps * 8 / 1e9) + " Gb/s"; }

}  // namespace

Table churn_table(const RunResult& r) {
  const ChurnResult& c = r.churn;
  Table t("churn", c.kind == "spot" ? "Spot preemptions" : "Volunteer churn",
          {{"quantity", "quantity", "", Align::kLeft}, {"value", "value", "", Align::kLeft}});
  if (!c.enabled) return t;
  text_row(t, "recovery", c.recovery == "restart" ? "restart: every replica reloads the last checkpoint"
                                                  : "elastic: the job runs on without the node");
  row(t, c.kind == "spot" ? "preemptions per node-hour" : "departures per node-hour", c.leave_per_node_hour,
      sig3(c.leave_per_node_hour) + " (" + c.rate_source + ")");
  if (c.recovery == "restart") {
    row(t, "preemptions per day (job)", c.preemptions_per_day, sig3(c.preemptions_per_day));
    row(t, "with hardware failures, per day", c.combined_interruptions_per_day, sig3(c.combined_interruptions_per_day));
    row(t, "combined MTBF", c.combined_mtbf_h, sig3(c.combined_mtbf_h) + " h");
    row(t, "checkpoint interval", c.checkpoint_interval_s, duration(c.checkpoint_interval_s));
    row(t, "restart after a preemption", c.preemption_restart_s,
        duration(c.preemption_restart_s) + " (incl. " + duration(c.replacement_s) + " replacement wait: " +
            c.replacement_source + ")");
    row(t, "time checkpointing", c.fraction_checkpointing, percent(c.fraction_checkpointing));
    row(t, "time lost to recomputed work", c.fraction_lost_work, percent(c.fraction_lost_work));
    row(t, "time restarting", c.fraction_restarting, percent(c.fraction_restarting));
  } else {
    row(t, "replica slots", c.slots, fmt::format("{} ({} node{} each)", c.slots, c.nodes_per_slot,
                                                 c.nodes_per_slot == 1 ? "" : "s"));
    if (c.joins_per_day > 0)
      row(t, "arrivals per day (job)", c.joins_per_day, sig3(c.joins_per_day));
    else
      row(t, "mean absence of a slot", c.mean_absence_s,
          duration(c.mean_absence_s) + (c.kind == "spot" ? " (" + c.replacement_source + ")" : ""));
    row(t, "expected active slots", c.expected_active_slots,
        sig3(c.expected_active_slots) + " (" + percent(c.availability) + " of slots)");
    row(t, "state fetched by a joining slot", c.state_bytes, bytes(c.state_bytes));
    row(t, "fetch link", c.link_Bps, bits_per_s(c.link_Bps) + " (" + c.link_source + ")");
    row(t, c.blocking_fetch ? "fetch time (blocking)" : "fetch time (non-blocking: not counted)", c.fetch_s,
        duration(c.fetch_s));
    row(t, "sync period", c.sync_period_s, duration(c.sync_period_s));
    row(t, "work lost per departure", c.lost_per_leave_s, duration(c.lost_per_leave_s));
    row(t, "useful share of a slot's running time", c.useful_fraction_of_active, percent(c.useful_fraction_of_active));
  }
  row(t, "goodput (useful / elapsed)", c.effective_time_fraction, percent(c.effective_time_fraction));
  row(t, "elapsed time x", c.time_factor, sig3(c.time_factor));
  row(t, "GPU-hours x", c.gpu_hours_factor, sig3(c.gpu_hours_factor));
  row(t, "extra GPU-hours", c.extra_gpu_hours, gpu_hours(c.extra_gpu_hours));
  row(t, "without churn", r.cost.churn_free_gpu_hours,
      gpu_hours(r.cost.churn_free_gpu_hours) + ", " + days(r.cost.churn_free_wall_clock_days));
  if (c.spot_priced) {
    row(t, "spot price", c.spot_usd_per_gpu_hour,
        usd_per_gpu_hour(c.spot_usd_per_gpu_hour) + " (" + c.price_source + ", " + c.price_date + ")");
    row(t, "spot rental incl. churn", c.spot_usd, usd(c.spot_usd));
    if (c.on_demand_usd > 0) {
      row(t, "on-demand rental without churn", c.on_demand_usd,
          usd(c.on_demand_usd) + " at " + usd_per_gpu_hour(c.on_demand_usd_per_gpu_hour));
      row(t, "spot saves", c.savings_fraction, percent(c.savings_fraction));
      row(t, "break-even preemptions per node-hour", c.breakeven_per_node_hour,
          c.breakeven_per_node_hour > 0 ? sig3(c.breakeven_per_node_hour) + " (spot costs more above this)"
                                        : "none: the spot price is not below on-demand");
    }
  }
  return t;
}

std::string churn_sentence(const RunResult& r) {
  const ChurnResult& c = r.churn;
  if (!c.enabled) return "";
  std::string s = fmt::format("{} ({}) stretch the run {}x in time and {}x in GPU-hours (goodput {})",
                              c.kind == "spot" ? "Spot preemptions" : "Volunteer churn", c.recovery,
                              sig3(c.time_factor), sig3(c.gpu_hours_factor), percent(c.effective_time_fraction));
  if (c.spot_priced && c.on_demand_usd > 0)
    s += fmt::format("; at {} spot costs {} against {} on-demand ({} {})", usd_per_gpu_hour(c.spot_usd_per_gpu_hour),
                     usd(c.spot_usd), usd(c.on_demand_usd), c.savings_fraction >= 0 ? "saves" : "loses",
                     percent(std::abs(c.savings_fraction)));
  return s + ". ";
}

}  // namespace moeplan::reports
