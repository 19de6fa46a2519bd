// Sampling and expectations of node-limited routing (see moe_routing.h).
#include "sim/network/moe_routing.h"

#include <algorithm>
#include <string>

#include "sim/units/error.h"

namespace moeplan::network {

namespace {
// C(K - y, k) / C(K, k): probability that k draws without replacement from K all miss a set of y.
double miss_probability(int K, int y, int k) {
  if (K - y < k) return 0.0;
  double p = 1.0;
  for (int i = 0; i < k; ++i) p *= static_cast<double>(K - y - i) / (K - i);
  return p;
}

double choose(int n, int k) {
  if (k < 0 || k > n) return 0.0;
  double c = 1.0;
  for (int i = 0; i < k; ++i) c = c * (n - i) / (i + 1);
  return c;
}
}  // namespace

void validate(const MoeRoutingSpec& r) {
  const auto bad = [](const std::string& key, const std::string& msg) {
    throw_user_error(msg, ErrorContext{.key_path = key});
  };
  if (r.n_experts < 1) bad("model.moe.experts", "needs at least one routed expert");
  if (r.n_groups < 1 || r.n_experts % r.n_groups != 0)
    bad("model.moe.groups", "the number of expert groups must divide the number of experts");
  if (r.max_groups < 1 || r.max_groups > r.n_groups)
    bad("model.moe.max_groups", "must be between 1 and the number of groups");
  if (r.top_k < 1 || r.top_k > r.max_groups * (r.n_experts / r.n_groups))
    bad("model.moe.top_k", "must be between 1 and the experts available in the allowed groups");
}

void sample_routing(const MoeRoutingSpec& r, int n_tokens, Rng& rng, std::vector<int>& experts) {
  validate(r);
  const int per_group = r.n_experts / r.n_groups;
  const int pool = r.max_groups * per_group;
  std::vector<int> groups(r.n_groups);
  int chosen[64];
  if (r.top_k > 64) throw_user_error("top_k above 64 is not supported by the router sampler");
  experts.reserve(experts.size() + static_cast<std::size_t>(n_tokens) * r.top_k);
  for (int t = 0; t < n_tokens; ++t) {
    // M distinct groups: partial Fisher-Yates.
    for (int g = 0; g < r.n_groups; ++g) groups[g] = g;
    for (int i = 0; i < r.max_groups; ++i) {
      const int j = i + static_cast<int>(rng.below(static_cast<std::uint64_t>(r.n_groups - i)));
      std::swap(groups[i], groups[j]);
    }
    // k distinct slots of the pool: rejection (k is small against the pool).
    int n = 0;
    while (n < r.top_k) {
      const int slot = static_cast<int>(rng.below(static_cast<std::uint64_t>(pool)));
      if (std::find(chosen, chosen + n, slot) != chosen + n) continue;
      chosen[n++] = slot;
    }
    for (int i = 0; i < r.top_k; ++i)
      experts.push_back(groups[chosen[i] / per_group] * per_group + chosen[i] % per_group);
  }
}

namespace {
// Index i with probability w[i] / total among entries not yet taken (taken entries have w = 0).
int weighted_pick(const double* w, int n, double total, Rng& rng) {
  double u = rng.uniform() * total;
  int last = -1;
  for (int i = 0; i < n; ++i) {
    if (w[i] <= 0) continue;
    last = i;
    if (u < w[i]) return i;
    u -= w[i];
  }
  return last;  // rounding left u just above the sum
}
}  // namespace

void sample_routing_weighted(const MoeRoutingSpec& r, std::span<const double> expert_weights, int n_tokens,
                             Rng& rng, std::vector<int>& experts) {
  validate(r);
  if (static_cast<int>(expert_weights.size()) != r.n_experts)
    throw_internal_error("sample_routing_weighted: one weight per expert expected");
  if (r.top_k > 64) throw_user_error("top_k above 64 is not supported by the router sampler");
  const int per_group = r.n_experts / r.n_groups;
  const int pool = r.max_groups * per_group;
  // A floor keeps every expert reachable, so M groups and k experts can always be found.
  double max_w = 0;
  for (double w : expert_weights) max_w = std::max(max_w, w);
  const double floor_w = max_w > 0 ? max_w * 1e-12 : 1.0;
  std::vector<double> ew(r.n_experts), gw(r.n_groups, 0.0), group_left(r.n_groups), pool_w(pool);
  for (int e = 0; e < r.n_experts; ++e) {
    ew[e] = std::max(expert_weights[e], floor_w);
    gw[e / per_group] += ew[e];
  }
  std::vector<int> groups(r.max_groups);
  experts.reserve(experts.size() + static_cast<std::size_t>(n_tokens) * r.top_k);
  for (int t = 0; t < n_tokens; ++t) {
    group_left = gw;
    double total = 0;
    for (double w : gw) total += w;
    for (int i = 0; i < r.max_groups; ++i) {
      const int g = weighted_pick(group_left.data(), r.n_groups, total, rng);
      groups[i] = g;
      total -= group_left[g];
      group_left[g] = 0;
    }
    double pool_total = 0;
    for (int i = 0; i < r.max_groups; ++i)
      for (int j = 0; j < per_group; ++j) {
        pool_w[i * per_group + j] = ew[groups[i] * per_group + j] / gw[groups[i]];
        pool_total += pool_w[i * per_group + j];
      }
    for (int i = 0; i < r.top_k; ++i) {
      const int slot = weighted_pick(pool_w.data(), pool, pool_total, rng);
      pool_total -= pool_w[slot];
      pool_w[slot] = 0;
      experts.push_back(groups[slot / per_group] * per_group + slot % per_group);
    }
  }
}

double expected_blocks_hit(const MoeRoutingSpec& r, int n_members) {
  validate(r);
  if (n_members < 1 || r.n_experts % n_members != 0)
    throw_user_error("the EP size must divide the number of experts",
                     ErrorContext{.key_path = "parallel.ep", .expected = "a divisor of " + std::to_string(r.n_experts)});
  const int per_group = r.n_experts / r.n_groups;
  const int y = r.n_experts / n_members;
  const int K = r.max_groups * per_group;
  const double G = r.n_groups, M = r.max_groups;
  double p = 0;
  if (y <= per_group) {
    if (per_group % y != 0) throw_user_error("expert blocks must nest inside expert groups or contain whole groups");
    p = (M / G) * (1.0 - miss_probability(K, y, r.top_k));
  } else {
    if (y % per_group != 0) throw_user_error("expert blocks must nest inside expert groups or contain whole groups");
    const int j = y / per_group;
    const double all = choose(r.n_groups, r.max_groups);
    for (int s = 1; s <= std::min(j, r.max_groups); ++s) {
      const double hyp = choose(j, s) * choose(r.n_groups - j, r.max_groups - s) / all;
      p += hyp * (1.0 - miss_probability(K, s * per_group, r.top_k));
    }
  }
  return p * n_members;
}

}  // namespace moeplan::network
