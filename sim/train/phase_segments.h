// Phase segments: a training phase cut into pieces of constant global batch, so that a linear batch ramp
// (DeepSeek-V3: 3072 -> 15360 sequences over the first 469B tokens, §4.2) is costed at the batch sizes it
// actually runs, each rounded to what the plan can split into micro-batches.
#pragma once

#include <vector>

#include "sim/spec/training_spec.h"

namespace moeplan {

struct PhaseSegment {
  int global_batch = 0;   // sequences per step
  double tokens = 0;      // tokens trained at this batch
  double steps = 0;       // tokens / (global_batch x seq_len)
};

// `granule` is the smallest batch step the plan allows (dp x micro_batch, doubled for DualPipe).
// `ramp_pieces` is how many constant-batch pieces approximate the ramp (the steps integral is exact
// per piece; 16 keeps the error of the ramp's GPU-hours well under 0.1%).
// `min_batch` is the smallest batch the schedule can run (DualPipe: 2 x pp micro-batches per pipeline);
// ramp pieces below it run at it, with fewer steps for the same tokens.
std::vector<PhaseSegment> phase_segments(const TrainingPhase& phase, int granule, int min_batch = 0,
                                         int ramp_pieces = 16);

}  // namespace moeplan
