// CPU reference of MoE routing, permutation and combine (see moe_router_ref.h).
#include "kernels/cpu/moe_router_ref.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "sim/units/error.h"

namespace moeplan::kernels {
namespace {

// True when score a at index ia ranks before score b at index ib (higher first, lower index on ties).
bool ranks_before(float a, int ia, float b, int ib) { return a > b || (a == b && ia < ib); }

}  // namespace

void validate_router_config(const RouterConfig& c) {
  const bool ok = c.experts > 0 && c.groups > 0 && c.experts % c.groups == 0 && c.topk_groups >= 1 &&
                  c.topk_groups <= c.groups && c.top_k >= 1 &&
                  c.top_k <= c.topk_groups * (c.experts / c.groups);
  if (!ok) {
    throw_user_error("router config: experts=" + std::to_string(c.experts) + " groups=" +
                         std::to_string(c.groups) + " topk_groups=" + std::to_string(c.topk_groups) +
                         " top_k=" + std::to_string(c.top_k) + " is not a valid group-limited top-k",
                     ErrorContext{.expected = "experts % groups == 0, 1 <= topk_groups <= groups, "
                                              "1 <= top_k <= topk_groups * experts / groups"});
  }
}

void moe_route_ref(const RouterConfig& c, const float* logits, const float* bias, int tokens, int* topk_idx,
                   float* topk_weight) {
  validate_router_config(c);
  const int per_group = c.experts / c.groups;
  std::vector<float> score(static_cast<std::size_t>(c.experts));
  std::vector<float> biased(static_cast<std::size_t>(c.experts));
  std::vector<float> group_score(static_cast<std::size_t>(c.groups));
  std::vector<char> group_kept(static_cast<std::size_t>(c.groups));
  std::vector<char> taken(static_cast<std::size_t>(c.experts));
  for (int t = 0; t < tokens; ++t) {
    const float* row = logits + static_cast<std::size_t>(t) * c.experts;
    for (int e = 0; e < c.experts; ++e) {
      score[e] = 1.0f / (1.0f + std::exp(-row[e]));
      biased[e] = score[e] + bias[e];
    }
    // Group score: sum of the group's two best biased scores (one when a group has a single expert).
    for (int g = 0; g < c.groups; ++g) {
      int best = -1, second = -1;
      for (int e = g * per_group; e < (g + 1) * per_group; ++e) {
        if (best < 0 || ranks_before(biased[e], e, biased[best], best)) {
          second = best;
          best = e;
        } else if (second < 0 || ranks_before(biased[e], e, biased[second], second)) {
          second = e;
        }
      }
      group_score[g] = biased[best] + (second >= 0 ? biased[second] : 0.0f);
    }
    // A group survives when fewer than topk_groups groups rank before it.
    for (int g = 0; g < c.groups; ++g) {
      int better = 0;
      for (int o = 0; o < c.groups; ++o) better += ranks_before(group_score[o], o, group_score[g], g) ? 1 : 0;
      group_kept[g] = better < c.topk_groups ? 1 : 0;
    }
    // top_k passes of argmax over the experts of the surviving groups, best first.
    std::fill(taken.begin(), taken.end(), 0);
    float weight_sum = 0.0f;
    int* idx_out = topk_idx + static_cast<std::size_t>(t) * c.top_k;
    float* w_out = topk_weight + static_cast<std::size_t>(t) * c.top_k;
    for (int s = 0; s < c.top_k; ++s) {
      int best = -1;
      for (int e = 0; e < c.experts; ++e) {
        if (!group_kept[e / per_group] || taken[e]) continue;
        if (best < 0 || ranks_before(biased[e], e, biased[best], best)) best = e;
      }
      taken[best] = 1;
      idx_out[s] = best;
      w_out[s] = score[best];
      weight_sum += score[best];
    }
    for (int s = 0; s < c.top_k; ++s) w_out[s] = w_out[s] / weight_sum * c.routed_scaling_factor;
  }
}

void moe_permute_ref(const int* topk_idx, int tokens, int top_k, int experts, int* counts, int* offsets,
                     int* sorted_token, int* sorted_slot) {
  if (tokens < 0 || top_k <= 0 || experts <= 0) {
    throw_user_error("moe permute: bad sizes", ErrorContext{.expected = "tokens >= 0, top_k > 0, experts > 0"});
  }
  const std::size_t pairs = static_cast<std::size_t>(tokens) * top_k;
  for (int e = 0; e < experts; ++e) counts[e] = 0;
  for (std::size_t i = 0; i < pairs; ++i) {
    const int e = topk_idx[i];
    if (e < 0 || e >= experts) {
      throw_user_error("moe permute: expert index " + std::to_string(e) + " out of range",
                       ErrorContext{.expected = "0 <= expert < " + std::to_string(experts)});
    }
    ++counts[e];
  }
  offsets[0] = 0;
  for (int e = 0; e < experts; ++e) offsets[e + 1] = offsets[e] + counts[e];
  std::vector<int> cursor(offsets, offsets + experts);
  for (std::size_t i = 0; i < pairs; ++i) {
    const int p = cursor[topk_idx[i]]++;
    sorted_token[p] = static_cast<int>(i / top_k);
    sorted_slot[p] = static_cast<int>(i % top_k);
  }
}

void moe_unpermute_ref(const float* expert_out, const int* sorted_token, const int* sorted_slot,
                       const float* topk_weight, int tokens, int top_k, int hidden, float* out) {
  if (tokens < 0 || top_k <= 0 || hidden < 0) {
    throw_user_error("moe unpermute: bad sizes", ErrorContext{.expected = "tokens >= 0, top_k > 0, hidden >= 0"});
  }
  const std::size_t pairs = static_cast<std::size_t>(tokens) * top_k;
  // Inverse map (token, slot) -> sorted position, so each token sums its slots in a fixed order.
  std::vector<int> position(pairs, -1);
  for (std::size_t p = 0; p < pairs; ++p) {
    const int t = sorted_token[p];
    const int s = sorted_slot[p];
    if (t < 0 || t >= tokens || s < 0 || s >= top_k) throw_user_error("moe unpermute: sorted entry out of range");
    position[static_cast<std::size_t>(t) * top_k + s] = static_cast<int>(p);
  }
  for (int t = 0; t < tokens; ++t) {
    float* orow = out + static_cast<std::size_t>(t) * hidden;
    for (int h = 0; h < hidden; ++h) orow[h] = 0.0f;
    for (int s = 0; s < top_k; ++s) {
      const int p = position[static_cast<std::size_t>(t) * top_k + s];
      if (p < 0) throw_user_error("moe unpermute: a (token, slot) pair is missing from the sorted order");
      const float w = topk_weight[static_cast<std::size_t>(t) * top_k + s];
      const float* erow = expert_out + static_cast<std::size_t>(p) * hidden;
      for (int h = 0; h < hidden; ++h) orow[h] += w * erow[h];
    }
  }
}

}  // namespace moeplan::kernels
