// build_schedule: argument checks, the stage-to-rank placement of each schedule, dispatch to the
// builders in linear_schedules.cc and dualpipe_schedule.cc, and the EP-overlap pairing of 1F1B orders.
#include "sim/schedule/build_schedule.h"

#include <string>

#include "sim/schedule/schedule_builders.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

[[noreturn]] void reject(const std::string& key, const std::string& message, const std::string& expected) {
  throw_user_error(message, ErrorContext{.key_path = key, .expected = expected,
                                         .hint = "micro-batches per step = global_batch / (dp x micro_batch)"});
}

void check_arguments(PipelineSchedule kind, int pp, int micro_batches, int v) {
  const std::string name = to_string(kind);
  if (pp < 1) reject("parallel.pp", "pipeline needs at least one rank, got pp = " + std::to_string(pp), "pp >= 1");
  if (micro_batches < 1)
    reject("parallel.micro_batch", "a step needs at least one micro-batch, got " + std::to_string(micro_batches),
           ">= 1 micro-batch per step");
  if (v < 1)
    reject("parallel.virtual_stages", "virtual stages must be >= 1, got " + std::to_string(v), ">= 1");
  if (kind != PipelineSchedule::kInterleaved1F1B && v != 1)
    reject("parallel.virtual_stages", "virtual stages need the interleaved schedule, got " + std::to_string(v) +
                                          " with " + name, "schedule: interleaved");
  if (kind == PipelineSchedule::kInterleaved1F1B && v > 1 && micro_batches < pp)
    // Megatron-Core walks micro-batches through the chunks in groups of at least pp (interleaved_group_size).
    reject("parallel.micro_batch",
           "interleaved 1F1B needs at least pp = " + std::to_string(pp) + " micro-batches per step, got " +
               std::to_string(micro_batches),
           "micro-batches >= pp");
  if (kind == PipelineSchedule::kDualPipe) {
    // DualPipe README: "PP denotes the number of pp stages (even)"; half the micro-batches enter at each end.
    if (pp % 2 != 0)
      reject("parallel.pp", "DualPipe needs an even number of pipeline stages, got " + std::to_string(pp),
             "pp divisible by 2 (DualPipe README)");
    if (micro_batches % 2 != 0)
      reject("parallel.micro_batch", "DualPipe needs an even number of micro-batches, got " +
                                         std::to_string(micro_batches),
             "micro-batches divisible by 2 (DualPipe README)");
    // The reference program (deepseek-ai/DualPipe) asserts num_chunks >= 2 * num_ranks: with fewer, the
    // steady phase would have a negative length on the end ranks.
    if (micro_batches < 2 * pp)
      reject("parallel.micro_batch",
             "DualPipe needs at least 2 x pp = " + std::to_string(2 * pp) + " micro-batches per step, got " +
                 std::to_string(micro_batches),
             "micro-batches >= 2 x pp");
  }
  if (kind == PipelineSchedule::kDualPipeV && micro_batches < 2 * pp)
    // Same bound for the V shape: at least one micro-batch per stage (2 stages per rank).
    reject("parallel.micro_batch",
           "DualPipeV needs at least 2 x pp = " + std::to_string(2 * pp) + " micro-batches per step (one per stage), got " +
               std::to_string(micro_batches),
           "micro-batches >= 2 x pp");
}

}  // namespace

int schedule_stage_count(PipelineSchedule kind, int pp, int virtual_stages) {
  switch (kind) {
    case PipelineSchedule::kInterleaved1F1B: return pp * virtual_stages;
    case PipelineSchedule::kDualPipeV: return 2 * pp;
    default: return pp;
  }
}

