// PipelineOrder: a pipeline schedule written as one ordered list of compute chunks per pipeline rank.
//
// A pipeline schedule decides, for every PP rank, in which order it runs the forward (F), backward and
// weight-gradient work of each (micro-batch, model stage). The order is all a schedule is: the timing
// follows from chunk costs and cross-stage dependencies (schedule_timing.h), and the event engine replays
// the same lists with real per-layer tasks.
//
// Conventions used by every builder (build_schedule.h):
//  - Model stages are numbered 0..stages-1 in the order data flows forward (stage 0 holds the embedding).
//    A micro-batch's F runs stage 0, 1, ..., stages-1; its backward runs the stages in reverse.
//  - `direction` exists for DualPipe, which feeds micro-batches from both ends of the rank line (DeepSeek-V3
//    §3.2.1). Direction 0 enters at rank 0, direction 1 at rank ranks-1; each direction has its own copy of
//    the model, so rank r hosts stage r of direction 0 and stage ranks-1-r of direction 1. All other schedules
//    use direction 0 only.
//  - Micro-batch ids are unique over the whole step (DualPipe: direction 0 has ids 0..M/2-1, direction 1
//    has M/2..M-1), so (micro_batch, stage) names one activation.
//  - Backward work comes in three shapes, following the ZeroBubble split (Qi et al., arXiv:2401.10241) that
//    DualPipe also uses: kBW is a full backward (input and weight gradients, cost B); kB is only the
//    input-gradient part (cost B - W) whose weight-gradient part runs later as a kW chunk (cost W).
//  - kFB is DualPipe's overlapped pair: the forward of one (micro-batch, stage) and the full backward of
//    another, run together on one rank with their communication hidden behind each other's compute
//    (DeepSeek-V3 §3.2.1, Figure 4). The F half uses the primary fields, the backward half the `*2` fields.
#pragma once

#include <string>
#include <vector>

#include "sim/spec/parallel_plan.h"

namespace moeplan {

enum class ChunkKind {
  kF,   // forward of one (micro-batch, stage)
  kB,   // backward for inputs only; its weight gradient is a later kW chunk
  kW,   // backward for weights (deferred part of a kB)
  kFB,  // DualPipe overlapped pair: F of (micro_batch, stage) + full backward of (micro_batch2, stage2)
  kBW,  // full backward: input then weight gradients in one chunk
};

struct Chunk {
  ChunkKind kind = ChunkKind::kF;
  int micro_batch = 0;  // for kFB: the forward half
  int stage = 0;        // model stage computed (global index in flow order)
  int direction = 0;    // 0 or 1 (DualPipe); 0 otherwise
  // Backward half of a kFB pair; -1 for every other kind.
  int micro_batch2 = -1;
  int stage2 = -1;
  int direction2 = -1;
};

struct PipelineOrder {
  PipelineSchedule kind = PipelineSchedule::k1F1B;
  int ranks = 0;          // PP ranks (devices along the pipeline)
  int stages = 0;         // model stages per direction (ranks, ranks*v for interleaved, 2*ranks for DualPipeV)
  int directions = 1;     // 2 for DualPipe, 1 otherwise
  int micro_batches = 0;  // micro-batches per step, all directions together
  // stage_rank[direction][stage]: the rank that hosts that model stage.
  std::vector<std::vector<int>> stage_rank;
  // rank_stages[rank]: the (direction, stage) pairs the rank holds parameters for, as direction*stages+stage.
  std::vector<std::vector<int>> rank_stages;
  // per_rank[rank]: the chunks that rank runs, in order.
  std::vector<std::vector<Chunk>> per_rank;

  // Model stages whose parameters one rank holds: 1 (GPipe, 1F1B, ZB-H1), v (interleaved), 2 (DualPipe and
  // DualPipeV). For DualPipe/DualPipeV this is the README's "Parameter Per Device" column, 2x, in units of one
  // stage (published-numbers.md §3).
  int stages_per_rank() const;
  // Share of one model copy's parameters held by a rank: stages_per_rank / stages. 1/ranks for GPipe, 1F1B,
  // ZB-H1, interleaved and DualPipeV (2 half-size stages); 2/ranks for DualPipe (two model copies).
  double param_share_of_model() const;
};

// Checks that an order is complete and well placed: every (micro-batch, stage, direction) has exactly one
// forward and one backward (kBW, or kB plus a later kW, or the backward half of a kFB) on the rank that hosts
// that stage, and each rank runs a forward before the matching backward and a kB before its kW. Throws an
// internal Error naming the first violation. Builders call it; tests call it too.
void validate_order(const PipelineOrder& order);

const char* to_string(ChunkKind kind);
// "F3@s1", "B3@s1", "W3@s1", "BW3@s1", "F3@s1+B7@s2"; a trailing "'" marks direction 1 ("F3@s1'").
std::string to_string(const Chunk& chunk);
// One rank's list as space-separated chunk names, for messages and debugging.
std::string describe_rank(const PipelineOrder& order, int rank);

}  // namespace moeplan
