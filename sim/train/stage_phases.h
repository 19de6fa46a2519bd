// A stage's step by phase (forward alone, backward alone, weight-gradient alone, overlapped F&B pairs, the
// optimizer, waiting), from the chunk records a `des` or `des-full` step keeps, once the engine has run. The
// parts of each rank add up to the step time: chunks on one rank run one after another, so their spans never
// overlap.
#pragma once

#include <vector>

#include "sim/engine/simulator.h"
#include "sim/train/chunk_events.h"
#include "sim/train/run_result.h"

namespace moeplan {

// Fills `phases` (and `has_phases`) of every entry of `step.stages`, rank r being stage r; `optimizer_s[r]` is
// rank r's optimizer time, and the rest of `step.time_s` beyond the chunks and the optimizer is waiting.
void set_stage_phases(StepResult& step, const std::vector<Emitted>& emitted, const engine::Simulator& sim,
                      const std::vector<double>& optimizer_s);

}  // namespace moeplan
