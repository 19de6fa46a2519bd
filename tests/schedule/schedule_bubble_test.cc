// Pipeline bubbles from simulate_schedule against the closed forms of DeepSeek-V3 Table 2 and the DualPipe
// README (published-numbers.md §1.6 and §3):
//   1F1B      (PP-1)(F+B)
//   ZB1P      (PP-1)(F+B-2W)
//   DualPipe  (PP/2-1)(F&B+B-3W)
//   DualPipeV (PP/2-1)(F&B+B-3W) with PP = number of stages (our 2*pp stages on pp ranks)
// plus GPipe (PP-1)(F+B) and Megatron's interleaved 1F1B (PP-1)(F+B)/v (Narayanan et al. 2021 §2.2).
//
// How "bubble" is measured so the formulas hold: per rank, idle time within the step = makespan minus the
// sum of that rank's chunk times; ScheduleTiming::bubble_s is the largest of these. For GPipe, 1F1B, ZB-H1
// and interleaved every rank has the same work and the same idle time. DualPipe ranks differ (ranks near
// the ends run fewer overlapped pairs); the formula is the idle time of the middle ranks, the largest.
// F = forward chunk, B = full backward chunk, W = its weight-gradient part (so a split input-gradient
// chunk costs B-W), F&B = an overlapped forward+backward pair. p2p = 0. All costs are small integers so the
// sums are exact in floating point and the comparisons are exact.
//
// The DualPipe/DualPipeV formula is read off the README's schedule figure, in which a forward chunk and an
// input-gradient chunk take the same time: it is exact when F = B - W. The costs below keep that and are
// otherwise all distinct. With F < B - W the real order idles slightly less than the formula; that case is
// tested separately (bound and independence from the micro-batch count).
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "sim/schedule/build_schedule.h"
#include "sim/schedule/schedule_timing.h"