PipelineOrder build_schedule(PipelineSchedule kind, int pp, int micro_batches, int virtual_stages) {
  check_arguments(kind, pp, micro_batches, virtual_stages);
  PipelineOrder order;
  order.kind = kind;
  order.ranks = pp;
  order.stages = schedule_stage_count(kind, pp, virtual_stages);
  order.directions = kind == PipelineSchedule::kDualPipe ? 2 : 1;
  order.micro_batches = micro_batches;
  order.per_rank.assign(static_cast<size_t>(pp), {});
  order.rank_stages.assign(static_cast<size_t>(pp), {});
  order.stage_rank.assign(static_cast<size_t>(order.directions), std::vector<int>(static_cast<size_t>(order.stages)));

  auto place = [&](int direction, int stage, int rank) {
    order.stage_rank[static_cast<size_t>(direction)][static_cast<size_t>(stage)] = rank;
    order.rank_stages[static_cast<size_t>(rank)].push_back(direction * order.stages + stage);
  };
  switch (kind) {
    case PipelineSchedule::kDualPipe:
      // Rank r: stage r of direction 0 and stage pp-1-r of direction 1 (DeepSeek-V3 Figure 5).
      for (int r = 0; r < pp; ++r) {
        place(0, r, r);
        place(1, pp - 1 - r, r);
      }
      break;
    case PipelineSchedule::kDualPipeV:
      // V shape: down the ranks, then back up; rank r holds stages r and 2pp-1-r.
      for (int r = 0; r < pp; ++r) {
        place(0, r, r);
        place(0, 2 * pp - 1 - r, r);
      }
      break;
    default:
      // Round-robin: stage s on rank s mod pp (one stage per rank unless interleaved).
      for (int r = 0; r < pp; ++r)
        for (int s = r; s < order.stages; s += pp) place(0, s, r);
      break;
  }

  switch (kind) {
    case PipelineSchedule::kGpipe: schedule_detail::fill_gpipe(order); break;
    case PipelineSchedule::k1F1B: schedule_detail::fill_1f1b(order, false); break;
    case PipelineSchedule::kZbH1: schedule_detail::fill_1f1b(order, true); break;
    case PipelineSchedule::kInterleaved1F1B:
      if (virtual_stages == 1)
        schedule_detail::fill_1f1b(order, false);
      else
        schedule_detail::fill_interleaved(order, virtual_stages);
      break;
    case PipelineSchedule::kDualPipe: schedule_detail::fill_dualpipe(order); break;
    case PipelineSchedule::kDualPipeV: schedule_detail::fill_dualpipev(order); break;
  }
  validate_order(order);
  return order;
}

int pair_steady_state(PipelineOrder& order) {
  int pairs = 0;
  auto same_activation = [](const Chunk& a, const Chunk& b) {
    return a.micro_batch == b.micro_batch && a.stage == b.stage && a.direction == b.direction;
  };
  for (std::vector<Chunk>& chunks : order.per_rank) {
    std::vector<Chunk> out;
    out.reserve(chunks.size());
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      const Chunk& c = chunks[i];
      const bool next = i + 1 < chunks.size();
      // Adjacent forward and full backward, in either order, of two different activations: the last stage
      // runs F0 B0 F1 B1 ..., whose B_i needs F_i, so there F_{i+1} pairs with B_i instead.
      if (next && ((c.kind == ChunkKind::kF && chunks[i + 1].kind == ChunkKind::kBW) ||
                   (c.kind == ChunkKind::kBW && chunks[i + 1].kind == ChunkKind::kF)) &&
          !same_activation(c, chunks[i + 1])) {
        const Chunk& f = c.kind == ChunkKind::kF ? c : chunks[i + 1];
        const Chunk& b = c.kind == ChunkKind::kF ? chunks[i + 1] : c;
        Chunk fb = f;
        fb.kind = ChunkKind::kFB;
        fb.micro_batch2 = b.micro_batch;
        fb.stage2 = b.stage;
        fb.direction2 = b.direction;
        out.push_back(fb);
        ++pairs;
        ++i;
        continue;
      }
      out.push_back(c);
    }
    chunks = std::move(out);
  }
  validate_order(order);
  return pairs;
}

PipelineOrder plan_order(const ParallelPlan& plan, int micro_batches) {
  PipelineOrder order = build_schedule(plan.schedule, plan.pp, micro_batches, plan.virtual_stages);
  if (plan.ep_overlap) pair_steady_state(order);
  return order;
}

}  // namespace moeplan
