// Expert popularity and the most loaded EP rank (see routing_sampler.h).
#include "sim/workload/routing_sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/units/error.h"

namespace moeplan {

std::vector<double> expert_popularity(int experts, const RoutingSpec& r, Rng& rng) {
  std::vector<double> w(experts, 1.0);
  if (r.distribution == "balanced" || r.distribution == "balanced-exact" || r.skew <= 0) {
    // uniform
  } else if (r.distribution == "zipf") {
    std::vector<int> order(experts);
    std::iota(order.begin(), order.end(), 0);
    for (int i = experts - 1; i > 0; --i) std::swap(order[i], order[rng.below(static_cast<std::uint64_t>(i) + 1)]);
    for (int i = 0; i < experts; ++i) w[order[i]] = 1.0 / std::pow(i + 1.0, r.skew);
  } else if (r.distribution == "dirichlet") {
    for (double& x : w) x = rng.gamma(1.0 / r.skew);
  } else {
    throw_user_error("unknown routing distribution `" + r.distribution + "`",
                     ErrorContext{.key_path = "routing.distribution",
                                  .expected = "balanced, balanced-exact, zipf or dirichlet"});
  }
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x /= sum;
  return w;
}

ExpertLoad sample_expert_load(const ModelSpec& m, const ParallelPlan& p, const RoutingSpec& routing,
                              double tokens_per_rank, Rng& rng, int samples) {
  ExpertLoad out;
  if (!m.is_moe() || p.ep <= 1) {
    out.rank_share = {1.0};
    return out;
  }
  const int experts = m.moe.n_routed_experts;
  if (routing.distribution == "balanced-exact") {
    out.rank_share.assign(p.ep, 1.0 / p.ep);
    return out;  // max_over_mean stays 1: no sampling noise
  }
  const int per_rank = experts / p.ep;
  const double copies = tokens_per_rank * p.ep * m.moe.top_k;  // token-copies routed in one all-to-all
  double sum_max = 0;
  for (int s = 0; s < samples; ++s) {
    const std::vector<double> pop = expert_popularity(experts, routing, rng);
    std::vector<double> share(p.ep, 0.0);
    for (int e = 0; e < experts; ++e) share[e / per_rank] += pop[e];
    if (s == 0) out.rank_share = share;
    double max_load = 0;
    for (double q : share) {
      // Multinomial count of the rank ~ Normal(n q, n q (1 - q)).
      const double mean = copies * q;
      const double load = std::max(0.0, mean + std::sqrt(mean * (1.0 - q)) * rng.normal());
      max_load = std::max(max_load, load);
    }
    sum_max += max_load / (copies / p.ep);
  }
  out.max_over_mean = sum_max / samples;
  return out;
}

}  // namespace moeplan
