// Churn: spot preemptions and volunteer nodes that come and go, turned into goodput, GPU-hours and dollars.
// The formulas and their sources are in docs/churn.md; in short:
//
// Restart (synchronous data parallelism). A preemption stops every replica, exactly like a hardware
// interruption: the job reloads its last checkpoint and waits for a replacement node. Preemptions are a Poisson
// stream of rate (preemptions per node-hour x nodes), which adds to the hardware failure rate; each costs the
// relaunch, the reload and the replacement wait. The combined stream goes through the failure model's own
// accounting (failure_model.h: goodput_fractions, Daly's interval on the combined MTBF).
//
// Elastic (DiLoCo-style or elastic DP). The job is `slots` replica slots (a slot is one replica, or one node
// when a node holds several replicas). A slot runs for an exponential session of rate mu (nodes per slot x the
// per-node rate) and is then absent: for a mean D (finite source: spot replacement or volunteer absence), or
// until one of the job-wide arrivals (rate lambda) finds a free slot (Erlang loss). Stationary expected active
// slots: K (1/mu) / (1/mu + D), or a (1 - B(K, a)) with a = lambda / mu and B Erlang's loss formula. A session
// first fetches the state (blocking: F = state bytes / link), then trains; it keeps its work up to its last sync
// every T seconds. With exponential sessions the kept share of a session is
//   u = e^{-mu F} x (mu T) / (e^{mu T} - 1)          (-> e^{-mu F} as T -> 0; 1 - mu (F + T/2) to first order)
// Throughput scales with the active, useful replicas (DiLoCo, arXiv:2311.08105 §6.2: a replica count varying
// over time matches the constant-count run at equal compute), so elapsed time grows by 1 / (availability x u)
// and GPU-hours (held only while running) by 1 / u. Hardware failures stay in the failure model, multiplied in.
//
// Money (spot). Spot rental = spot price x GPU-hours incl. the churn overhead; it pays while that is below the
// on-demand rental of the run without churn. The break-even preemption rate solves
// spot price x GPU-hours factor(rate) = on-demand price.
//
// Everything is a function of ChurnJob (nodes, rates, intervals, state bytes, link), so a multi-site run can
// call it once per site.
#pragma once

#include <string>
#include <vector>

#include "sim/cost/churn_result.h"
#include "sim/cost/cost_result.h"
#include "sim/spec/availability_spec.h"
#include "sim/spec/failure_spec.h"

namespace moeplan {

// The job as the churn model sees it.
struct ChurnJob {
  int nodes = 0;
  int gpus_per_node = 0;
  int replica_gpus = 0;                 // GPUs of one data-parallel replica (GPUs / dp)
  double state_bytes = 0;               // a joining replica's state: weights + optimizer state
  double sync_period_s = 0;             // elastic: seconds between (outer) syncs; 0 = continuous
  // Restart recovery:
  double checkpoint_write_s = 0;
  double checkpoint_interval_s = 0;     // given interval; 0 = Daly on the combined rate
  double restart_s = 0;                 // relaunch + checkpoint reload, without the replacement wait
  // The job's hardware interruptions (0 when the failure model is off) and its goodput without churn.
  double hw_interruptions_per_day = 0;
  double hw_restart_s = 0;
  double hw_effective_time_fraction = 1;
  double on_demand_usd_per_gpu_hour = 0;  // 0 = no price: no dollar comparison
};

// Builds the job from the scenario's parts: `hw` is the failure model's result (disabled when off), `failures`
// its settings (relaunch, restart, storage bandwidth, checkpoint interval), `checkpoint_bytes` the job's
// checkpoint (the state a replica fetches) and `step_s` the training step (the sync period of every-step DP).
ChurnJob make_churn_job(const FailureSpec& failures, const GoodputResult& hw, int nodes, int gpus_per_node,
                        int replica_gpus, double checkpoint_bytes, double sync_period_s, double usd_per_gpu_hour);

// Spot or volunteer churn for `job`; `useful_gpu_hours` are the run's GPU-hours without churn (hardware failure
// overhead included). Returns enabled = false when `spec` is off. Throws a user Error on inputs that do not fit
// the job (a replica that does not divide into nodes) or when the job can make no progress.
ChurnResult compute_churn(const AvailabilitySpec& spec, const ChurnJob& job, double useful_gpu_hours);

// The cost after failures, `c`, with churn: GPU-hours x gpu_hours_factor, days x time_factor, rental at the spot
// price when spot. The cost before churn stays in the churn_free_* fields.
CostResult include_churn(const CostResult& c, const ChurnResult& churn);

// --- closed forms (exposed for tests and for callers that want one piece) ---

// Stationary mean of a birth-death chain on 0..K, K = birth.size(): birth[n] is the rate n -> n+1 and death[n]
// the rate n+1 -> n (n = 0..K-1); pi_n is proportional to prod_{i<n} birth[i] / death[i].
double birth_death_mean(const std::vector<double>& birth, const std::vector<double>& death);
// Erlang's loss formula B(K, a) (recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))).
double erlang_b(int servers, double offered_load);
// K slots, each absent for a mean `mean_absence_s` and running for 1 / leave_per_s: K (1/mu) / (1/mu + D).
double expected_active_finite_source(int slots, double leave_per_s, double mean_absence_s);
// Arrivals at `arrivals_per_s`, turned away when K slots run, each leaving at leave_per_s: a (1 - B(K, a)).
double expected_active_erlang(int slots, double arrivals_per_s, double leave_per_s);
// Expected work since the last sync when an exponential session (rate mu) ends, syncs every T from its start:
// 1/mu - T / (e^{mu T} - 1) (-> T/2 for mu T << 1).
double lost_work_per_leave_s(double leave_per_s, double sync_period_s);
// Share of an exponential session (rate mu) kept after a fetch F and the loss at the end: e^{-mu F} mu T / (e^{mu T} - 1).
double useful_session_fraction(double leave_per_s, double fetch_s, double sync_period_s);

}  // namespace moeplan
