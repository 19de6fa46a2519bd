// A stage's step by phase (forward alone, backward alone, weight-gradient alone, overlapped F&B pairs, the
// optimizer, waiting), from the chunk records a `des` or `des-full` step keeps, once the engine has run. The parts of each
// rank add up to the step time: chunks on one rank run one after another, so their spans never overlap.
#pragma once

#include <vector>

#include "sim/engine/simulator.h"
#include "sim/train/chunk_events.h"
#include "sim/train/run_result.h"

namespace moeplan {

// `optimizer_s[r]`: rank r's optimizer time; `step_s`: the step's time. Ranks are 0..optimizer_s.size()-1.
std::vector<StagePhases> stage_phases(const std::vector<Emitted>& emitted, const engine::Simulator& sim,
                                      const std::vector<double>& optimizer_s, double step_s);

}  // namespace moeplan
