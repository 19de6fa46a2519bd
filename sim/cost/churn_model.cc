// Churn model: spot preemptions and volunteer churn -> goodput, GPU-hours and dollars (see churn_model.h).
#include "sim/cost/churn_model.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "sim/cost/failure_model.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

void require(bool ok, const std::string& key, const std::string& message, const std::string& hint = "") {
  if (!ok) throw_user_error(message, ErrorContext{.key_path = key, .hint = hint});
}

// x / (e^x - 1), the kept share of a session synced every T (x = mu T); 1 at x = 0.
double kept_share(double x) {
  if (x < 1e-8) return 1.0 - x / 2.0;
  return x / std::expm1(x);
}

struct Slots {
  int count = 0;          // K
  int nodes_per_slot = 1;
};

// A slot is a replica when it spans whole nodes, else a node holding several whole replicas.
Slots churn_slots(const ChurnJob& job, const std::string& key) {
  require(job.nodes > 0 && job.gpus_per_node > 0, "cluster", "the job needs at least one node");
  require(job.replica_gpus > 0, "parallel", "a replica needs at least one GPU");
  const int gpn = job.gpus_per_node;
  const int r = job.replica_gpus;
  Slots s;
  if (r >= gpn) {
    require(r % gpn == 0, key, "a replica of " + std::to_string(r) + " GPUs does not fill whole nodes of " +
                                   std::to_string(gpn) + ": elastic churn needs replicas that do",
            "change tp/pp so that a replica spans whole nodes");
    s.nodes_per_slot = r / gpn;
    s.count = job.nodes / s.nodes_per_slot;
  } else {
    require(gpn % r == 0, key, "nodes of " + std::to_string(gpn) + " GPUs do not hold whole replicas of " +
                                   std::to_string(r) + " GPUs", "change tp/pp so that replicas divide a node");
    s.count = job.nodes;
  }
  require(s.count > 0, key, "the job has no whole replica slot");
  return s;
}

// The restart form: preemptions (rate per second, whole job) added to the hardware interruptions.
void restart_accounting(ChurnResult& r, const ChurnJob& job, double preempt_per_s, const std::string& key) {
  const double hw_per_s = job.hw_interruptions_per_day / units::kSecondsPerDay;
  const double total_per_s = hw_per_s + preempt_per_s;
  r.preemptions_per_day = preempt_per_s * units::kSecondsPerDay;
  r.combined_interruptions_per_day = total_per_s * units::kSecondsPerDay;
  r.preemption_restart_s = job.restart_s + r.replacement_s;
  if (preempt_per_s <= 0) {  // zero rate: churn changes nothing
    r.effective_time_fraction = job.hw_effective_time_fraction;
    return;
  }
  const double mtbf_s = 1.0 / total_per_s;
  r.combined_mtbf_h = mtbf_s / units::kSecondsPerHour;
  // Each interruption's restart is its own kind's: a rate-weighted mean.
  const double restart_s = (hw_per_s * job.hw_restart_s + preempt_per_s * r.preemption_restart_s) / total_per_s;
  const double tau =
      job.checkpoint_interval_s > 0 ? job.checkpoint_interval_s : daly_interval_s(job.checkpoint_write_s, mtbf_s);
  r.checkpoint_interval_s = tau;
  GoodputFractions f;
  try {
    f = goodput_fractions(mtbf_s, tau, job.checkpoint_write_s, restart_s, key);
  } catch (const Error& e) {
    // Say what helps here: every preemption stops the whole job.
    throw Error(e.kind(), e.message(),
                ErrorContext{.key_path = key,
                             .hint = "every preemption stops the whole job: use fewer nodes, a shorter replacement "
                                     "wait, or recovery: elastic"});
  }
  r.effective_time_fraction = f.effective;
  r.fraction_checkpointing = f.checkpointing;
  r.fraction_lost_work = f.lost_work;
  r.fraction_restarting = f.restarting;
  // Every GPU is held through the restarts, so GPU-hours grow with elapsed time.
  r.time_factor = job.hw_effective_time_fraction / f.effective;
  r.gpu_hours_factor = r.time_factor;
}

