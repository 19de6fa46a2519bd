// Tests of the churn model (sim/cost/churn_model.h): spot preemptions and volunteer churn change goodput as their
// closed forms predict. Hand-computed goodput for a synchronous restart, birth-death stationary means against
// the product form and a hand-solved chain, the limit cases (zero rate = no change; preemption and hardware rates
// add), the break-even spot rate, and a seeded Monte Carlo of elastic churn against the closed form.
#include "sim/cost/churn_model.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include <gtest/gtest.h>

#include "sim/cost/failure_model.h"
#include "sim/units/error.h"
#include "sim/units/random.h"

namespace moeplan {
namespace {

ChurnJob small_job() {
  ChurnJob j;
  j.nodes = 16;
  j.gpus_per_node = 8;
  j.replica_gpus = 8;
  j.checkpoint_write_s = 60;
  j.checkpoint_interval_s = 1800;
  j.restart_s = 600;
  j.on_demand_usd_per_gpu_hour = 2.0;
  return j;
}

AvailabilitySpec spot(double per_node_hour, double replacement_s, ChurnRecovery recovery) {
  AvailabilitySpec a;
  a.spot.enabled = true;
  a.spot.preemptions_per_node_hour = per_node_hour;
  a.spot.replacement_s = replacement_s;
  a.spot.recovery = recovery;
  a.spot.usd_per_gpu_hour = 1.0;
  a.spot.link_Bps = 1e9;
  return a;
}

TEST(ChurnRestart, HandComputedGoodput) {
  // 0.01 preemptions per node-hour x 16 nodes = 0.16/h: MTBF 22,500 s. Each costs half a segment
  // (1800 + 60) / 2 = 930 s plus relaunch+reload 600 s plus the 1,200 s replacement wait: 2,730 s.
  // E/U = (1 + 60/1800) / (1 - 2730/22500) = 1.0333 / 0.87867 -> goodput 0.850323.
  const ChurnResult r = compute_churn(spot(0.01, 1200, ChurnRecovery::kRestart), small_job(), 1000.0);
  EXPECT_NEAR(r.combined_mtbf_h, 22500.0 / 3600, 1e-12);
  EXPECT_NEAR(r.preemption_restart_s, 1800, 1e-12);
  EXPECT_NEAR(r.effective_time_fraction, 0.87866666667 / 1.03333333333, 1e-9);
  EXPECT_NEAR(r.effective_time_fraction, 0.850323, 1e-6);
  EXPECT_NEAR(r.fraction_lost_work, 930.0 / 22500, 1e-12);
  EXPECT_NEAR(r.fraction_restarting, 1800.0 / 22500, 1e-12);
  EXPECT_NEAR(r.gpu_hours_factor, 1.0 / 0.850323, 1e-5);
  EXPECT_NEAR(r.extra_gpu_hours, 1000.0 * (1.0 / r.effective_time_fraction - 1.0), 1e-9);
  // Spot $1/h vs on-demand $2/h: 1000 GPU-h x 1.17602 x $1 against $2,000.
  EXPECT_NEAR(r.spot_usd, 1000.0 * r.gpu_hours_factor * 1.0, 1e-9);
  EXPECT_NEAR(r.on_demand_usd, 2000.0, 1e-9);
  EXPECT_NEAR(r.savings_fraction, 1.0 - 1.176024 / 2.0, 1e-6);
}

TEST(ChurnRestart, ZeroRateChangesNothing) {
  ChurnJob j = small_job();
  j.hw_interruptions_per_day = 3;
  j.hw_restart_s = 900;
  j.hw_effective_time_fraction = 0.9;
  const ChurnResult r = compute_churn(spot(0.0, 1200, ChurnRecovery::kRestart), j, 500.0);
  EXPECT_EQ(r.time_factor, 1.0);
  EXPECT_EQ(r.gpu_hours_factor, 1.0);
  EXPECT_EQ(r.extra_gpu_hours, 0.0);
  EXPECT_EQ(r.effective_time_fraction, 0.9);
  const ChurnResult e = compute_churn(spot(0.0, 1200, ChurnRecovery::kElastic), j, 500.0);
  EXPECT_EQ(e.time_factor, 1.0);
  EXPECT_EQ(e.gpu_hours_factor, 1.0);
  EXPECT_EQ(e.availability, 1.0);
}

TEST(ChurnRestart, PreemptionAndHardwareRatesAdd) {
  // A hardware class that needs no node (relaunch + reload only), at x per GPU-day, and spot preemptions at y per
  // node-hour with no replacement wait, cost the same as the failure model with one class at the summed rate.
  const int nodes = 64, gpn = 8;
  const double ckpt_bytes = 8e9 * 14;  // an 8B model's checkpoint
  const double x = 0.002;              // per GPU-day
  const double y = 0.004;              // per node-hour
  FailureSpec hw_spec;
  hw_spec.classes = {{"hang", "Software", x}};
  const GoodputResult hw = compute_goodput(hw_spec, nodes * gpn, gpn, ckpt_bytes, 1000.0, 2.0);
  const ChurnJob job = make_churn_job(hw_spec, hw, nodes, gpn, gpn, ckpt_bytes, 10.0, 2.0);
  const ChurnResult churn = compute_churn(spot(y, 0.0, ChurnRecovery::kRestart), job, hw.extra_gpu_hours + 1000.0);

  FailureSpec sum_spec;
  sum_spec.classes = {{"hang + preemption", "Software", x + y * 24.0 / gpn}};
  const GoodputResult both = compute_goodput(sum_spec, nodes * gpn, gpn, ckpt_bytes, 1000.0, 2.0);
  std::printf("hardware only %.6f, hardware + preemptions %.6f, one class at the summed rate %.6f\n",
              hw.effective_time_fraction, churn.effective_time_fraction, both.effective_time_fraction);
  EXPECT_NEAR(churn.combined_interruptions_per_day, both.interruptions_per_day, 1e-9);
  EXPECT_NEAR(churn.checkpoint_interval_s, both.checkpoint_interval_s, 1e-6);
  EXPECT_NEAR(churn.effective_time_fraction, both.effective_time_fraction, 1e-12);
  EXPECT_NEAR(churn.time_factor, hw.effective_time_fraction / both.effective_time_fraction, 1e-12);
  EXPECT_LT(churn.effective_time_fraction, hw.effective_time_fraction);
}

TEST(ChurnClosedForms, BirthDeathProductFormMatchesFiniteSourceAndErlang) {
  // Hand-solved: 2 slots, arrivals 1, leave 1 per slot: pi ~ 1, 1, 1/2 -> mean 2 / 2.5 = 0.8; B(2, 1) = 0.2.
  EXPECT_NEAR(erlang_b(2, 1.0), 0.2, 1e-15);
  EXPECT_NEAR(birth_death_mean({1.0, 1.0}, {1.0, 2.0}), 0.8, 1e-15);
  EXPECT_NEAR(expected_active_erlang(2, 1.0, 1.0), 0.8, 1e-15);
  for (int k : {1, 5, 14, 60}) {
    const double mu = 1.0 / 7200, lambda = 1.0 / 3600, absence = 2400;
    std::vector<double> fin_b, fin_d, erl_b, erl_d;
    for (int n = 0; n < k; ++n) {
      fin_b.push_back((k - n) / absence);  // each absent slot fills at 1/D
      fin_d.push_back((n + 1) * mu);
      erl_b.push_back(lambda);
      erl_d.push_back((n + 1) * mu);
    }
    EXPECT_NEAR(birth_death_mean(fin_b, fin_d), expected_active_finite_source(k, mu, absence), 1e-9 * k);
    EXPECT_NEAR(expected_active_finite_source(k, mu, absence), k * 7200.0 / (7200 + 2400), 1e-12 * k);
    EXPECT_NEAR(birth_death_mean(erl_b, erl_d), expected_active_erlang(k, lambda, mu), 1e-9 * k);
  }
}

TEST(ChurnClosedForms, SessionLossLimits) {
  const double mu = 1.0 / 86400;  // one departure per day
  // Continuous sync: only the blocking fetch is lost, e^{-mu F}.
  EXPECT_NEAR(useful_session_fraction(mu, 3600, 0), std::exp(-1.0 / 24), 1e-15);
  // Sync period much shorter than a session: half a period lost per departure.
  EXPECT_NEAR(lost_work_per_leave_s(mu, 60), 30, 0.02);
  // Sync period much longer than a session: the whole session is lost (1/mu).
  EXPECT_NEAR(lost_work_per_leave_s(mu, 1e9), 86400, 1e-6);
  // No departures: nothing lost.
  EXPECT_EQ(useful_session_fraction(0, 3600, 600), 1.0);
}

TEST(ChurnElastic, HandComputedSpot) {
  // 12 nodes, one replica each; 0.5 preemptions per node-hour, replacement 1 h: availability (2 h)/(2 h + 1 h).
  // Fetch 120 GB at 1 GB/s = 120 s, sync every 600 s: u = e^{-120/7200} x (1/12) / (e^{1/12} - 1) = 0.943063.
  ChurnJob j = small_job();
  j.nodes = 12;
  j.state_bytes = 120e9;
  j.sync_period_s = 600;
  const ChurnResult r = compute_churn(spot(0.5, 3600, ChurnRecovery::kElastic), j, 1000.0);
  EXPECT_EQ(r.slots, 12);
  EXPECT_NEAR(r.fetch_s, 120, 1e-12);
  EXPECT_NEAR(r.availability, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(r.expected_active_slots, 8.0, 1e-12);
  EXPECT_NEAR(r.useful_fraction_of_active, 0.9430625493, 1e-9);
  EXPECT_NEAR(r.time_factor, 1.5905625784, 1e-9);
  EXPECT_NEAR(r.gpu_hours_factor, 1.0603750523, 1e-9);
}

TEST(ChurnElastic, ReplicaOfTwoNodesLeavesAtTwiceTheNodeRate) {
  ChurnJob j = small_job();  // 16 nodes
  j.replica_gpus = 16;
  const ChurnResult r = compute_churn(spot(0.1, 1800, ChurnRecovery::kElastic), j, 1.0);
  EXPECT_EQ(r.slots, 8);
  EXPECT_EQ(r.nodes_per_slot, 2);
  EXPECT_NEAR(r.availability, 5.0 / (5.0 + 0.5), 1e-12);  // session 1/(2 x 0.1) = 5 h, absence 0.5 h
  j.replica_gpus = 12;  // 1.5 nodes: not whole nodes
  EXPECT_THROW(compute_churn(spot(0.1, 1800, ChurnRecovery::kElastic), j, 1.0), Error);
}

TEST(ChurnDollars, BreakEvenRateMakesSpotCostOnDemand) {
  // Spot at half the on-demand price pays until churn doubles the GPU-hours.
  for (ChurnRecovery rec : {ChurnRecovery::kRestart, ChurnRecovery::kElastic}) {
    ChurnJob j = small_job();
    j.state_bytes = 100e9;
    j.sync_period_s = 1800;
    const ChurnResult r = compute_churn(spot(0.05, 1200, rec), j, 1000.0);
    ASSERT_GT(r.breakeven_per_node_hour, 0.0);
    // Above the break-even spot loses money, below it saves.
    EXPECT_EQ(r.savings_fraction < 0, 0.05 > r.breakeven_per_node_hour);
    const ChurnResult at = compute_churn(spot(r.breakeven_per_node_hour, 1200, rec), j, 1000.0);
    EXPECT_NEAR(at.gpu_hours_factor, 2.0, 1e-6);
    EXPECT_NEAR(at.spot_usd, at.on_demand_usd, 1e-3);
  }
  // Spot priced at on-demand never pays.
  AvailabilitySpec a = spot(0.05, 1200, ChurnRecovery::kRestart);
  a.spot.usd_per_gpu_hour = 0;
  a.spot.discount = 0;
  ChurnJob j = small_job();
  EXPECT_EQ(compute_churn(a, j, 1000.0).breakeven_per_node_hour, 0.0);
  a.spot.discount = 0.4;  // 40 % off $2 = $1.20
  EXPECT_NEAR(compute_churn(a, j, 1000.0).spot_usd_per_gpu_hour, 1.2, 1e-12);
}

TEST(ChurnVolunteer, ErlangArrivalsAndBlockingFetch) {
  // 14 slots (INTELLECT-1's largest node count), sessions of 4 days, 3 arrivals a day: a = 12, E[n] = a(1 - B).
  ChurnJob j = small_job();
  j.nodes = 14;
  j.state_bytes = 120e9;
  j.sync_period_s = 2280 + 400;  // 38 min of inner steps + an all-reduce (arXiv:2412.01152 Table 2)
  AvailabilitySpec a;
  a.volunteer.enabled = true;
  a.volunteer.leave_per_node_day = 0.25;
  a.volunteer.joins_per_day = 3;
  a.volunteer.link_Bps = 500e6 / 8;
  const ChurnResult r = compute_churn(a, j, 1000.0);
  EXPECT_NEAR(r.expected_active_slots, 12.0 * (1.0 - erlang_b(14, 12.0)), 1e-12);
  EXPECT_NEAR(r.fetch_s, 1920, 1e-9);  // 120 GB at 500 Mb/s: 32 min, inside INTELLECT-1's 30-60 min
  a.volunteer.blocking_fetch = false;
  const ChurnResult nb = compute_churn(a, j, 1000.0);
  EXPECT_EQ(nb.fetch_s, 0.0);
  EXPECT_GT(nb.useful_fraction_of_active, r.useful_fraction_of_active);
  a.volunteer.joins_per_day = 0;  // leaves but never joins
  EXPECT_THROW(compute_churn(a, j, 1000.0), Error);
}

// Seeded Monte Carlo of elastic spot churn: each slot alternates exponential sessions and fixed absences; a
// session fetches for F, then keeps its work up to its last sync. The kept share of slot-time converges to
// availability x u; with ~100k sessions the standard error is about 0.2 %, so 1 % is a stated, safe tolerance.
TEST(ChurnMonteCarlo, ElasticSpotConvergesToClosedForm) {
  const double mu = 0.5 / 3600, absence = 3600, fetch = 120, period = 600, horizon = 30000.0 * 3600;
  const int slots = 12;
  Rng rng(7, "churn-monte-carlo");
  double kept = 0;
  for (int s = 0; s < slots; ++s) {
    double t = 0;
    while (t < horizon) {
      const double session = rng.exponential(mu);
      const double training = std::max(0.0, std::min(session, horizon - t) - fetch);
      kept += std::floor(training / period) * period;
      t += session + absence;
    }
  }
  const double simulated = kept / (slots * horizon);
  ChurnJob j;
  j.nodes = slots;
  j.gpus_per_node = 8;
  j.replica_gpus = 8;
  j.state_bytes = fetch * 1e9;
  j.sync_period_s = period;
  const ChurnResult r = compute_churn(spot(0.5, absence, ChurnRecovery::kElastic), j, 1.0);
  const double closed = r.availability * r.useful_fraction_of_active;
  std::printf("elastic churn: simulated kept share %.5f, closed form %.5f, error %.3f %%\n", simulated, closed,
              100.0 * (simulated / closed - 1.0));
  EXPECT_NEAR(simulated / closed, 1.0, 0.01);
}

}  // namespace
}  // namespace moeplan
