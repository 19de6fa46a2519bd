// build_schedule: the per-rank chunk order of every pipeline schedule moeplan models.
//
// `pp` is always the number of pipeline ranks (devices along the pipeline), and `micro_batches` the number
// of micro-batches in one optimizer step (all directions together). What each schedule runs:
//
//  - kGpipe: all forwards, then all full backwards (GPipe, Huang et al. 2019). Stages = pp.
//  - k1F1B: pp-1-r warm-up forwards on rank r, then one forward / one full backward, then the cool-down
//    backwards (PipeDream-Flush as in Megatron-LM). Stages = pp.
//  - kInterleaved1F1B: Megatron-LM's interleaved schedule (Narayanan et al. 2021): each rank holds
//    `virtual_stages` (v) model chunks, stage c*pp + r on rank r; forwards go through the chunks in groups of
//    n micro-batches (n = pp when pp divides micro_batches, else interleaved_group_size, as Megatron-Core
//    allows); warm-up is 2(pp-1-r) + (v-1)n forwards, or everything when micro_batches == pp.
//    Needs micro_batches >= pp. Stages = pp*v. v == 1 gives plain 1F1B.
//  GPipe, 1F1B and ZB-H1 take any number of micro-batches >= 1 (with fewer than pp, warm-up stops early).
//  - kZbH1: ZB-H1 (Qi et al., "Zero Bubble Pipeline Parallelism", arXiv:2401.10241 §2.1): the 1F1B order
//    with every backward split into B (input gradient) and W (weight gradient); rank r keeps up to r W's
//    pending and runs them in the cool-down, so the B chain reaches rank 0 sooner and the deferred W's fill
//    the tail. Peak activations equal 1F1B's. Stages = pp.
//  - kDualPipe: DeepSeek-V3 §3.2.1 / DualPipe README (published-numbers.md §1.6, §3). Two directions: half of
//    the micro-batches enter at rank 0 (direction 0), half at rank pp-1 (direction 1); rank r hosts stage r
//    of direction 0 and stage pp-1-r of direction 1 (two parameter copies). The steady state runs overlapped
//    forward+backward pairs (kFB); the fill uses B/W splits and the tail defers W's to fill the bubble.
//    Needs pp even, micro_batches even and >= 2*pp. Stages = pp per direction.
//  - kDualPipeV: the "cut-in-half" V-shape (DualPipe README; Sea AI Lab). Convention used here: pp ranks run
//    2*pp stages, rank r hosts stage r and stage 2pp-1-r, so a micro-batch goes down the ranks and back up
//    and the embedding and output head sit on rank 0. The README's "PP" is our 2*pp stages and its
//    "#Devices PP/2" our pp ranks. All micro-batches enter at rank 0; needs micro_batches >= 2*pp (one per
//    stage, as in the reference implementation); any parity.
//
// Bad input (pp < 1, micro_batches < 1, odd DualPipe ranks or micro-batches, too few micro-batches,
// virtual stages with a non-interleaved schedule, interleaved with fewer micro-batches than pp) throws
// a user Error with key path "parallel.pp", "parallel.micro_batch" or "parallel.virtual_stages".
#pragma once

#include "sim/schedule/pipeline_order.h"
#include "sim/spec/parallel_plan.h"

namespace moeplan {

PipelineOrder build_schedule(PipelineSchedule kind, int pp, int micro_batches, int virtual_stages = 1);

// Megatron-Core's EP overlap for 1F1B and interleaved 1F1B (--overlap-moe-expert-parallel-comm): in the
// steady state forwards and full backwards alternate on each rank, and each adjacent forward and backward of
// two different activations run as one overlapped pair (kFB), one micro-batch's all-to-all under the other's
// compute. On the last stage, where F_i is followed by its own B_i, F_{i+1} pairs with B_i. Warm-up
// forwards and cool-down backwards stay alone. Returns the pairs made.
int pair_steady_state(PipelineOrder& order);

// The order a plan runs: build_schedule, then pair_steady_state when the plan asks for EP overlap.
PipelineOrder plan_order(const ParallelPlan& plan, int micro_batches);

// Number of model stages per direction the schedule splits the layers into: pp, pp*v (interleaved) or
// 2*pp (DualPipeV). Callers size per-stage layer groups with it before calling build_schedule.
int schedule_stage_count(PipelineSchedule kind, int pp, int virtual_stages = 1);

}  // namespace moeplan