// The elastic form, for a per-node leave rate and either a mean absence per slot or job-wide arrivals.
void elastic_accounting(ChurnResult& r, const ChurnJob& job, double leave_per_node_s, double mean_absence_s,
                        double arrivals_per_s, double link_Bps, bool blocking, const std::string& key) {
  const Slots slots = churn_slots(job, key);
  r.slots = slots.count;
  r.nodes_per_slot = slots.nodes_per_slot;
  const double mu = leave_per_node_s * slots.nodes_per_slot;
  r.mean_absence_s = mean_absence_s;
  r.joins_per_day = arrivals_per_s * units::kSecondsPerDay;
  r.state_bytes = job.state_bytes;
  r.link_Bps = link_Bps;
  r.blocking_fetch = blocking;
  require(!blocking || link_Bps > 0, key + ".link", "a blocking fetch needs a link bandwidth > 0");
  r.fetch_s = blocking ? job.state_bytes / link_Bps : 0.0;
  r.sync_period_s = job.sync_period_s;
  if (mu <= 0) {  // zero rate: churn changes nothing
    r.expected_active_slots = slots.count;
    r.effective_time_fraction = job.hw_effective_time_fraction;
    return;
  }
  r.expected_active_slots = arrivals_per_s > 0 ? expected_active_erlang(slots.count, arrivals_per_s, mu)
                                               : expected_active_finite_source(slots.count, mu, mean_absence_s);
  r.availability = r.expected_active_slots / slots.count;
  r.lost_per_leave_s = lost_work_per_leave_s(mu, job.sync_period_s);
  r.useful_fraction_of_active = useful_session_fraction(mu, r.fetch_s, job.sync_period_s);
  const double useful_share = r.availability * r.useful_fraction_of_active;
  require(useful_share > 0, key, "no replica ever finishes fetching the state before it leaves",
          "a faster link, longer sessions or a non-blocking fetch");
  r.time_factor = 1.0 / useful_share;
  r.gpu_hours_factor = 1.0 / r.useful_fraction_of_active;
  r.effective_time_fraction = job.hw_effective_time_fraction * useful_share;
}

// Spot rental against on-demand, and the preemption rate at which they cost the same.
void spot_dollars(ChurnResult& r, const SpotSpec& spot, const ChurnJob& job, double useful_gpu_hours,
                  const std::function<double(double)>& gpu_hours_factor_at) {
  r.on_demand_usd_per_gpu_hour = job.on_demand_usd_per_gpu_hour;
  r.spot_usd_per_gpu_hour = spot.usd_per_gpu_hour > 0 ? spot.usd_per_gpu_hour
                                                      : job.on_demand_usd_per_gpu_hour * (1.0 - spot.discount);
  r.price_source = spot.price_source;
  r.price_date = spot.price_date;
  r.spot_priced = r.spot_usd_per_gpu_hour > 0;
  if (!r.spot_priced) return;
  r.spot_usd = r.spot_usd_per_gpu_hour * useful_gpu_hours * r.gpu_hours_factor;
  if (job.on_demand_usd_per_gpu_hour <= 0) return;  // nothing to compare against
  r.on_demand_usd = job.on_demand_usd_per_gpu_hour * useful_gpu_hours;
  r.savings_fraction = r.on_demand_usd > 0 ? 1.0 - r.spot_usd / r.on_demand_usd : 0;
  const double price_ratio = job.on_demand_usd_per_gpu_hour / r.spot_usd_per_gpu_hour;
  if (price_ratio <= 1.0) return;  // spot never pays: breakeven 0
  // The GPU-hours factor rises with the rate (and is infinite once the job cannot progress): bisect on it.
  auto pays = [&](double rate) {
    try {
      return gpu_hours_factor_at(rate) < price_ratio;
    } catch (const Error&) {
      return false;
    }
  };
  double lo = 0, hi = std::max(spot.preemptions_per_node_hour, 1e-6);
  while (pays(hi) && hi < 1e9) {
    lo = hi;
    hi *= 2;
  }
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (pays(mid) ? lo : hi) = mid;
  }
  r.breakeven_per_node_hour = 0.5 * (lo + hi);
}

