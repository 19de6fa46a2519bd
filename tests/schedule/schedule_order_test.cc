// Pipeline orders: exact chunk lists for small cases worked out by hand, completeness of every schedule,
// stage placement, and the user errors for impossible DualPipe / interleaved shapes.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "sim/schedule/build_schedule.h"
#include "sim/schedule/schedule_timing.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

TEST(ScheduleOrder, OneFOneBRankOneOfFour) {
  // pp = 4: rank 1 warms up with pp-1-1 = 2 forwards, then alternates, then drains.
  const PipelineOrder o = build_schedule(PipelineSchedule::k1F1B, 4, 6);
  EXPECT_EQ(describe_rank(o, 1),
            "F0@s1 F1@s1 F2@s1 BW0@s1 F3@s1 BW1@s1 F4@s1 BW2@s1 F5@s1 BW3@s1 BW4@s1 BW5@s1");
  EXPECT_EQ(describe_rank(o, 3), "F0@s3 BW0@s3 F1@s3 BW1@s3 F2@s3 BW2@s3 F3@s3 BW3@s3 F4@s3 BW4@s3 F5@s3 BW5@s3");
}

TEST(ScheduleOrder, EpOverlapPairsSteadyStateForwardsWithBackwards) {
  // Megatron's EP overlap: each steady-state forward runs with the neighbouring backward of another
  // micro-batch; the last stage, which runs F_i B_i, pairs F_{i+1} with B_i. Warm-up and drain stay alone.
  PipelineOrder o = build_schedule(PipelineSchedule::k1F1B, 4, 6);
  EXPECT_EQ(pair_steady_state(o), 3 + 4 + 5 + 5);
  EXPECT_EQ(describe_rank(o, 1),
            "F0@s1 F1@s1 F2@s1+B0@s1 F3@s1+B1@s1 F4@s1+B2@s1 F5@s1+B3@s1 BW4@s1 BW5@s1");
  EXPECT_EQ(describe_rank(o, 3), "F0@s3 F1@s3+B0@s3 F2@s3+B1@s3 F3@s3+B2@s3 F4@s3+B3@s3 F5@s3+B4@s3 BW5@s3");
  // Interleaved orders pair the same way and stay complete (pair_steady_state validates).
  PipelineOrder v = build_schedule(PipelineSchedule::kInterleaved1F1B, 4, 8, 2);
  EXPECT_GT(pair_steady_state(v), 0);
  // A plan without EP overlap keeps the schedule as built.
  ParallelPlan plan;
  plan.pp = 4;
  plan.schedule = PipelineSchedule::k1F1B;
  EXPECT_EQ(describe_rank(plan_order(plan, 6), 3), describe_rank(build_schedule(PipelineSchedule::k1F1B, 4, 6), 3));
  plan.ep_overlap = true;
  EXPECT_EQ(describe_rank(plan_order(plan, 6), 3), describe_rank(o, 3));
}

TEST(ScheduleOrder, ZbH1DefersWeightGradientsOnLaterRanks) {
  const PipelineOrder o = build_schedule(PipelineSchedule::kZbH1, 4, 6);
  // Rank 0 keeps no W pending: B then W right away, same F/B order as 1F1B.
  EXPECT_EQ(describe_rank(o, 0),
            "F0@s0 F1@s0 F2@s0 F3@s0 B0@s0 W0@s0 F4@s0 B1@s0 W1@s0 F5@s0 B2@s0 W2@s0 B3@s0 W3@s0 B4@s0 W4@s0 "
            "B5@s0 W5@s0");
  // Rank 3 (last) keeps 3 W's pending; they fill its tail.
  EXPECT_EQ(describe_rank(o, 3),
            "F0@s3 B0@s3 F1@s3 B1@s3 F2@s3 B2@s3 F3@s3 B3@s3 W0@s3 F4@s3 B4@s3 W1@s3 F5@s3 B5@s3 W2@s3 W3@s3 "
            "W4@s3 W5@s3");
}

