// Memory columns of DeepSeek-V3 Table 2 / the DualPipe README (published-numbers.md §1.6, §3): peak
// activations per device (in stage-activations of one micro-batch) and parameter copies per device; plus
// timing invariants of the executor (no overlap on a rank, dependencies honoured, per-chunk spans).
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "sim/schedule/build_schedule.h"
#include "sim/schedule/schedule_timing.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

ChunkCosts unit_costs() {
  ChunkCosts c;
  c.f_s = 3;
  c.b_s = 5;
  c.w_s = 2;
  c.fb_s = 7;
  return c;
}

ScheduleTiming run(PipelineSchedule kind, int pp, int m, int v = 1) {
  return simulate_schedule(build_schedule(kind, pp, m, v), unit_costs());
}

TEST(ScheduleMemory, OneFOneBAndZb1pHoldPpOnFirstRank) {
  // Table 2: Activation PP for 1F1B and ZB1P (the first rank is the peak); Parameter 1x.
  for (PipelineSchedule k : {PipelineSchedule::k1F1B, PipelineSchedule::kZbH1})
    for (int pp : {4, 8, 16})
      for (int m : {2 * pp, 3 * pp}) {
        const ScheduleTiming t = run(k, pp, m);
        for (int r = 0; r < pp; ++r) {
          EXPECT_EQ(t.ranks[r].peak_activations, pp - r) << to_string(k) << " pp " << pp << " rank " << r;
          EXPECT_EQ(t.ranks[r].stages_held, 1);
        }
        EXPECT_EQ(t.max_peak_activations(), pp);
      }
}

TEST(ScheduleMemory, ZbH1PendingWeightGradientsStayWithinPp) {
  // ZB-H1 keeps rank r's activations (pp - r) plus pending W inputs (r) within pp: the same in-flight
  // budget on every rank (Qi et al., arXiv:2401.10241 §2.1).
  const int pp = 8;
  const ScheduleTiming t = run(PipelineSchedule::kZbH1, pp, 3 * pp);
  for (int r = 0; r < pp; ++r) {
    EXPECT_EQ(t.ranks[r].peak_pending_weight_grads, r == 0 ? 1 : r + 1) << "rank " << r;
    EXPECT_LE(t.ranks[r].peak_activations + r, pp);
  }
}

TEST(ScheduleMemory, DualPipeHoldsPpPlusOneAndTwoParameterCopies) {
  // Table 2 / README: DualPipe Activation PP+1, Parameter 2x; "neither grows with the micro-batches".
  for (int pp : {4, 8, 16})
    for (int m : {2 * pp, 3 * pp, 5 * pp}) {
      const PipelineOrder o = build_schedule(PipelineSchedule::kDualPipe, pp, m);
      const ScheduleTiming t = simulate_schedule(o, unit_costs());
      for (int r = 0; r < pp; ++r) {
        EXPECT_EQ(t.ranks[r].peak_activations, pp + 1) << "pp " << pp << " m " << m << " rank " << r;
        EXPECT_EQ(t.ranks[r].stages_held, 2);
      }
      EXPECT_DOUBLE_EQ(o.param_share_of_model(), 2.0 / pp);
    }
}

TEST(ScheduleMemory, DualPipeVHoldsStagesPlusOne) {
  // README DualPipeV row: Activation PP+1 and Parameter 2x per device, where PP counts stages (2 per rank).
  for (int ranks : {2, 4, 8})
    for (int m : {2 * ranks, 2 * ranks + 1, 6 * ranks}) {
      const PipelineOrder o = build_schedule(PipelineSchedule::kDualPipeV, ranks, m);
      const ScheduleTiming t = simulate_schedule(o, unit_costs());
      for (int r = 0; r < ranks; ++r) {
        EXPECT_EQ(t.ranks[r].peak_activations, 2 * ranks + 1) << "ranks " << ranks << " m " << m;
        EXPECT_EQ(t.ranks[r].stages_held, 2);
      }
      // Two half-size stages: the same share of the model as one 1F1B rank over `ranks` ranks.
      EXPECT_DOUBLE_EQ(o.param_share_of_model(), 1.0 / ranks);
    }
}

