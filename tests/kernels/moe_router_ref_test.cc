// MoE routing against a brute-force double implementation (all group subsets enumerated), the group-limit
// invariant, and the permute / un-permute round trip.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>
#include <vector>

#include "kernels/cpu/moe_router_ref.h"
#include "kernels/cpu/random_fill.h"

namespace moeplan::kernels {
namespace {

// DeepSeek-V3 config.json: 256 routed experts, n_group 8, topk_group 4, 8 experts per token, scale 2.5.
constexpr RouterConfig kDeepSeekV3{256, 8, 4, 8, 2.5f};

// Brute force in double: enumerate every set of topk_groups groups, keep the one with the largest total of
// group scores (sum of each group's top two biased scores), then sort that set's experts by biased score.
// Also returns the double scores s and biased scores sb.
void route_brute_force(const RouterConfig& c, const float* logits, const float* bias, std::vector<int>* idx,
                       std::vector<double>* s_out, std::vector<double>* sb_out) {
  const int per = c.experts / c.groups;
  std::vector<double>& s = *s_out;
  std::vector<double>& sb = *sb_out;
  s.assign(c.experts, 0.0);
  sb.assign(c.experts, 0.0);
  std::vector<double> gs(c.groups);
  for (int e = 0; e < c.experts; ++e) {
    s[e] = 1.0 / (1.0 + std::exp(-double(logits[e])));
    sb[e] = s[e] + bias[e];
  }
  for (int g = 0; g < c.groups; ++g) {
    std::vector<double> v(sb.begin() + g * per, sb.begin() + (g + 1) * per);
    std::sort(v.rbegin(), v.rend());
    gs[g] = v[0] + (per > 1 ? v[1] : 0.0);
  }
  double best_total = -1e300;
  unsigned best_mask = 0;
  for (unsigned mask = 0; mask < (1u << c.groups); ++mask) {
    if (__builtin_popcount(mask) != c.topk_groups) continue;
    double total = 0.0;
    for (int g = 0; g < c.groups; ++g) total += (mask >> g & 1u) ? gs[g] : 0.0;
    if (total > best_total) best_total = total, best_mask = mask;
  }
  std::vector<int> cand;
  for (int e = 0; e < c.experts; ++e)
    if (best_mask >> (e / per) & 1u) cand.push_back(e);
  std::stable_sort(cand.begin(), cand.end(), [&](int a, int b) { return sb[a] > sb[b]; });
  idx->assign(cand.begin(), cand.begin() + c.top_k);
}

TEST(MoeRouteRef, MatchesBruteForceAndLimitsGroups) {
  Rng rng(31, "kernels");
  const RouterConfig c = kDeepSeekV3;
  const int tokens = 300;
  const auto logits = random_normal(rng, static_cast<std::size_t>(tokens) * c.experts, 1.5);
  const auto bias = random_normal(rng, c.experts, 0.1);
  std::vector<int> idx(static_cast<std::size_t>(tokens) * c.top_k, -1);
  std::vector<float> w(idx.size(), -1.0f);
  moe_route_ref(c, logits.data(), bias.data(), tokens, idx.data(), w.data());
  double err2 = 0.0, ref2 = 0.0;
  int near_ties = 0;
  std::set<int> groups_seen_any;
  for (int t = 0; t < tokens; ++t) {
    std::vector<int> bi;
    std::vector<double> sd, sbd;
    route_brute_force(c, &logits[t * c.experts], bias.data(), &bi, &sd, &sbd);
    // Equal choices, except where two biased scores differ by less than FP32 can resolve (the FP32 reference
    // then sees a tie and takes the lower index).
    double sum = 0.0;
    for (int s = 0; s < c.top_k; ++s) sum += sd[idx[t * c.top_k + s]];
    std::set<int> groups;
    double wsum = 0.0;
    for (int s = 0; s < c.top_k; ++s) {
      const int got = idx[t * c.top_k + s];
      if (got != bi[s]) {
        ASSERT_NEAR(sbd[got], sbd[bi[s]], 1e-6) << "token " << t << " slot " << s;
        ++near_ties;
      }
      const double ref_w = sd[got] / sum * c.routed_scaling_factor;
      err2 += (w[t * c.top_k + s] - ref_w) * (w[t * c.top_k + s] - ref_w);
      ref2 += ref_w * ref_w;
      groups.insert(idx[t * c.top_k + s] / (c.experts / c.groups));
      wsum += w[t * c.top_k + s];
    }
    EXPECT_LE(static_cast<int>(groups.size()), c.topk_groups);  // group limiting holds
    EXPECT_NEAR(wsum, c.routed_scaling_factor, 1e-5);
    groups_seen_any.insert(groups.begin(), groups.end());
  }
  const double rel = std::sqrt(err2 / ref2);
  std::printf("moe_route_ref %d tokens, %d experts: selections equal brute force (%d slots differ by an FP32 tie), "
              "weight rel. error norm %.3e\n", tokens, c.experts, near_ties, rel);
  EXPECT_LE(near_ties, tokens * c.top_k / 100);
  EXPECT_LT(rel, 1e-6);
  EXPECT_EQ(static_cast<int>(groups_seen_any.size()), c.groups);  // the inputs exercise every group
}

TEST(MoeRouteRef, BiasSteersSelectionButNotWeights) {
  // A large bias on expert 200 makes every token pick it, while its weight still comes from its sigmoid score.
  Rng rng(32, "kernels");
  const RouterConfig c = kDeepSeekV3;
  const int tokens = 50;
  const auto logits = random_normal(rng, static_cast<std::size_t>(tokens) * c.experts);
  auto bias = random_normal(rng, c.experts, 1e-3);
  bias[200] = 10.0f;
  std::vector<int> idx(static_cast<std::size_t>(tokens) * c.top_k);
  std::vector<float> w(idx.size());
  moe_route_ref(c, logits.data(), bias.data(), tokens, idx.data(), w.data());
  for (int t = 0; t < tokens; ++t) {
    ASSERT_EQ(idx[t * c.top_k], 200);
    double sum = 0.0;
    for (int s = 0; s < c.top_k; ++s) sum += 1.0 / (1.0 + std::exp(-double(logits[t * c.experts + idx[t * c.top_k + s]])));
    const double expected = 1.0 / (1.0 + std::exp(-double(logits[t * c.experts + 200]))) / sum * 2.5;
    EXPECT_NEAR(w[t * c.top_k], expected, 1e-5);
  }
}

TEST(MoeRouteRef, RejectsBadConfig) {
  EXPECT_ANY_THROW(validate_router_config({250, 8, 4, 8, 1.0f}));   // 250 % 8 != 0
  EXPECT_ANY_THROW(validate_router_config({256, 8, 9, 8, 1.0f}));   // topk_groups > groups
  EXPECT_ANY_THROW(validate_router_config({16, 8, 1, 3, 1.0f}));    // 3 experts from one group of 2
  EXPECT_NO_THROW(validate_router_config(kDeepSeekV3));
}

TEST(MoePermuteRef, RoundTrip) {
  Rng rng(33, "kernels");
  const RouterConfig c = kDeepSeekV3;
  const int tokens = 200, hidden = 48, pairs = tokens * c.top_k;
  const auto logits = random_normal(rng, static_cast<std::size_t>(tokens) * c.experts);
  const auto bias = random_normal(rng, c.experts, 0.05);
  std::vector<int> idx(pairs);
  std::vector<float> w(pairs);
  moe_route_ref(c, logits.data(), bias.data(), tokens, idx.data(), w.data());

  std::vector<int> counts(c.experts), offsets(c.experts + 1), st(pairs, -1), ss(pairs, -1);
  moe_permute_ref(idx.data(), tokens, c.top_k, c.experts, counts.data(), offsets.data(), st.data(), ss.data());
  EXPECT_EQ(offsets[c.experts], pairs);
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), 0), pairs);
  std::vector<int> seen(pairs, 0);
  for (int e = 0; e < c.experts; ++e) {
    ASSERT_EQ(offsets[e + 1] - offsets[e], counts[e]);
    for (int p = offsets[e]; p < offsets[e + 1]; ++p) {
      ASSERT_EQ(idx[st[p] * c.top_k + ss[p]], e);  // every row of expert e's segment routes to e
      if (p > offsets[e]) {
        ASSERT_LT(st[p - 1] * c.top_k + ss[p - 1], st[p] * c.top_k + ss[p]);  // stable order
      }
      ++seen[st[p] * c.top_k + ss[p]];
    }
  }
  for (int v : seen) ASSERT_EQ(v, 1);  // a permutation: every (token, slot) exactly once

  // Gather token rows into sorted order, let each "expert" scale its rows by (1 + e / 256), combine.
  const auto x = random_normal(rng, static_cast<std::size_t>(tokens) * hidden);
  std::vector<float> expert_out(static_cast<std::size_t>(pairs) * hidden);
  for (int e = 0; e < c.experts; ++e)
    for (int p = offsets[e]; p < offsets[e + 1]; ++p)
      for (int h = 0; h < hidden; ++h) expert_out[p * hidden + h] = x[st[p] * hidden + h] * (1.0f + e / 256.0f);
  std::vector<float> out(static_cast<std::size_t>(tokens) * hidden, -1.0f);
  moe_unpermute_ref(expert_out.data(), st.data(), ss.data(), w.data(), tokens, c.top_k, hidden, out.data());
  double err2 = 0.0, ref2 = 0.0;
  for (int t = 0; t < tokens; ++t) {
    double factor = 0.0;
    for (int s = 0; s < c.top_k; ++s) factor += double(w[t * c.top_k + s]) * (1.0 + idx[t * c.top_k + s] / 256.0);
    for (int h = 0; h < hidden; ++h) {
      const double ref = factor * x[t * hidden + h];
      err2 += (out[t * hidden + h] - ref) * (out[t * hidden + h] - ref);
      ref2 += ref * ref;
    }
  }
  const double rel = std::sqrt(err2 / ref2);
  std::printf("moe permute/unpermute %d tokens x %d slots: combine rel. error norm %.3e\n", tokens, c.top_k, rel);
  EXPECT_LT(rel, 1e-6);
}

TEST(MoePermuteRef, RejectsOutOfRangeExpert) {
  const std::vector<int> idx = {0, 5};
  std::vector<int> counts(4), offsets(5), st(2), ss(2);
  EXPECT_ANY_THROW(moe_permute_ref(idx.data(), 1, 2, 4, counts.data(), offsets.data(), st.data(), ss.data()));
}

}  // namespace
}  // namespace moeplan::kernels
