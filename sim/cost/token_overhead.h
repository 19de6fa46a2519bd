// Token efficiency of a low-communication data-parallel method: how many tokens it needs to reach the loss that
// synchronous data parallelism reaches, as a multiple, with the derivation and every assumption spelled out.
// The multi-site run multiplies GPU-hours and dollars by it to report them "at equal quality" beside the raw
// figures.
//
// No source publishes this multiplier directly (docs/dp-sync.md, "Token efficiency"). What is published is the
// loss at equal tokens by replica count M (Charles et al., "Scaling Laws for DiLoCo", arXiv:2503.09799 Table 4,
// fits Table 7 and Table 10, all at H = 30) and by H at M = 2 and 4 (Douillard et al., "Streaming DiLoCo",
// arXiv:2501.18512 Tables 5 and 6). A loss gap is turned into tokens with the data term of Chinchilla's law
// L(N, D) = E + A/N^a + B/D^b (Hoffmann et al., arXiv:2203.15556, Approach 3: B = 410.7, b = 0.28).
#pragma once

#include <string>
#include <vector>

#include "sim/spec/dp_sync_spec.h"

namespace moeplan {

struct TokenOverhead {
  double multiplier = 1;             // tokens at equal quality / tokens as planned
  bool given = false;                // true: the scenario's token_overhead; false: derived here
  std::string source;                // short citation printed beside every figure it changes
  std::string derivation;            // the tables, fits and arithmetic, one step per line
  std::vector<std::string> assumptions;  // each stated plainly
};

// `replicas`: M, the data-parallel replicas that sync through the method. `model_params`: N, the model's size
// for the scaling fits (the caller passes active parameters per token for an MoE model and says so; the fits
// are for dense models).
TokenOverhead token_overhead(const DpSyncSpec& sync, int replicas, double model_params);

// A cost figure as planned and at equal quality (x multiplier).
struct QualityAdjusted {
  double raw = 0;
  double equal_quality = 0;
};
QualityAdjusted at_equal_quality(double raw, const TokenOverhead& t);

}  // namespace moeplan
