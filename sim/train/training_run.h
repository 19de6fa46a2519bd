// run_training: one scenario end to end — model summary, memory per stage, step time at the scenario's
// fidelity for every batch size its phases run, GPU-hours, days, dollars and goodput — as a RunResult.
#pragma once

#include <functional>
#include <memory>

#include "sim/calib/calibration.h"
#include "sim/spec/scenario.h"
#include "sim/units/progress.h"
#include "sim/train/run_result.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// The calibration profile of a scenario's GPU: what the caller's loader gives a one-GPU-type scenario.
using CalibrationFor = std::function<std::unique_ptr<Calibration>(const Scenario&)>;

struct RunOptions {
  bool want_timeline = false;  // keep the timeline of the main phase's step (traces, Gantt chart)
  std::string moeplan_version;
  // Pools of different GPU types (cluster.pools) load each pool's profile through this; the `calib` argument
  // of run_training is then unused. Unset is fine for a one-GPU-type cluster.
  CalibrationFor calibration_for;
  Progress progress;           // told of each simulated step (des-full: of its every task)
};

RunResult run_training(const Scenario& s, const Calibration& calib, const RunOptions& options = {});

// One step of `plan` at this sequence length and global batch, at the scenario's fidelity. Used by
// run_training and by the planner.
StepResult simulate_step(const Scenario& s, const Calibration& calib, const StepShape& shape,
                         Timeline* timeline = nullptr, const Progress& progress = {});

// The chunk costs simulate_step times that step with: at des and analytic, with the most loaded rank's expert
// load drawn from the scenario's seeded routing model and each stage's compute at its slowest GPU's speed
// (gpu_variation); at des-full, balanced and nominal (it draws each rank's load and speed itself).
StageCosts step_costs(const Scenario& s, const Calibration& calib, const StepShape& shape);

// Model summary, memory per stage and the fit verdict of a scenario's main phase, without timing it
// (what `moeplan memory` shows).
RunResult evaluate_memory(const Scenario& s, const std::string& moeplan_version = "");

// The phase that sets the headline step and memory: the simulated phase with the most tokens; -1 when
// every phase is given rather than simulated.
int main_phase_index(const Scenario& s);

// The summary of the model alone (parameters, FLOPs per token at seq_len, KV cache per token).
ModelSummary summarize_model(const ModelSpec& m, int seq_len);

// One-line description of a plan: "TP1 PP16 DP128 EP64 ZeRO-1 dualpipe mb=1 recompute=selective" (with "CP4"
// after the TP degree under context parallelism).
std::string plan_summary(const ParallelPlan& p);

}  // namespace moeplan
