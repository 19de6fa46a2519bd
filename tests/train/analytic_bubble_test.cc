// The analytic step's pipeline bubble against the schedule simulator on the same uniform chunk costs: the
// closed forms of DeepSeek-V3 Table 2 and the DualPipe README (published-numbers.md §1.6, §3), which
// tests/schedule/schedule_bubble_test.cc checks for the schedules themselves. DualPipeV folds 2 x pp stages
// onto pp ranks, so its README row (PP/2 - 1)(F&B + B - 3W) counts PP = 2 x pp stages: (pp - 1)(...), not the
// (pp/2 - 1)(...) of DualPipe on pp ranks.
#include <gtest/gtest.h>

#include <cstdio>

#include "sim/schedule/build_schedule.h"
#include "sim/schedule/schedule_timing.h"
#include "sim/train/analytic_step.h"

namespace moeplan {
namespace {

// pp ranks of `chunks` identical chunks each: F = 3, B - W = 3 (= F, where the README formula is exact),
// W = 2, no communication, so an F&B pair is F + B = 8.
StageCosts uniform_costs(int pp, int chunks, int micro_batches) {
  StageCosts c;
  c.micro_batches = micro_batches;
  c.tokens_per_step = 1;
  c.model_flops_per_step = 1;
  for (int r = 0; r < pp; ++r) {
    RankCosts rc;
    rc.rank = r;
    for (int k = 0; k < chunks; ++k) {
      ChunkCost ch;
      ch.f_s = 3;
      ch.b_s = 3;
      ch.w_s = 2;
      rc.chunks.push_back(ch);
    }
    c.ranks.push_back(rc);
  }
  return c;
}

double analytic_bubble_s(PipelineSchedule kind, int pp, int m) {
  ParallelPlan plan;
  plan.pp = pp;
  plan.schedule = kind;
  const int chunks = kind == PipelineSchedule::kDualPipe || kind == PipelineSchedule::kDualPipeV ? 2 : 1;
  const StepResult r = analytic_step(uniform_costs(pp, chunks, m), plan, 1.0, pp);
  return r.bubble_fraction * r.time_s;
}

double simulated_bubble_s(PipelineSchedule kind, int pp, int m) {
  ChunkCosts c;
  c.f_s = 3;
  c.b_s = 5;
  c.w_s = 2;
  c.fb_s = 8;
  return simulate_schedule(build_schedule(kind, pp, m, 1), c).bubble_s;
}

TEST(AnalyticBubble, MatchesTheScheduleSimulator) {
  for (PipelineSchedule kind : {PipelineSchedule::k1F1B, PipelineSchedule::kDualPipe, PipelineSchedule::kDualPipeV})
    for (int pp : {4, 8, 16}) {
      const int m = 3 * pp;
      const double analytic = analytic_bubble_s(kind, pp, m), simulated = simulated_bubble_s(kind, pp, m);
      std::printf("%-10s pp %2d m %2d: analytic bubble %.1f, schedule simulator %.1f\n", to_string(kind), pp, m,
                  analytic, simulated);
      EXPECT_NEAR(analytic, simulated, 1e-9) << to_string(kind) << " pp " << pp;
    }
  // DualPipeV on 16 ranks: (16 - 1)(8 + 5 - 6) = 105.
  EXPECT_NEAR(analytic_bubble_s(PipelineSchedule::kDualPipeV, 16, 48), 105, 1e-9);
}

}  // namespace
}  // namespace moeplan
