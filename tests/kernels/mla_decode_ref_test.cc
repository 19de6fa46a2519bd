// Paged MLA decode reference against a naive double-precision attention over a contiguous copy of the
// sequence (DeepSeek-V3 sizes: 576-wide latent keys, 512-wide values, 64-token pages).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "kernels/cpu/fp8.h"
#include "kernels/cpu/mla_decode_ref.h"
#include "kernels/cpu/random_fill.h"

namespace moeplan::kernels {
namespace {

std::vector<std::uint16_t> random_bf16(Rng& rng, std::size_t n, double stddev) {
  const auto f = random_normal(rng, n, stddev);
  std::vector<std::uint16_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = bf16_encode(f[i]);
  return v;
}

TEST(MlaDecodeRef, MatchesNaiveDoubleAttention) {
  Rng rng(21, "kernels");
  const MlaDecodeShape s{.batch = 3, .heads = 5, .seq_len = 150, .head_dim_k = 576, .head_dim_v = 512, .page_size = 64};
  const int max_pages = 4;  // 150 tokens use 3 pages
  const int total_pages = s.batch * max_pages + 2;
  const auto q = random_bf16(rng, static_cast<std::size_t>(s.batch) * s.heads * s.head_dim_k, 1.0);
  const auto kv = random_bf16(rng, static_cast<std::size_t>(total_pages) * s.page_size * s.head_dim_k, 1.0);
  // Scattered, shuffled page assignment so a wrong page lookup cannot pass.
  std::vector<int> pages(total_pages);
  for (int p = 0; p < total_pages; ++p) pages[p] = p;
  for (int p = total_pages - 1; p > 0; --p) {
    std::swap(pages[p], pages[static_cast<int>(rng.below(static_cast<std::uint64_t>(p + 1)))]);
  }
  std::vector<int> table(static_cast<std::size_t>(s.batch) * max_pages);
  for (std::size_t i = 0; i < table.size(); ++i) table[i] = pages[i];
  // DeepSeek-V3 scales by 1/sqrt(qk_nope + qk_rope = 192) (before YaRN mscale).
  const float scale = 1.0f / std::sqrt(192.0f);
  std::vector<std::uint16_t> out(static_cast<std::size_t>(s.batch) * s.heads * s.head_dim_v, 0xFFFF);
  mla_decode_ref(s, q.data(), kv.data(), table.data(), max_pages, scale, out.data());

  double err2 = 0.0, ref2 = 0.0, max_abs = 0.0;
  for (int b = 0; b < s.batch; ++b) {
    for (int h = 0; h < s.heads; ++h) {
      std::vector<double> score(s.seq_len);
      const std::uint16_t* qh = &q[(static_cast<std::size_t>(b) * s.heads + h) * s.head_dim_k];
      for (int t = 0; t < s.seq_len; ++t) {
        const std::uint16_t* kt =
            &kv[(static_cast<std::size_t>(table[b * max_pages + t / 64]) * 64 + t % 64) * s.head_dim_k];
        double dot = 0.0;
        for (int d = 0; d < s.head_dim_k; ++d) dot += double(bf16_decode(qh[d])) * double(bf16_decode(kt[d]));
        score[t] = dot * scale;
      }
      const double mx = *std::max_element(score.begin(), score.end());
      double denom = 0.0;
      for (auto& x : score) denom += (x = std::exp(x - mx));
      for (int d = 0; d < s.head_dim_v; ++d) {
        double ref = 0.0;
        for (int t = 0; t < s.seq_len; ++t) {
          const std::uint16_t* vt =
              &kv[(static_cast<std::size_t>(table[b * max_pages + t / 64]) * 64 + t % 64) * s.head_dim_k];
          ref += score[t] / denom * double(bf16_decode(vt[d]));
        }
        const double got = bf16_decode(out[(static_cast<std::size_t>(b) * s.heads + h) * s.head_dim_v + d]);
        err2 += (got - ref) * (got - ref);
        ref2 += ref * ref;
        max_abs = std::max(max_abs, std::fabs(got - ref));
      }
    }
  }
  const double rel = std::sqrt(err2 / ref2);
  std::printf("mla_decode_ref b=%d h=%d L=%d: rel. error norm %.3e, max abs error %.3e\n", s.batch, s.heads,
              s.seq_len, rel, max_abs);
  // BF16 output rounding is ~2^-9 relative; FP32 scores over 576 terms add far less.
  EXPECT_LT(rel, 4e-3);
}

TEST(MlaDecodeRef, RejectsSequenceLongerThanItsPages) {
  const MlaDecodeShape s{1, 1, 200, 576, 512, 64};
  EXPECT_ANY_THROW(validate_mla_decode_shape(s, 3));
  EXPECT_NO_THROW(validate_mla_decode_shape(s, 4));
}

}  // namespace
}  // namespace moeplan::kernels
