// List-scheduling executor for PipelineOrder: ranks run their lists in order, chunks wait for their
// cross-stage inputs. See schedule_timing.h for the dependency and memory rules.
#include "sim/schedule/schedule_timing.h"

#include <algorithm>
#include <string>
#include <vector>

#include "sim/units/error.h"

namespace moeplan {
namespace {

constexpr double kNotDone = -1.0;

// End times of forwards and backward-for-input per (direction, stage, micro-batch).
class Progress {
 public:
  explicit Progress(const PipelineOrder& o)
      : o_(o),
        forward_end_(static_cast<size_t>(o.directions) * o.stages * o.micro_batches, kNotDone),
        input_grad_end_(forward_end_.size(), kNotDone) {}

  double& forward_end(int mb, int stage, int dir) { return forward_end_[index(mb, stage, dir)]; }
  double& input_grad_end(int mb, int stage, int dir) { return input_grad_end_[index(mb, stage, dir)]; }

  // Time a dependency produced on (from_stage) becomes usable on (to_stage): + p2p when ranks differ.
  double arrive(double end_s, int from_stage, int to_stage, int dir, double p2p_s) const {
    const auto& row = o_.stage_rank[static_cast<size_t>(dir)];
    return row[static_cast<size_t>(from_stage)] == row[static_cast<size_t>(to_stage)] ? end_s : end_s + p2p_s;
  }

