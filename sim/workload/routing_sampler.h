// Expert load imbalance: how much more work the most loaded expert-parallel rank gets than the average.
//
// Expert popularity comes from the scenario's routing distribution: "balanced" (every expert equally
// likely, as DeepSeek-V3's auxiliary-loss-free balancing aims for), "zipf" (popularity ~ 1/rank^skew over a
// seeded random order of experts) or "dirichlet" (popularity ~ Dirichlet(1/skew), seeded). A step's tokens
// then land on experts multinomially; each rank's count is drawn from its normal approximation. The most
// loaded rank sets the pace of the grouped GEMMs and of the all-to-all it receives. "balanced-exact" is
// balanced routing without that sampling noise: every rank receives exactly the mean (a reference case in
// which the fidelities' assumptions coincide).
#pragma once

#include <vector>

#include "sim/spec/model_spec.h"
#include "sim/spec/parallel_plan.h"
#include "sim/spec/scenario.h"
#include "sim/units/random.h"

namespace moeplan {

struct ExpertLoad {
  std::vector<double> rank_share;   // expected share of routed token-copies per EP rank (sums to 1)
  double max_over_mean = 1.0;       // most loaded rank's realised load / mean load, averaged over samples
};

// Per-expert popularity (sums to 1) drawn from the routing distribution: uniform for "balanced" and
// "balanced-exact" (or skew 0), a seeded zipf order or Dirichlet draw otherwise.
std::vector<double> expert_popularity(int experts, const RoutingSpec& routing, Rng& rng);

// `tokens_per_rank`: tokens one EP rank contributes to a micro-batch's all-to-all.
ExpertLoad sample_expert_load(const ModelSpec& m, const ParallelPlan& p, const RoutingSpec& routing,
                              double tokens_per_rank, Rng& rng, int samples = 8);

}  // namespace moeplan
