// simulate_schedule: times a PipelineOrder with given chunk costs, independently of the event engine.
//
// Each rank runs its list strictly in order. A chunk starts when its rank is free and its cross-stage
// inputs are ready: a forward needs the forward of the same micro-batch on the previous stage of its
// direction; a backward (kB, kBW, the backward half of kFB) needs the input gradient of the same micro-batch
// from the next stage (or, on the last stage, its own forward); a kW needs its kB. A dependency that
// crosses ranks adds `p2p_s`. A kFB pair waits for both halves' inputs and produces both outputs at its end.
//
// Memory is counted in (micro-batch, stage) activations: one is allocated when a forward starts and freed
// when its backward-for-input ends; a kB leaves a pending weight-gradient input until its kW, counted
// separately. This is the "Activation" column of DeepSeek-V3 Table 2 / the DualPipe README (PP for 1F1B and
// ZB1P on rank 0, PP+1 for DualPipe), in units of one stage's activations for one micro-batch.
//
// The result keeps every chunk's start and end so Gantt charts and traces can be drawn from it.
#pragma once

#include <functional>
#include <vector>

#include "sim/schedule/pipeline_order.h"

namespace moeplan {

// Chunk times use the DualPipe README's definitions (published-numbers.md §1.6): F = forward chunk,
// B = full backward chunk, W = its backward-for-weights part, F&B = an overlapped forward + backward pair.
struct ChunkCosts {
  double f_s = 0.0;    // kF
  double b_s = 0.0;    // kBW (full backward); a kB costs b_s - w_s
  double w_s = 0.0;    // kW
  double fb_s = 0.0;   // kFB
  double p2p_s = 0.0;  // added to every dependency between different ranks
  // Optional override for non-uniform stages (e.g. the stage holding the output head): when set, it gives
  // the time of every chunk and the uniform values above are ignored (p2p_s still applies).
  std::function<double(const Chunk&)> chunk_time_s;
};

// The time a chunk takes under `costs`.
double chunk_duration_s(const ChunkCosts& costs, const Chunk& chunk);

struct ChunkSpan {
  Chunk chunk;
  double start_s = 0.0;
  double end_s = 0.0;
};

struct RankTiming {
  double busy_s = 0.0;   // sum of the rank's chunk times
  double idle_s = 0.0;   // makespan - busy: the rank's bubble within the step
  double end_s = 0.0;    // when its last chunk ends
  int peak_activations = 0;           // most (micro-batch, stage) activations alive at once
  int peak_pending_weight_grads = 0;  // most kB's waiting for their kW at once
  int stages_held = 0;                // model stages whose parameters the rank holds (1x, 2x, v)
};

struct ScheduleTiming {
  double makespan_s = 0.0;        // first chunk start (0) to last chunk end over all ranks
  double bubble_s = 0.0;          // the largest per-rank idle time = makespan - least busy rank
  double bubble_fraction = 0.0;   // bubble_s / makespan_s
  std::vector<RankTiming> ranks;
  std::vector<std::vector<ChunkSpan>> spans;  // spans[rank][i] times order.per_rank[rank][i]

  int max_peak_activations() const;
};

// Throws a user Error for negative costs or w_s > b_s, and an internal Error if the order deadlocks (a
// chunk waits for work that its rank's own list or another rank only runs later).
ScheduleTiming simulate_schedule(const PipelineOrder& order, const ChunkCosts& costs);

}  // namespace moeplan