 private:
  size_t index(int mb, int stage, int dir) const {
    return (static_cast<size_t>(dir) * o_.stages + stage) * o_.micro_batches + mb;
  }
  const PipelineOrder& o_;
  std::vector<double> forward_end_;
  std::vector<double> input_grad_end_;
};

// Earliest start allowed by the inputs of a forward; kNotDone while an input is missing.
double forward_ready(Progress& p, int mb, int stage, int dir, double p2p_s) {
  if (stage == 0) return 0.0;
  const double prev = p.forward_end(mb, stage - 1, dir);
  return prev == kNotDone ? kNotDone : p.arrive(prev, stage - 1, stage, dir, p2p_s);
}

// Earliest start of a backward-for-input: own forward done and, except on the last stage, the next stage's
// input gradient received.
double backward_ready(Progress& p, const PipelineOrder& o, int mb, int stage, int dir, double p2p_s) {
  const double own = p.forward_end(mb, stage, dir);
  if (own == kNotDone) return kNotDone;
  if (stage == o.stages - 1) return own;
  const double next = p.input_grad_end(mb, stage + 1, dir);
  return next == kNotDone ? kNotDone : std::max(own, p.arrive(next, stage + 1, stage, dir, p2p_s));
}

void check_costs(const ChunkCosts& c) {
  if (c.chunk_time_s) {
    if (c.p2p_s < 0) throw_user_error("p2p time must be >= 0", ErrorContext{.key_path = "pipeline.chunk_costs"});
    return;
  }
  if (c.f_s < 0 || c.b_s < 0 || c.w_s < 0 || c.fb_s < 0 || c.p2p_s < 0)
    throw_user_error("chunk times must be >= 0", ErrorContext{.key_path = "pipeline.chunk_costs"});
  if (c.w_s > c.b_s)
    throw_user_error("the weight-gradient part W (" + std::to_string(c.w_s) + " s) exceeds the full backward B (" +
                         std::to_string(c.b_s) + " s)",
                     ErrorContext{.key_path = "pipeline.chunk_costs", .expected = "0 <= W <= B"});
}

}  // namespace

double chunk_duration_s(const ChunkCosts& costs, const Chunk& chunk) {
  if (costs.chunk_time_s) return costs.chunk_time_s(chunk);
  switch (chunk.kind) {
    case ChunkKind::kF: return costs.f_s;
    case ChunkKind::kB: return costs.b_s - costs.w_s;
    case ChunkKind::kW: return costs.w_s;
    case ChunkKind::kFB: return costs.fb_s;
    case ChunkKind::kBW: return costs.b_s;
  }
  return 0.0;
}

int ScheduleTiming::max_peak_activations() const {
  int peak = 0;
  for (const RankTiming& r : ranks) peak = std::max(peak, r.peak_activations);
  return peak;
}

ScheduleTiming simulate_schedule(const PipelineOrder& order, const ChunkCosts& costs) {
  check_costs(costs);
  const size_t n_ranks = order.per_rank.size();
  ScheduleTiming out;
  out.ranks.resize(n_ranks);
  out.spans.resize(n_ranks);
  Progress progress(order);
  std::vector<size_t> next(n_ranks, 0);
  std::vector<double> free_at(n_ranks, 0.0);
  const double p2p = costs.p2p_s;

  size_t remaining = 0;
  for (const auto& list : order.per_rank) remaining += list.size();
  // Advance every rank as far as its inputs allow; repeat until done. Start times do not depend on the
  // sweep order (each is max(rank free, inputs ready)), so the result is deterministic.
  while (remaining > 0) {
    bool advanced = false;
    for (size_t r = 0; r < n_ranks; ++r) {
      const auto& list = order.per_rank[r];
      while (next[r] < list.size()) {
        const Chunk& c = list[next[r]];
        double ready = kNotDone;
        switch (c.kind) {
          case ChunkKind::kF: ready = forward_ready(progress, c.micro_batch, c.stage, c.direction, p2p); break;
          case ChunkKind::kB:
          case ChunkKind::kBW:
            ready = backward_ready(progress, order, c.micro_batch, c.stage, c.direction, p2p);
            break;
          case ChunkKind::kW: ready = progress.input_grad_end(c.micro_batch, c.stage, c.direction); break;
          case ChunkKind::kFB: {
            const double f = forward_ready(progress, c.micro_batch, c.stage, c.direction, p2p);
            const double b = backward_ready(progress, order, c.micro_batch2, c.stage2, c.direction2, p2p);
            ready = (f == kNotDone || b == kNotDone) ? kNotDone : std::max(f, b);
            break;
          }
        }
        if (ready == kNotDone) break;
        const double start = std::max(ready, free_at[r]);
        const double dur = chunk_duration_s(costs, c);
        const double end = start + dur;
        free_at[r] = end;
        out.ranks[r].busy_s += dur;
        out.spans[r].push_back(ChunkSpan{c, start, end});
        switch (c.kind) {
          case ChunkKind::kF: progress.forward_end(c.micro_batch, c.stage, c.direction) = end; break;
          case ChunkKind::kB:
          case ChunkKind::kBW: progress.input_grad_end(c.micro_batch, c.stage, c.direction) = end; break;
          case ChunkKind::kW: break;
          case ChunkKind::kFB:
            progress.forward_end(c.micro_batch, c.stage, c.direction) = end;
            progress.input_grad_end(c.micro_batch2, c.stage2, c.direction2) = end;
            break;
        }
        ++next[r];
        --remaining;
        advanced = true;
      }
    }
    if (!advanced) {
      std::string stuck;
      for (size_t r = 0; r < n_ranks; ++r)
        if (next[r] < order.per_rank[r].size())
          stuck += " rank " + std::to_string(r) + " at " + to_string(order.per_rank[r][next[r]]) + ";";
      throw_internal_error(std::string("pipeline order deadlocks (") + to_string(order.kind) + "):" + stuck);
    }
  }

  for (size_t r = 0; r < n_ranks; ++r) {
    RankTiming& rt = out.ranks[r];
    rt.end_s = free_at[r];
    out.makespan_s = std::max(out.makespan_s, rt.end_s);
    rt.stages_held = static_cast<int>(order.rank_stages[r].size());
    // Memory follows the list order, which is also time order on one rank.
    int alive = 0;
    int pending_w = 0;
    for (const Chunk& c : order.per_rank[r]) {
      switch (c.kind) {
        case ChunkKind::kF: ++alive; break;
        case ChunkKind::kB: --alive, ++pending_w; break;
        case ChunkKind::kW: --pending_w; break;
        case ChunkKind::kBW: --alive; break;
        case ChunkKind::kFB: ++alive; break;  // the backward half frees one at the end of the pair
      }
      rt.peak_activations = std::max(rt.peak_activations, alive);
      rt.peak_pending_weight_grads = std::max(rt.peak_pending_weight_grads, pending_w);
      if (c.kind == ChunkKind::kFB) --alive;
    }
  }
  for (RankTiming& rt : out.ranks) {
    rt.idle_s = out.makespan_s - rt.busy_s;
    out.bubble_s = std::max(out.bubble_s, rt.idle_s);
  }
  out.bubble_fraction = out.makespan_s > 0 ? out.bubble_s / out.makespan_s : 0.0;
  return out;
}

}  // namespace moeplan
