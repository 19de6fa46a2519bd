// A training phase whose GPU-hours the scenario gives, with their source, instead of having them simulated:
// its result row, and the note that says the figure is not a prediction. Every kind of run (one GPU type, mixed
// pools) reports such a phase the same way.
#pragma once

#include <string>
#include <vector>

#include "sim/spec/training_spec.h"
#include "sim/train/run_result.h"
#include "sim/units/units.h"

namespace moeplan {

// The phase's row on `n_gpus` GPUs (wall-clock = GPU-hours / GPUs); the note goes to `notes`.
inline PhaseResult given_phase_result(const TrainingPhase& ph, int n_gpus, std::vector<std::string>& notes) {
  PhaseResult pr;
  pr.name = ph.name;
  pr.seq_len = ph.seq_len;
  pr.given = true;
  pr.given_source = ph.given_source;
  pr.gpu_hours = ph.given_gpu_hours;
  pr.days = ph.given_gpu_hours / n_gpus / 24.0;
  notes.push_back("phase `" + ph.name + "` uses the given " + units::format_count(ph.given_gpu_hours) +
                  " GPU-hours (" + ph.given_source + "), not a prediction");
  return pr;
}

}  // namespace moeplan
