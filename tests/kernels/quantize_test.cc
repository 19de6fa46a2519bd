// FP8 1x128 / 128x128 quantisation against double-precision math: scales are max|x| / 448 per tile, the
// dequantised values sit within half an E4M3 step of the input, and tile edges (k, n not multiples of 128)
// get their own scales.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "kernels/cpu/fp8.h"
#include "kernels/cpu/quantize.h"
#include "kernels/cpu/random_fill.h"

namespace moeplan::kernels {
namespace {

// E4M3 keeps 3 mantissa bits, so a normal value rounds with relative error <= 2^-4; below the normal range
// (|x| / scale < 2^-6) the absolute error is <= 2^-10 * scale.
double e4m3_error_bound(double x, double scale) {
  return std::max(std::fabs(x) * 0.0625, std::ldexp(1.0, -10) * scale) * (1.0 + 1e-6);
}

TEST(Quantize, Activations1x128) {
  Rng rng(101, "kernels");
  const int m = 37, k = 300;  // k not a multiple of 128: the last tile is 44 wide
  auto x = random_normal(rng, static_cast<std::size_t>(m) * k, 3.0);
  // One row with large outliers in one tile must not affect the scale of its other tiles.
  x[5 * k + 7] = 900.0f;
  std::vector<std::uint8_t> q(x.size());
  std::vector<float> scales(static_cast<std::size_t>(m) * quant_blocks(k));
  quantize_act_1x128(x.data(), m, k, q.data(), scales.data());
  ASSERT_EQ(quant_blocks(k), 3);
  double err2 = 0.0, ref2 = 0.0;
  for (int i = 0; i < m; ++i) {
    for (int kb = 0; kb < 3; ++kb) {
      double amax = 0.0;
      for (int c = kb * 128; c < std::min(k, kb * 128 + 128); ++c) amax = std::max(amax, std::fabs(double(x[i * k + c])));
      const double scale = scales[i * 3 + kb];
      EXPECT_NEAR(scale, amax / 448.0, amax / 448.0 * 1e-6) << "row " << i << " tile " << kb;
      for (int c = kb * 128; c < std::min(k, kb * 128 + 128); ++c) {
        const double deq = double(fp8_e4m3_decode(q[i * k + c])) * scale;
        const double xv = x[i * k + c];
        ASSERT_LE(std::fabs(deq - xv), e4m3_error_bound(xv, scale)) << i << "," << c;
        err2 += (deq - xv) * (deq - xv);
        ref2 += xv * xv;
      }
    }
  }
  EXPECT_NEAR(scales[5 * 3 + 0], 900.0 / 448.0, 1e-5);
  EXPECT_LT(scales[5 * 3 + 1], 20.0 / 448.0);  // normal tile next to the outlier keeps a small scale
  const double rel = std::sqrt(err2 / ref2);
  std::printf("quantize_act_1x128: relative error norm %.4e\n", rel);
  EXPECT_LT(rel, 0.04);  // ~2^-4 / sqrt(3) for uniformly spread rounding error, with margin
  EXPECT_GT(rel, 1e-4);  // FP8 really rounds: an identity "quantiser" would fail here
}

TEST(Quantize, Weights128x128) {
  Rng rng(202, "kernels");
  const int n = 200, k = 260;
  auto w = random_normal(rng, static_cast<std::size_t>(n) * k, 0.02);
  std::vector<std::uint8_t> q(w.size());
  const int nb = quant_blocks(n), kb = quant_blocks(k);
  std::vector<float> scales(static_cast<std::size_t>(nb) * kb);
  quantize_weight_128x128(w.data(), n, k, q.data(), scales.data());
  double err2 = 0.0, ref2 = 0.0;
  for (int bi = 0; bi < nb; ++bi) {
    for (int bj = 0; bj < kb; ++bj) {
      double amax = 0.0;
      for (int r = bi * 128; r < std::min(n, bi * 128 + 128); ++r)
        for (int c = bj * 128; c < std::min(k, bj * 128 + 128); ++c) amax = std::max(amax, std::fabs(double(w[r * k + c])));
      EXPECT_NEAR(scales[bi * kb + bj], amax / 448.0, amax / 448.0 * 1e-6);
    }
  }
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < k; ++c) {
      const double scale = scales[(r / 128) * kb + c / 128];
      const double deq = double(fp8_e4m3_decode(q[r * k + c])) * scale;
      const double wv = w[r * k + c];
      ASSERT_LE(std::fabs(deq - wv), e4m3_error_bound(wv, scale));
      err2 += (deq - wv) * (deq - wv);
      ref2 += wv * wv;
    }
  }
  const double rel = std::sqrt(err2 / ref2);
  std::printf("quantize_weight_128x128: relative error norm %.4e\n", rel);
  EXPECT_LT(rel, 0.04);
  EXPECT_GT(rel, 1e-4);
}

TEST(Quantize, LargestElementMapsTo448) {
  Rng rng(303, "kernels");
  const int k = 128;
  auto x = random_uniform(rng, k, -1.0, 1.0);
  std::vector<std::uint8_t> q(k);
  float scale = 0.0f;
  quantize_act_1x128(x.data(), 1, k, q.data(), &scale);
  const auto it = std::max_element(x.begin(), x.end(), [](float a, float b) { return std::fabs(a) < std::fabs(b); });
  EXPECT_EQ(q[it - x.begin()] & 0x7F, 0x7E);
}

}  // namespace
}  // namespace moeplan::kernels
