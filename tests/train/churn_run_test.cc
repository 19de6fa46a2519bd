// Spot churn through a whole training run (scenarios/scale-out/spot-h100.yaml): the headline includes churn, the
// run without churn rides beside it, and the two relate by the churn model's closed-form factors; with churn
// switched off the run is unchanged; in restart mode preemptions add to the hardware interruption rate.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/train/loaded_scenarios.h"

namespace moeplan {
namespace {

using test::Loaded;

constexpr const char* kSpot = "scenarios/scale-out/spot-h100.yaml";

TEST(ChurnRun, ElasticSpotHeadlineIsTheChurnFreeRunTimesTheClosedForm) {
  Loaded l;
  const Scenario s = l.load(kSpot);
  const RunResult r = run_training(s, *l.calib(s));
  const ChurnResult& c = r.churn;
  ASSERT_TRUE(c.enabled);
  EXPECT_EQ(c.recovery, "elastic");
  // 32 slots of one node; sessions of 2.28 h, absences of 50 min (the scenario's V100-trace stand-ins).
  EXPECT_EQ(c.slots, 32);
  EXPECT_NEAR(c.availability, 2.28 / (2.28 + 50.0 / 60), 1e-9);
  EXPECT_NEAR(r.cost.gpu_hours, r.cost.churn_free_gpu_hours * c.gpu_hours_factor, 1e-9 * r.cost.gpu_hours);
  EXPECT_NEAR(r.cost.wall_clock_days, r.cost.churn_free_wall_clock_days * c.time_factor, 1e-12);
  EXPECT_NEAR(r.cost.rental_usd, r.cost.gpu_hours * 1.52, 1e-9 * r.cost.rental_usd);
  EXPECT_NEAR(r.cost.churn_free_rental_usd, r.cost.churn_free_gpu_hours * 2.79, 1e-9 * r.cost.churn_free_rental_usd);
  EXPECT_NEAR(c.spot_usd, r.cost.rental_usd, 1e-9 * c.spot_usd);
  EXPECT_NEAR(c.state_bytes, r.goodput.checkpoint_bytes, 1.0);  // the job's checkpoint, computed from the model
  EXPECT_NEAR(c.sync_period_s, r.step.time_s, 1e-12);           // every-step DP syncs every step
  std::printf("spot-h100: %.0f GPU-h, %.3f days, $%.0f spot; without churn %.0f GPU-h, %.3f days, $%.0f on-demand; "
              "availability %.4f, break-even %.3g preemptions per node-hour\n",
              r.cost.gpu_hours, r.cost.wall_clock_days, r.cost.rental_usd, r.cost.churn_free_gpu_hours,
              r.cost.churn_free_wall_clock_days, r.cost.churn_free_rental_usd, c.availability,
              c.breakeven_per_node_hour);
}

TEST(ChurnRun, SwitchedOffChangesNothing) {
  Loaded l;
  const Scenario off = l.load(kSpot, {"availability.spot.enabled=false"});
  Scenario none = off;
  none.availability = AvailabilitySpec{};
  const RunResult a = run_training(off, *l.calib(off));
  const RunResult b = run_training(none, *l.calib(none));
  EXPECT_FALSE(a.churn.enabled);
  EXPECT_FALSE(a.cost.churn_included);
  EXPECT_EQ(a.cost.gpu_hours, b.cost.gpu_hours);
  EXPECT_EQ(a.cost.rental_usd, b.cost.rental_usd);
  EXPECT_EQ(a.cost.gpu_hours, a.cost.churn_free_gpu_hours);
  EXPECT_EQ(a.cost.wall_clock_days, a.cost.churn_free_wall_clock_days);
}

TEST(ChurnRun, RestartPreemptionsAddToHardwareInterruptions) {
  Loaded l;
  // Two nodes, so a synchronous job still makes progress at 0.44 preemptions per node-hour.
  const Scenario s = l.load(kSpot, {"availability.spot.recovery=restart", "cluster.nodes=2", "training.phases[0].tokens=5B"});
  const RunResult r = run_training(s, *l.calib(s));
  ASSERT_TRUE(r.goodput.enabled);
  const double preempt_per_day = 2 * 24 / 2.28;
  EXPECT_NEAR(r.churn.preemptions_per_day, preempt_per_day, 1e-9);
  EXPECT_NEAR(r.churn.combined_interruptions_per_day, r.goodput.interruptions_per_day + preempt_per_day, 1e-9);
  EXPECT_LT(r.churn.effective_time_fraction, r.goodput.effective_time_fraction);
  EXPECT_NEAR(r.churn.time_factor, r.goodput.effective_time_fraction / r.churn.effective_time_fraction, 1e-12);
  std::printf("restart on 2 spot nodes: goodput %.4f with hardware failures alone, %.4f with preemptions; "
              "spot saves %.1f%%, break-even %.3g per node-hour\n",
              r.goodput.effective_time_fraction, r.churn.effective_time_fraction, 100 * r.churn.savings_fraction,
              r.churn.breakeven_per_node_hour);
}

}  // namespace
}  // namespace moeplan
