// Analytic step time: closed-form pipeline arithmetic over the stage costs, microseconds per evaluation,
// for the planner's scan. The discrete-event path (des_step.h) times the same chunks through the engine.
#pragma once

#include "sim/train/run_result.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// Per-chunk times a schedule sees on one rank, after deciding what communication overlaps.
struct ChunkTimes {
  double f = 0;     // forward chunk (compute + exposed communication)
  double b = 0;     // full backward chunk (input and weight gradients + exposed communication)
  double w = 0;     // weight-gradient part of b
  double fb = 0;    // DualPipe: one forward and one backward chunk overlapped (F&B)
};

// The chunk times of rank `r`'s slowest chunk under the plan's schedule.
ChunkTimes chunk_times(const StageCosts& costs, const ParallelPlan& plan, int rank);

// Step time, bubble and per-stage statistics from the closed-form schedule formulas (DualPipe README):
// 1F1B and GPipe (PP-1)(F+B), ZB-H1 (PP-1)(F+B-2W), interleaved (PP-1)(F+B)/v, DualPipe(V) (PP/2-1)(F&B+B-3W).
StepResult analytic_step(const StageCosts& costs, const ParallelPlan& plan, double peak_bf16_flops, int n_gpus);

}  // namespace moeplan
