// run_mixed_training: a scenario whose cluster is built from pools of different GPU types, end to end (what
// run_training does for one GPU type): each phase's steps through mixed_step, memory per pool, GPU-hours over
// every GPU, dollars at each pool's own rate, goodput.
#pragma once

#include "sim/spec/scenario.h"
#include "sim/train/mixed_step.h"
#include "sim/train/run_result.h"
#include "sim/train/training_run.h"

namespace moeplan {

// `options.calibration_for` loads each pool's profile. Throws a user Error where a figure the pools need is
// missing (an owned-cost price mode, a scenario-wide price beside the pools' own).
RunResult run_mixed_training(const Scenario& s, const RunOptions& options);

}  // namespace moeplan
