// GPU MoE routing, permutation and combine against the CPU references (DeepSeek-V3 router configuration).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "gpu_test_util.h"
#include "kernels/cpu/moe_router_ref.h"
#include "kernels/cpu/random_fill.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/moe_router.h"

namespace moeplan::kernels {
namespace {

constexpr RouterConfig kDeepSeekV3{256, 8, 4, 8, 2.5f};  // config.json: n_group 8, topk_group 4, top-8, 2.5

TEST(GpuMoeRouter, RouteMatchesCpuReference) {
  MOEPLAN_REQUIRE_CUDA_DEVICE();
  Rng rng(61, "kernels");
  const RouterConfig c = kDeepSeekV3;
  const int tokens = 1000;
  const auto logits = random_normal(rng, static_cast<std::size_t>(tokens) * c.experts, 1.5);
  const auto bias = random_normal(rng, c.experts, 0.1);
  std::vector<int> ref_idx(static_cast<std::size_t>(tokens) * c.top_k);
  std::vector<float> ref_w(ref_idx.size());
  moe_route_ref(c, logits.data(), bias.data(), tokens, ref_idx.data(), ref_w.data());
  DeviceBuffer<float> dl(logits), db(bias), dw(ref_w.size());
  DeviceBuffer<int> di(ref_idx.size());
  di.fill_bytes(0xFF);
  dw.fill_bytes(0xFF);
  moe_route_cuda(c, dl.get(), db.get(), tokens, di.get(), dw.get(), nullptr);
  const auto idx = di.download();
  const auto w = dw.download();
  // Device expf and the host's exp may differ in the last bit, which can flip a near-tie; such tokens must be
  // rare and their choices within FP32 rounding of each other.
  int differing_tokens = 0;
  std::vector<float> w_same, ref_same;
  for (int t = 0; t < tokens; ++t) {
    bool same = true;
    for (int s = 0; s < c.top_k; ++s) same = same && idx[t * c.top_k + s] == ref_idx[t * c.top_k + s];
    if (!same) {
      ++differing_tokens;
      continue;
    }
    for (int s = 0; s < c.top_k; ++s) {
      w_same.push_back(w[t * c.top_k + s]);
      ref_same.push_back(ref_w[t * c.top_k + s]);
    }
  }
  const double rel = f32_rel_error_norm(w_same, ref_same);
  std::printf("moe_route_cuda %d tokens: %d tokens differ (FP32 near-ties), weight rel. error norm %.3e\n", tokens,
              differing_tokens, rel);
  EXPECT_LE(differing_tokens, tokens / 100);
  EXPECT_LT(rel, 1e-5);
}

TEST(GpuMoeRouter, PermuteAndCombineMatchCpuReference) {
  MOEPLAN_REQUIRE_CUDA_DEVICE();
  Rng rng(62, "kernels");
  const RouterConfig c = kDeepSeekV3;
  const int tokens = 700, hidden = 96, pairs = tokens * c.top_k;
  const auto logits = random_normal(rng, static_cast<std::size_t>(tokens) * c.experts);
  const auto bias = random_normal(rng, c.experts, 0.05);
  std::vector<int> idx(pairs);
  std::vector<float> w(pairs);
  moe_route_ref(c, logits.data(), bias.data(), tokens, idx.data(), w.data());
  std::vector<int> counts(c.experts), offsets(c.experts + 1), st(pairs), ss(pairs);
  moe_permute_ref(idx.data(), tokens, c.top_k, c.experts, counts.data(), offsets.data(), st.data(), ss.data());

  DeviceBuffer<int> di(idx), dc(counts.size()), doff(offsets.size()), dst(pairs), dss(pairs), dinv(pairs);
  for (auto* b : {&dc, &doff, &dst, &dss, &dinv}) b->fill_bytes(0xFF);
  moe_permute_cuda(di.get(), tokens, c.top_k, c.experts, dc.get(), doff.get(), dst.get(), dss.get(), dinv.get(),
                   nullptr);
  EXPECT_EQ(dc.download(), counts);
  EXPECT_EQ(doff.download(), offsets);
  EXPECT_EQ(dst.download(), st);  // stable order: exactly the reference permutation
  EXPECT_EQ(dss.download(), ss);
  const auto inv = dinv.download();
  for (int p = 0; p < pairs; ++p) ASSERT_EQ(inv[st[p] * c.top_k + ss[p]], p);

  const auto expert_out = random_normal(rng, static_cast<std::size_t>(pairs) * hidden);
  std::vector<float> ref(static_cast<std::size_t>(tokens) * hidden);
  moe_unpermute_ref(expert_out.data(), st.data(), ss.data(), w.data(), tokens, c.top_k, hidden, ref.data());
  DeviceBuffer<float> deo(expert_out), dw(w), dout(ref.size());
  dout.fill_bytes(0xFF);
  moe_unpermute_cuda(deo.get(), dinv.get(), dw.get(), tokens, c.top_k, hidden, dout.get(), nullptr);
  const double rel = f32_rel_error_norm(dout.download(), ref);
  std::printf("moe_unpermute_cuda %d tokens x %d: rel. error norm %.3e\n", tokens, hidden, rel);
  EXPECT_LT(rel, 1e-6);  // same slot order; only FMA contraction differs
}

}  // namespace
}  // namespace moeplan::kernels