namespace moeplan {
namespace {

ChunkCosts costs(double f, double b, double w, double fb) {
  ChunkCosts c;
  c.f_s = f;
  c.b_s = b;
  c.w_s = w;
  c.fb_s = fb;
  return c;
}

// F = 3, B = 5, W = 2 (B - W = 3 = F), F&B = 7 < F + B; and a second distinct set.
const std::vector<ChunkCosts> kFormulaCosts = {costs(3, 5, 2, 7), costs(4, 7, 3, 9)};

double bubble(PipelineSchedule kind, int pp, int m, const ChunkCosts& c, int v = 1) {
  return simulate_schedule(build_schedule(kind, pp, m, v), c).bubble_s;
}

TEST(ScheduleBubble, OneFOneBAndGpipe) {
  // (PP-1)(F+B) for any F, B: includes the brief's F=2, B=4.
  std::vector<ChunkCosts> all = kFormulaCosts;
  all.push_back(costs(2, 4, 1, 5));
  for (const ChunkCosts& c : all)
    for (int pp : {4, 8, 16})
      for (int m : {2 * pp, 20, 3 * pp}) {
        const double expected = (pp - 1) * (c.f_s + c.b_s);
        EXPECT_DOUBLE_EQ(bubble(PipelineSchedule::k1F1B, pp, m, c), expected) << "pp " << pp << " m " << m;
        EXPECT_DOUBLE_EQ(bubble(PipelineSchedule::kGpipe, pp, m, c), expected) << "pp " << pp << " m " << m;
      }
}

TEST(ScheduleBubble, ZbH1MatchesZb1p) {
  // (PP-1)(F+B-2W), given W <= B-W (the deferred W's must fit in the tail they fill).
  std::vector<ChunkCosts> all = kFormulaCosts;
  all.push_back(costs(2, 4, 1, 5));  // F != B-W: the ZB-H1 form holds regardless
  for (const ChunkCosts& c : all)
    for (int pp : {4, 8, 16})
      for (int m : {2 * pp, 20, 3 * pp}) {
        const double expected = (pp - 1) * (c.f_s + c.b_s - 2 * c.w_s);
        EXPECT_DOUBLE_EQ(bubble(PipelineSchedule::kZbH1, pp, m, c), expected) << "pp " << pp << " m " << m;
      }
}

TEST(ScheduleBubble, DualPipe) {
  for (const ChunkCosts& c : kFormulaCosts)
    for (int pp : {4, 8, 16})
      for (int m : {2 * pp, 20, 3 * pp, 2 * pp + 6}) {
        if (m < 2 * pp) continue;  // 20 micro-batches is below the minimum 2*pp for pp = 16
        const double expected = (pp / 2 - 1) * (c.fb_s + c.b_s - 3 * c.w_s);
        const double got = bubble(PipelineSchedule::kDualPipe, pp, m, c);
        EXPECT_DOUBLE_EQ(got, expected) << "pp " << pp << " m " << m;
      }
}

TEST(ScheduleBubble, DualPipeV) {
  // README row DualPipeV: same bubble as DualPipe at the same number of stages PP, on PP/2 devices.
  for (const ChunkCosts& c : kFormulaCosts)
    for (int stages : {4, 8, 16}) {
      const int ranks = stages / 2;
      for (int m : {stages, 20, 3 * stages / 2 + 1}) {
        if (m < stages) continue;
        const double expected = (stages / 2 - 1) * (c.fb_s + c.b_s - 3 * c.w_s);
        EXPECT_DOUBLE_EQ(bubble(PipelineSchedule::kDualPipeV, ranks, m, c), expected)
            << "stages " << stages << " m " << m;
      }
    }
}

TEST(ScheduleBubble, DeepSeekV3FigureFiveShape) {
  // Figure 5 of DeepSeek-V3: 8 PP ranks and 20 micro-batches in two directions.
  const ChunkCosts c = costs(3, 5, 2, 7);
  const ScheduleTiming t = simulate_schedule(build_schedule(PipelineSchedule::kDualPipe, 8, 20), c);
  const double expected = 3 * (7 + 5 - 3 * 2);
  std::printf("DualPipe pp=8 m=20: bubble %.1f (formula %.1f), makespan %.1f\n", t.bubble_s, expected,
              t.makespan_s);
  EXPECT_DOUBLE_EQ(t.bubble_s, expected);
  // Ranks nearer the ends idle less: they run fewer overlapped pairs, so more work per rank.
  EXPECT_LT(t.ranks[0].idle_s, t.ranks[3].idle_s);
  EXPECT_DOUBLE_EQ(t.ranks[3].idle_s, t.ranks[4].idle_s);
}

TEST(ScheduleBubble, DualPipeWhenForwardIsShorterThanInputGradient) {
  // F = 2, B = 4, W = 1 (B-W = 3 > F), F&B = 5: the formula is then an upper bound (the middle ranks wait
  // less for input gradients than the figure assumes), and the bubble still
  // does not grow with the number of micro-batches (DeepSeek-V3 §3.2.1).
  const ChunkCosts c = costs(2, 4, 1, 5);
  for (int pp : {4, 8, 16}) {
    const double formula = (pp / 2 - 1) * (c.fb_s + c.b_s - 3 * c.w_s);
    const double at_min = bubble(PipelineSchedule::kDualPipe, pp, 2 * pp, c);
    EXPECT_LE(at_min, formula);
    EXPECT_GE(at_min, formula - c.f_s);  // the saving is at most one forward chunk
    EXPECT_DOUBLE_EQ(bubble(PipelineSchedule::kDualPipe, pp, 4 * pp, c), at_min);
    EXPECT_DOUBLE_EQ(bubble(PipelineSchedule::kDualPipeV, pp / 2, 3 * pp, c),
                     bubble(PipelineSchedule::kDualPipeV, pp / 2, pp, c));
  }
}

TEST(ScheduleBubble, InterleavedDividesByVirtualStages) {
  // (PP-1)(F+B)/v with F, B the per-rank costs of one micro-batch: each chunk costs F/v and B/v.
  const double f_rank = 6, b_rank = 12;
  for (int v : {2, 3})
    for (int pp : {4, 8, 16})
      for (int m : {pp, 2 * pp, 3 * pp}) {
        const double got = bubble(PipelineSchedule::kInterleaved1F1B, pp, m, costs(f_rank / v, b_rank / v, 0, 0), v);
        EXPECT_DOUBLE_EQ(got, (pp - 1) * (f_rank + b_rank) / v) << "v " << v << " pp " << pp << " m " << m;
      }
}

TEST(ScheduleBubble, P2pLatency) {
  // GPipe streams: the forward chain and the backward chain each cross PP-1 links of latency t, and no rank
  // waits in between, so the bubble is exactly (PP-1)(F+B+2t).
  ChunkCosts c = costs(2, 4, 1, 5);
  c.p2p_s = 0.5;
  for (int pp : {4, 8}) {
    const double gpipe = (pp - 1) * (2 + 4 + 2 * 0.5);
    EXPECT_DOUBLE_EQ(bubble(PipelineSchedule::kGpipe, pp, 3 * pp, c), gpipe);
    // 1F1B issues the next forward only after a backward, so latency is also exposed in the steady state.
    EXPECT_GT(bubble(PipelineSchedule::k1F1B, pp, 3 * pp, c), gpipe);
  }
}

}  // namespace
}  // namespace moeplan
