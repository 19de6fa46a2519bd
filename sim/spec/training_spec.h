// TrainingSpec: the token budget as a list of phases (pre-training with a batch ramp, context-extension
// phases, post-training), each with its sequence length and global batch.
#pragma once

#include <string>
#include <vector>

#include "sim/spec/cluster_spec.h"
#include "sim/spec/parallel_plan.h"

namespace moeplan {

struct BatchRamp {
  int from_sequences = 0;   // global batch at the start of the phase
  double over_tokens = 0;   // linear ramp to the phase's global_batch over this many tokens (0: no ramp)
};

struct TrainingPhase {
  std::string name;
  double tokens = 0;        // either tokens or steps is set (> 0)
  long long steps = 0;
  int seq_len = 4096;
  int global_batch = 0;     // sequences per optimizer step
  BatchRamp ramp;
  // A phase whose cost is given rather than simulated (e.g. published post-training GPU-hours). Reports
  // label it as an input, never as a prediction.
  double given_gpu_hours = 0;
  std::string given_source;
  // The plan this phase runs with: the scenario's `parallel` with the phase's own `parallel:` keys applied
  // (context extension at 32K/128K cannot keep a batch-divisible layout of pre-training).
  ParallelPlan parallel;
  bool parallel_overridden = false;
  // The cluster this phase runs on: the scenario's with the phase's own `cluster:` keys applied (Llama 3 grew
  // from 8K to 16K GPUs between stages of pre-training). Same GPU; size, fabrics and topology may change.
  ClusterSpec cluster;
  bool cluster_overridden = false;
};

struct TrainingSpec {
  std::vector<TrainingPhase> phases;
};

void validate(const TrainingSpec& t);

}  // namespace moeplan