TEST(ScheduleOrder, DualPipeRankZeroOfFour) {
  // pp = 4, 8 micro-batches: direction 0 runs 0..3 on stage 0 of rank 0, direction 1 runs 4..7 and rank 0
  // hosts its last stage 3 ("'" marks direction 1). Phases (dualpipe_schedule.cc) with H = 2, h = 0, C = 4:
  // 2 near F; 1 x (near F, far F); 1 x (far B, W, far F); 1 x two overlapped pairs; 1 x (far BW, pair);
  // 1 x (far BW, near B deferred); 1 x (W, near B); 1 W.
  const PipelineOrder o = build_schedule(PipelineSchedule::kDualPipe, 4, 8);
  EXPECT_EQ(describe_rank(o, 0),
            "F0@s0 F1@s0 F2@s0 F4@s3' B4@s3' W4@s3' F5@s3' F3@s0+B5@s3' F6@s3'+B0@s0 BW6@s3' F7@s3'+B1@s0 "
            "BW7@s3' B2@s0 W2@s0 B3@s0 W3@s0");
  // Rank 3 mirrors rank 0 with the directions swapped.
  EXPECT_EQ(describe_rank(o, 3),
            "F4@s0' F5@s0' F6@s0' F0@s3 B0@s3 W0@s3 F1@s3 F7@s0'+B1@s3 F2@s3+B4@s0' BW2@s3 F3@s3+B5@s0' "
            "BW3@s3 B6@s0' W6@s0' B7@s0' W7@s0'");
}

TEST(ScheduleOrder, DualPipeStagePlacement) {
  // DeepSeek-V3 §3.2.1 / Figure 5: rank i hosts stage i of one direction and stage PP-1-i of the other.
  const PipelineOrder o = build_schedule(PipelineSchedule::kDualPipe, 8, 20);
  ASSERT_EQ(o.directions, 2);
  ASSERT_EQ(o.stages, 8);
  for (int r = 0; r < 8; ++r) {
    EXPECT_EQ(o.stage_rank[0][r], r);
    EXPECT_EQ(o.stage_rank[1][7 - r], r);
    EXPECT_EQ(o.stages_per_rank(), 2);
  }
}

TEST(ScheduleOrder, DualPipeVIsAVOverTwiceTheStages) {
  // Convention: pp ranks run 2*pp stages; rank r holds stages r and 2pp-1-r, so rank 0 holds the first and
  // last stage (embedding and output head together, DeepSeek-V3 §3.2.3).
  const PipelineOrder o = build_schedule(PipelineSchedule::kDualPipeV, 4, 10);
  ASSERT_EQ(o.stages, 8);
  ASSERT_EQ(o.directions, 1);
  const int expected_rank[8] = {0, 1, 2, 3, 3, 2, 1, 0};
  for (int s = 0; s < 8; ++s) EXPECT_EQ(o.stage_rank[0][s], expected_rank[s]) << "stage " << s;
  EXPECT_EQ(schedule_stage_count(PipelineSchedule::kDualPipeV, 4), 8);
}

TEST(ScheduleOrder, InterleavedPlacesChunksRoundRobin) {
  const PipelineOrder o = build_schedule(PipelineSchedule::kInterleaved1F1B, 4, 8, 2);
  ASSERT_EQ(o.stages, 8);
  for (int s = 0; s < 8; ++s) EXPECT_EQ(o.stage_rank[0][s], s % 4);
  // Rank 0 first runs micro-batches 0..3 through chunk 0 (stage 0), then 0..3 through chunk 1 (stage 4).
  const std::string rank0 = describe_rank(o, 0);
  EXPECT_EQ(rank0.substr(0, 47), "F0@s0 F1@s0 F2@s0 F3@s0 F0@s4 F1@s4 F2@s4 F3@s4");
}

TEST(ScheduleOrder, EveryScheduleIsCompleteForManyShapes) {
  // build_schedule runs validate_order; this sweeps shapes and counts chunks: each (micro-batch, stage)
  // contributes one forward and one backward, and W's only where the backward is split.
  for (int pp : {1, 2, 3, 4, 6, 8, 16}) {
    for (int m : {1, 2, 5, 8, 20, 32, 48}) {
      for (PipelineSchedule k : {PipelineSchedule::kGpipe, PipelineSchedule::k1F1B, PipelineSchedule::kZbH1}) {
        const PipelineOrder o = build_schedule(k, pp, m);
        for (int r = 0; r < pp; ++r) {
          const size_t per_rank = o.per_rank[r].size();
          EXPECT_EQ(per_rank, static_cast<size_t>(k == PipelineSchedule::kZbH1 ? 3 * m : 2 * m));
        }
      }
      if (m >= pp) build_schedule(PipelineSchedule::kInterleaved1F1B, pp, m, 3);
      if (pp % 2 == 0 && m % 2 == 0 && m >= 2 * pp) build_schedule(PipelineSchedule::kDualPipe, pp, m);
      if (m >= 2 * pp) build_schedule(PipelineSchedule::kDualPipeV, pp, m);
    }
  }
}