ChurnResult spot_churn(const SpotSpec& spot, const ChurnJob& job, double useful_gpu_hours) {
  const std::string key = "availability.spot";
  require(spot.preemptions_per_node_hour >= 0 && std::isfinite(spot.preemptions_per_node_hour),
          key + ".preemptions_per_node_hour", "must be >= 0");
  require(spot.replacement_s >= 0, key + ".replacement", "must be >= 0");
  ChurnResult r;
  r.enabled = true;
  r.kind = "spot";
  r.recovery = spot.recovery == ChurnRecovery::kRestart ? "restart" : "elastic";
  r.leave_per_node_hour = spot.preemptions_per_node_hour;
  r.rate_source = spot.rate_source;
  r.replacement_s = spot.replacement_s;
  r.replacement_source = spot.replacement_source;
  r.link_source = spot.link_source;
  // One evaluation at any rate, so the break-even search runs the same formulas.
  auto evaluate = [&](ChurnResult& out, double per_node_hour) {
    out.replacement_s = spot.replacement_s;
    const double per_node_s = per_node_hour / units::kSecondsPerHour;
    if (spot.recovery == ChurnRecovery::kRestart)
      restart_accounting(out, job, per_node_s * job.nodes, key);
    else
      elastic_accounting(out, job, per_node_s, spot.replacement_s, 0.0, spot.link_Bps, spot.blocking_fetch, key);
  };
  evaluate(r, spot.preemptions_per_node_hour);
  r.extra_gpu_hours = useful_gpu_hours * (r.gpu_hours_factor - 1.0);
  spot_dollars(r, spot, job, useful_gpu_hours, [&](double rate) {
    ChurnResult probe;
    evaluate(probe, rate);
    return probe.gpu_hours_factor;
  });
  return r;
}

ChurnResult volunteer_churn(const VolunteerSpec& v, const ChurnJob& job, double useful_gpu_hours) {
  const std::string key = "availability.volunteer";
  require(v.leave_per_node_day >= 0 && v.join_per_slot_day >= 0 && v.joins_per_day >= 0, key,
          "join and leave rates must be >= 0");
  require(v.leave_per_node_day == 0 || v.join_per_slot_day > 0 || v.joins_per_day > 0, key,
          "nodes leave but none ever joins: the job stops", "give absence, join_per_slot_day or joins_per_day");
  ChurnResult r;
  r.enabled = true;
  r.kind = "volunteer";
  r.recovery = "elastic";
  r.leave_per_node_hour = v.leave_per_node_day / 24.0;
  r.rate_source = v.rates_source;
  r.link_source = v.link_source;
  const double mean_absence_s = v.join_per_slot_day > 0 ? units::kSecondsPerDay / v.join_per_slot_day : 0.0;
  elastic_accounting(r, job, v.leave_per_node_day / units::kSecondsPerDay, mean_absence_s,
                     v.joins_per_day / units::kSecondsPerDay, v.link_Bps, v.blocking_fetch, key);
  r.extra_gpu_hours = useful_gpu_hours * (r.gpu_hours_factor - 1.0);
  return r;
}

}  // namespace

double birth_death_mean(const std::vector<double>& birth, const std::vector<double>& death) {
  require(birth.size() == death.size(), "availability", "birth and death rates must have one entry per level");
  double weight = 1, total = 1, weighted = 0;  // pi_0 weight 1
  for (std::size_t n = 0; n < birth.size(); ++n) {
    require(death[n] > 0, "availability", "death rates must be > 0");
    weight *= birth[n] / death[n];
    total += weight;
    weighted += static_cast<double>(n + 1) * weight;
  }
  return weighted / total;
}

double erlang_b(int servers, double offered_load) {
  double b = 1.0;
  for (int k = 1; k <= servers; ++k) b = offered_load * b / (k + offered_load * b);
  return b;
}

double expected_active_finite_source(int slots, double leave_per_s, double mean_absence_s) {
  if (leave_per_s <= 0) return slots;
  const double session_s = 1.0 / leave_per_s;
  return slots * session_s / (session_s + mean_absence_s);
}

double expected_active_erlang(int slots, double arrivals_per_s, double leave_per_s) {
  if (leave_per_s <= 0) return slots;
  const double a = arrivals_per_s / leave_per_s;
  return a * (1.0 - erlang_b(slots, a));
}

