// Closed-form pipeline step time over stage costs (see analytic_step.h).
#include "sim/train/analytic_step.h"

#include <algorithm>

#include "sim/train/chunk_pieces.h"
#include "sim/train/step_stats.h"

namespace moeplan {
namespace {

bool overlaps_comm(const ParallelPlan& p) {
  // DualPipe overlaps one chunk's all-to-all with another chunk's compute (DeepSeek-V3 §3.2.1), and so do
  // 1F1B / interleaved with EP overlap in their steady state; otherwise a chunk's communication runs between
  // its own computations.
  return p.schedule == PipelineSchedule::kDualPipe || p.schedule == PipelineSchedule::kDualPipeV || p.ep_overlap;
}

// ZeRO-3 gathers of one pass, prefetched one parameter group ahead (chunk_pieces.h): the first group's
// gather is exposed, the others hide under the compute of the groups before them.
double exposed_gather_s(const ChunkCost& c, double compute_s) {
  if (c.param_gather_s.empty()) return 0;
  const double first = c.param_gather_s.front();
  const double groups = static_cast<double>(c.param_gather_s.size());
  const double hiding = compute_s * (groups - 1) / groups;
  return first + std::max(0.0, c.param_gather_total_s() - first - hiding);
}

// An F&B pair for one chunk (DualPipe, or 1F1B with EP overlap): compute of a forward and a backward chunk
// on the SMs the communication kernels leave, their all-to-all (and ZeRO-3 gathers) underneath. The pair
// takes at least the longest of: all its compute, all its communication, and each half alone, since a
// half's own compute and communication alternate and cannot overlap each other (each layer's experts wait
// for its dispatch, the next layer for its combine).
double pair_time_s(const ChunkCost& c, double sm_fraction) {
  const double gathers = c.param_gather_total_s();
  // The pair's compute runs on the SMs its communication leaves for the whole pair (pair_compute_scale).
  const double scale = pair_compute_scale(c, c, sm_fraction);
  const double forward_half = c.f_s * scale + c.f_comm_s + gathers;
  const double backward_half = (c.b_s + c.w_s) * scale + c.b_comm_s + gathers;
  return std::max({(c.f_s + c.b_s + c.w_s) * scale, c.f_comm_s + c.b_comm_s + 2 * gathers, forward_half,
                   backward_half});
}

double forward_alone_s(const ChunkCost& c) { return c.f_s + c.f_comm_s + exposed_gather_s(c, c.f_s); }
double backward_alone_s(const ChunkCost& c) { return c.b_s + c.w_s + c.b_comm_s + exposed_gather_s(c, c.b_s); }

}  // namespace

ChunkTimes chunk_times(const StageCosts& costs, const ParallelPlan& plan, int rank) {
  const RankCosts& rc = costs.ranks.at(rank);
  ChunkTimes t;
  for (const ChunkCost& c : rc.chunks) {
    ChunkTimes ct;
    // Alone (warm-up, cool-down, or a schedule without overlap) nothing hides a chunk's communication.
    ct.f = forward_alone_s(c);
    ct.b = backward_alone_s(c);
    ct.w = c.w_s;
    ct.fb = overlaps_comm(plan) ? pair_time_s(c, costs.sm_fraction_during_comm) : ct.f + ct.b;
    t.f = std::max(t.f, ct.f);
    t.b = std::max(t.b, ct.b);
    t.w = std::max(t.w, ct.w);
    t.fb = std::max(t.fb, ct.fb);
  }
  return t;
}

StepResult analytic_step(const StageCosts& costs, const ParallelPlan& plan, double peak_bf16_flops, int n_gpus) {
  const int pp = plan.pp;
  const double m = costs.micro_batches;
  const double send = costs.pp_send_s;

  // The slowest rank sets the steady-state pace; the bubble uses its chunk times.
  ChunkTimes worst;
  double worst_work = 0;
  std::vector<double> work(pp, 0.0);
  for (int rank = 0; rank < pp; ++rank) {
    const ChunkTimes t = chunk_times(costs, plan, rank);
    const RankCosts& rc = costs.ranks[rank];
    double w = 0;
    switch (plan.schedule) {
      case PipelineSchedule::kDualPipe:
      case PipelineSchedule::kDualPipeV: {
        // DualPipe: each of the rank's two chunks serves the half of the micro-batches fed from its end.
        // DualPipeV: both chunks (two stages of the V) serve every micro-batch. F&B pairs cover the work.
        const double mb_per_chunk = micro_batches_per_chunk(plan, costs.micro_batches);
        for (const ChunkCost& c : rc.chunks) w += mb_per_chunk * pair_time_s(c, costs.sm_fraction_during_comm);
        break;
      }
      default: {
        // With EP overlap the steady state runs F&B pairs; the pp warm-up forwards and cool-down backwards
        // of each chunk's first and last micro-batches are the bubble's, so pairs cover all m here.
        double per_mb = 0;
        for (const ChunkCost& c : rc.chunks)
          per_mb += plan.ep_overlap ? pair_time_s(c, costs.sm_fraction_during_comm)
                                    : forward_alone_s(c) + backward_alone_s(c);
        w = m * per_mb;
      }
    }
    work[rank] = w;
    if (w >= worst_work) {
      worst_work = w;
      worst = t;
    }
  }

  double bubble = 0;
  switch (plan.schedule) {
    case PipelineSchedule::kGpipe:
    case PipelineSchedule::k1F1B: bubble = (pp - 1) * (worst.f + worst.b + 2 * send); break;
    case PipelineSchedule::kZbH1: bubble = (pp - 1) * (worst.f + worst.b - 2 * worst.w + 2 * send); break;
    case PipelineSchedule::kInterleaved1F1B: bubble = (pp - 1) * (worst.f + worst.b + 2 * send) / plan.virtual_stages; break;
    // DualPipe README: (PP/2 - 1)(F&B + B - 3W) with PP the pipeline stages. DualPipe has pp stages on pp ranks;
    // DualPipeV folds 2 x pp stages onto pp ranks (each rank holds both legs of the V), so its PP is 2 x pp.
    case PipelineSchedule::kDualPipe:
      bubble = (pp / 2.0 - 1) * (worst.fb + worst.b - 3 * worst.w + 2 * send);
      break;
    case PipelineSchedule::kDualPipeV:
      bubble = (pp - 1.0) * (worst.fb + worst.b - 3 * worst.w + 2 * send);
      break;
  }
  bubble = std::max(0.0, bubble);
  const double pipeline_s = worst_work + bubble;

  // Step end: gradient reduce-scatter overlaps the rank's last backward chunk, the parameter all-gather the
  // next step's first forward chunk; the optimizer update runs alone.
  double tail = 0;
  for (int rank = 0; rank < pp; ++rank) {
    const RankCosts& rc = costs.ranks[rank];
    const ChunkTimes t = chunk_times(costs, plan, rank);
    const double exposed = std::max(0.0, rc.dp_reduce_scatter_s - (costs.dp_overlap ? t.b : 0.0)) +
                           std::max(0.0, rc.dp_all_gather_s - (costs.param_gather_overlap ? t.f : 0.0));
    tail = std::max(tail, exposed + rc.optimizer_s);
  }

  StepResult r = step_totals("analytic", costs, pipeline_s + tail, n_gpus, peak_bf16_flops);
  r.bubble_fraction = r.time_s > 0 ? bubble / r.time_s : 0;
  double exposed_comm = 0;
  for (int rank = 0; rank < pp; ++rank) {
    StageStats st;
    st.stage = rank;
    const RankCosts& rc = costs.ranks[rank];
    double compute = 0, comm = 0;
    for (const ChunkCost& c : rc.chunks) {
      compute += c.f_s + c.b_s + c.w_s;
      comm += forward_alone_s(c) - c.f_s + backward_alone_s(c) - c.b_s - c.w_s;
    }
    const double mb_per_chunk = micro_batches_per_chunk(plan, costs.micro_batches);
    st.busy_s = compute * mb_per_chunk + rc.optimizer_s;
    const double exposed = overlaps_comm(plan)
        ? std::max(0.0, work[rank] - compute * mb_per_chunk / costs.sm_fraction_during_comm)
        : comm * mb_per_chunk;
    st.exposed_comm_s = exposed;
    st.idle_s = std::max(0.0, r.time_s - st.busy_s - exposed);
    exposed_comm = std::max(exposed_comm, exposed);
    r.stages.push_back(st);
  }
  r.exposed_comm_s = exposed_comm;
  return r;
}

}  // namespace moeplan
