// Training FLOPs per token, summed from the op inventory (layer_ops.h) so that the closed form and the
// simulated work are the same numbers.
//
// Convention: model FLOPs (no recomputation), multiply-add = 2, tensor-core work only (GEMMs and the
// attention core). Backward = dgrad + wgrad for every weight GEMM (2x forward) and 2x forward for the
// attention core (layer_ops.h), so total = 3x forward.
#pragma once

#include "sim/spec/model_spec.h"

namespace moeplan {

struct FlopsPerToken {
  double forward = 0;
  double backward = 0;
  double total = 0;
  double attention_forward = 0;  // attention core only (QK^T and PV), forward
};

// Per training token at sequence length `seq_len`, main model (layers + output head; the embedding lookup
// has no FLOPs). `include_mtp` adds the MTP modules (DeepSeek-V3 §2.2).
FlopsPerToken train_flops_per_token(const ModelSpec& m, int seq_len, bool causal, bool include_mtp = false);

}  // namespace moeplan