// Each rank's list, checked directly: every (micro-batch, stage) the rank hosts appears exactly once as a
// forward and once as a backward (full, or input-gradient plus weight-gradient), the forward first.
void expect_each_chunk_once_forward_first(const PipelineOrder& o) {
  for (int r = 0; r < o.ranks; ++r) {
    std::map<std::pair<int, int>, int> forward_at, backward_at;  // (micro-batch, stage) -> position
    const auto& list = o.per_rank[static_cast<size_t>(r)];
    for (int i = 0; i < static_cast<int>(list.size()); ++i) {
      const Chunk& c = list[static_cast<size_t>(i)];
      const bool forward = c.kind == ChunkKind::kF || c.kind == ChunkKind::kFB;
      const bool backward = c.kind == ChunkKind::kBW || c.kind == ChunkKind::kB;
      const bool f_new = !forward || forward_at.emplace(std::pair{c.micro_batch, c.stage}, i).second;
      const bool b_new = !backward || backward_at.emplace(std::pair{c.micro_batch, c.stage}, i).second;
      const bool pair_new =
          c.kind != ChunkKind::kFB || backward_at.emplace(std::pair{c.micro_batch2, c.stage2}, i).second;
      EXPECT_TRUE(f_new && b_new && pair_new) << "rank " << r << " repeats " << to_string(c);
    }
    const size_t chunks = o.rank_stages[static_cast<size_t>(r)].size();
    EXPECT_EQ(forward_at.size(), chunks * static_cast<size_t>(o.micro_batches)) << "rank " << r;
    EXPECT_EQ(backward_at.size(), forward_at.size()) << "rank " << r;
    for (const auto& [key, at] : backward_at) {
      ASSERT_TRUE(forward_at.count(key)) << "rank " << r;
      EXPECT_LT(forward_at.at(key), at) << "rank " << r << " micro-batch " << key.first << " stage " << key.second;
    }
  }
}

TEST(ScheduleOrder, MicroBatchCountsNotAMultipleOfPp) {
  // Megatron runs 1F1B with any number of micro-batches and interleaved 1F1B with any number >= pp
  // (Megatron-Core schedules.py: micro-batch groups of size n, pp <= n <= M, M mod n = 0 or >= pp).
  // 7 micro-batches on 4 ranks: every order is complete, forward before backward, and runs without deadlock.
  ChunkCosts unit;
  unit.f_s = 1;
  unit.b_s = 2;
  unit.w_s = 1;
  unit.fb_s = 2.5;
  unit.p2p_s = 0.1;
  for (int m : {7, 9, 10, 13, 1, 2, 3}) {
    for (PipelineSchedule k : {PipelineSchedule::k1F1B, PipelineSchedule::kZbH1, PipelineSchedule::kGpipe}) {
      const PipelineOrder o = build_schedule(k, 4, m);
      expect_each_chunk_once_forward_first(o);
      EXPECT_GT(simulate_schedule(o, unit).makespan_s, 0.0);
    }
    if (m < 4) continue;
    for (int v : {2, 3}) {
      PipelineOrder o = build_schedule(PipelineSchedule::kInterleaved1F1B, 4, m, v);
      expect_each_chunk_once_forward_first(o);
      const ScheduleTiming t = simulate_schedule(o, unit);
      // Every rank does the same work, so the bubble is what the schedule adds to it.
      EXPECT_NEAR(t.ranks[0].busy_s, m * v * (unit.f_s + unit.b_s), 1e-9);
      std::printf("interleaved pp 4, v %d, %2d micro-batches (groups of %d): bubble %.2f of %.2f\n", v, m,
                  interleaved_group_size(4, m), t.bubble_s, t.makespan_s);
      pair_steady_state(o);  // EP overlap pairs stay complete as well
      expect_each_chunk_once_forward_first(o);
      simulate_schedule(o, unit);
    }
  }
  // Megatron-Core's group sizes: pp when pp divides M, else the smallest n >= pp leaving 0 or >= pp over.
  EXPECT_EQ(interleaved_group_size(4, 8), 4);
  EXPECT_EQ(interleaved_group_size(4, 7), 7);    // 7 mod 5 = 2, 7 mod 6 = 1: one group of 7
  EXPECT_EQ(interleaved_group_size(4, 9), 5);    // groups 0-4 and 5-8
  EXPECT_EQ(interleaved_group_size(4, 13), 7);   // 13 mod 4, 5, 6 = 1, 3, 1: groups 0-6 and 7-12
  // The table for 7 on 4 ranks with 2 chunks: 0..6 through chunk 0, then 0..6 through chunk 1.
  const PipelineOrder seven = build_schedule(PipelineSchedule::kInterleaved1F1B, 4, 7, 2);
  EXPECT_EQ(describe_rank(seven, 0).substr(0, 83),
            "F0@s0 F1@s0 F2@s0 F3@s0 F4@s0 F5@s0 F6@s0 F0@s4 F1@s4 F2@s4 F3@s4 F4@s4 F5@s4 F6@s4");
}