TEST(ScheduleMemory, GpipeAndInterleaved) {
  EXPECT_EQ(run(PipelineSchedule::kGpipe, 4, 12).ranks[0].peak_activations, 12);
  // Megatron interleaved: rank 0 warms up with 2(pp-1) + (v-1)pp chunk-forwards and holds one more.
  const int pp = 4, v = 2;
  const ScheduleTiming t = run(PipelineSchedule::kInterleaved1F1B, pp, 3 * pp, v);
  EXPECT_EQ(t.ranks[0].peak_activations, 2 * (pp - 1) + (v - 1) * pp + 1);
  EXPECT_EQ(t.ranks[0].stages_held, v);
  EXPECT_DOUBLE_EQ(build_schedule(PipelineSchedule::kInterleaved1F1B, pp, 8, v).param_share_of_model(), 1.0 / pp);
}

TEST(ScheduleTiming, SpansRespectRanksAndDependencies) {
  // Non-uniform stages (the last stage 50% slower) and a p2p latency; every schedule must keep each rank
  // sequential, every forward after its predecessor + p2p, and every span's length equal to its cost.
  ChunkCosts c = unit_costs();
  c.p2p_s = 0.25;
  const struct {
    PipelineSchedule kind;
    int pp, m, v;
  } cases[] = {{PipelineSchedule::kGpipe, 4, 8, 1},          {PipelineSchedule::k1F1B, 4, 8, 1},
               {PipelineSchedule::kZbH1, 4, 8, 1},           {PipelineSchedule::kInterleaved1F1B, 4, 8, 2},
               {PipelineSchedule::kDualPipe, 4, 10, 1},      {PipelineSchedule::kDualPipeV, 4, 9, 1}};
  for (const auto& cs : cases) {
    const PipelineOrder o = build_schedule(cs.kind, cs.pp, cs.m, cs.v);
    ChunkCosts costs = c;
    const int last = o.stages - 1;
    costs.chunk_time_s = [&](const Chunk& ch) {
      ChunkCosts plain = c;
      const double scale = ch.stage == last ? 1.5 : 1.0;
      return scale * chunk_duration_s(plain, ch);
    };
    const ScheduleTiming t = simulate_schedule(o, costs);
    std::map<std::tuple<int, int, int>, double> forward_end;  // (mb, stage, dir) -> end
    for (int r = 0; r < o.ranks; ++r) {
      ASSERT_EQ(t.spans[r].size(), o.per_rank[r].size());
      double prev_end = 0, busy = 0;
      for (const ChunkSpan& s : t.spans[r]) {
        EXPECT_GE(s.start_s, prev_end);
        EXPECT_DOUBLE_EQ(s.end_s - s.start_s, costs.chunk_time_s(s.chunk));
        prev_end = s.end_s;
        busy += s.end_s - s.start_s;
        if (s.chunk.kind == ChunkKind::kF || s.chunk.kind == ChunkKind::kFB)
          forward_end[{s.chunk.micro_batch, s.chunk.stage, s.chunk.direction}] = s.end_s;
      }
      EXPECT_DOUBLE_EQ(busy, t.ranks[r].busy_s);
      EXPECT_DOUBLE_EQ(t.ranks[r].idle_s, t.makespan_s - busy);
    }
    for (int r = 0; r < o.ranks; ++r)
      for (const ChunkSpan& s : t.spans[r]) {
        if (s.chunk.kind != ChunkKind::kF && s.chunk.kind != ChunkKind::kFB) continue;
        if (s.chunk.stage == 0) continue;
        const int prev = s.chunk.stage - 1;
        const bool crosses = o.stage_rank[s.chunk.direction][prev] != r;
        EXPECT_GE(s.start_s, forward_end.at({s.chunk.micro_batch, prev, s.chunk.direction}) + (crosses ? c.p2p_s : 0))
            << to_string(cs.kind) << " " << to_string(s.chunk);
      }
  }
}

TEST(ScheduleTiming, RejectsBadCosts) {
  ChunkCosts c = unit_costs();
  c.w_s = 6;  // more than the full backward
  EXPECT_THROW(simulate_schedule(build_schedule(PipelineSchedule::k1F1B, 2, 4), c), Error);
  c = unit_costs();
  c.f_s = -1;
  EXPECT_THROW(simulate_schedule(build_schedule(PipelineSchedule::k1F1B, 2, 4), c), Error);
}

}  // namespace
}  // namespace moeplan