double lost_work_per_leave_s(double leave_per_s, double sync_period_s) {
  if (sync_period_s <= 0 || leave_per_s <= 0) return sync_period_s > 0 ? sync_period_s / 2.0 : 0.0;
  const double x = leave_per_s * sync_period_s;
  return (1.0 - kept_share(x)) / leave_per_s;
}

double useful_session_fraction(double leave_per_s, double fetch_s, double sync_period_s) {
  if (leave_per_s <= 0) return 1.0;
  return std::exp(-leave_per_s * fetch_s) * kept_share(leave_per_s * std::max(0.0, sync_period_s));
}

ChurnJob make_churn_job(const FailureSpec& failures, const GoodputResult& hw, int nodes, int gpus_per_node,
                        int replica_gpus, double checkpoint_bytes, double sync_period_s, double usd_per_gpu_hour) {
  ChurnJob j;
  j.nodes = nodes;
  j.gpus_per_node = gpus_per_node;
  j.replica_gpus = replica_gpus;
  j.state_bytes = checkpoint_bytes;
  j.sync_period_s = sync_period_s;
  const int n_gpus = nodes * gpus_per_node;
  const double storage_Bps = failures.storage_write_Bps > 0 ? failures.storage_write_Bps
                                                            : default_storage_write_Bps(n_gpus);
  j.checkpoint_write_s = hw.enabled ? hw.checkpoint_write_s : checkpoint_bytes / storage_Bps;
  j.checkpoint_interval_s = failures.checkpoint_interval_s;
  // The same restart parts as the failure model: a given restart, or relaunch + reload at the storage bandwidth.
  j.restart_s = failures.restart_s > 0 ? failures.restart_s
                                       : failures.relaunch_s.value_or(GoodputOptions{}.relaunch_s) + j.checkpoint_write_s;
  if (hw.enabled) {
    j.hw_interruptions_per_day = hw.interruptions_per_day;
    j.hw_restart_s = hw.restart_s;
    j.hw_effective_time_fraction = hw.effective_time_fraction;
  }
  j.on_demand_usd_per_gpu_hour = usd_per_gpu_hour;
  return j;
}

ChurnResult compute_churn(const AvailabilitySpec& spec, const ChurnJob& job, double useful_gpu_hours) {
  require(useful_gpu_hours >= 0 && std::isfinite(useful_gpu_hours), "cost.gpu_hours", "must be >= 0");
  if (spec.spot.enabled) return spot_churn(spec.spot, job, useful_gpu_hours);
  if (spec.volunteer.enabled) return volunteer_churn(spec.volunteer, job, useful_gpu_hours);
  return ChurnResult{};
}

CostResult include_churn(const CostResult& c, const ChurnResult& churn) {
  CostResult r = c;
  r.churn_free_gpu_hours = c.gpu_hours;
  r.churn_free_wall_clock_days = c.wall_clock_days;
  r.churn_free_rental_usd = c.rental_usd;
  r.churn_included = churn.enabled;
  if (!churn.enabled) return r;
  r.gpu_hours = c.gpu_hours * churn.gpu_hours_factor;
  r.wall_clock_days = c.wall_clock_days * churn.time_factor;
  r.owned_usd = c.owned_usd * churn.gpu_hours_factor;
  r.owned_capex_usd = c.owned_capex_usd * churn.gpu_hours_factor;
  r.owned_power_usd = c.owned_power_usd * churn.gpu_hours_factor;
  r.energy_mwh = c.energy_mwh * churn.gpu_hours_factor;
  if (churn.spot_priced) {
    r.usd_per_gpu_hour = churn.spot_usd_per_gpu_hour;
    r.rental_usd = r.gpu_hours * churn.spot_usd_per_gpu_hour;
    r.has_price = true;
    r.price_source = "spot: " + churn.price_source;
    r.price_date = churn.price_date;
    r.price_age_months = -1;  // the spot quote's age is not judged (no as-of month here)
    r.price_stale = false;
  } else {
    r.rental_usd = c.rental_usd * churn.gpu_hours_factor;
  }
  return r;
}

}  // namespace moeplan