// Runs `f`, expects a user Error and returns it.
template <typename F>
Error user_error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    return e;
  }
  ADD_FAILURE() << "no error thrown";
  return Error(ErrorKind::kInternal, "none");
}

TEST(ScheduleOrder, DualPipeRejectsOddStagesAndMicroBatches) {
  // DualPipe README: "PP denotes the number of pp stages (even)"; micro-batches divisible by 2
  // (published-numbers.md §1.6, §3).
  Error e = user_error_of([] { build_schedule(PipelineSchedule::kDualPipe, 5, 20); });
  EXPECT_EQ(e.message(), "DualPipe needs an even number of pipeline stages, got 5");
  EXPECT_EQ(e.context().key_path, "parallel.pp");

  e = user_error_of([] { build_schedule(PipelineSchedule::kDualPipe, 4, 21); });
  EXPECT_EQ(e.message(), "DualPipe needs an even number of micro-batches, got 21");
  EXPECT_EQ(e.context().key_path, "parallel.micro_batch");

  e = user_error_of([] { build_schedule(PipelineSchedule::kDualPipe, 16, 20); });
  EXPECT_EQ(e.message(), "DualPipe needs at least 2 x pp = 32 micro-batches per step, got 20");
  EXPECT_EQ(e.context().key_path, "parallel.micro_batch");

  e = user_error_of([] { build_schedule(PipelineSchedule::kDualPipeV, 4, 7); });
  EXPECT_EQ(e.message(), "DualPipeV needs at least 2 x pp = 8 micro-batches per step (one per stage), got 7");
  // DualPipeV has no parity rule: an odd count above the minimum builds.
  EXPECT_EQ(build_schedule(PipelineSchedule::kDualPipeV, 4, 9).micro_batches, 9);
}

TEST(ScheduleOrder, OtherBadShapes) {
  Error e = user_error_of([] { build_schedule(PipelineSchedule::k1F1B, 0, 8); });
  EXPECT_EQ(e.context().key_path, "parallel.pp");
  e = user_error_of([] { build_schedule(PipelineSchedule::k1F1B, 4, 0); });
  EXPECT_EQ(e.context().key_path, "parallel.micro_batch");
  e = user_error_of([] { build_schedule(PipelineSchedule::k1F1B, 4, 8, 2); });
  EXPECT_EQ(e.message(), "virtual stages need the interleaved schedule, got 2 with 1f1b");
  EXPECT_EQ(e.context().key_path, "parallel.virtual_stages");
  e = user_error_of([] { build_schedule(PipelineSchedule::kInterleaved1F1B, 4, 3, 2); });
  EXPECT_EQ(e.message(), "interleaved 1F1B needs at least pp = 4 micro-batches per step, got 3");
  EXPECT_EQ(e.context().key_path, "parallel.micro_batch");
}

TEST(ScheduleOrder, ValidateOrderCatchesABrokenList) {
  PipelineOrder o = build_schedule(PipelineSchedule::k1F1B, 2, 2);
  o.per_rank[1].pop_back();  // drop the last backward of rank 1
  try {
    validate_order(o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
  }
}

}  // namespace
}  // namespace moeplan
