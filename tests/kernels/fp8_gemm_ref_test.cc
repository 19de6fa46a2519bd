// The FP8 block-scaled GEMM references (plain and grouped) and the BF16 GEMM reference against double-precision
// products of the same (dequantised) inputs. FP32 partial sums and a BF16 output allow a relative error of
// about 2^-8 per element; the error against the unquantised inputs shows what FP8 itself costs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "kernels/cpu/fp8.h"
#include "kernels/cpu/fp8_gemm_ref.h"
#include "kernels/cpu/quantize.h"
#include "kernels/cpu/random_fill.h"

namespace moeplan::kernels {
namespace {

struct Quantized {
  std::vector<float> x;  // original values
  std::vector<std::uint8_t> q;
  std::vector<float> scales;
};

Quantized make_act(Rng& rng, int m, int k) {
  Quantized a{random_normal(rng, static_cast<std::size_t>(m) * k), {}, {}};
  // Per-row, per-tile magnitudes that differ by orders of magnitude, so a scale applied to the wrong tile
  // shows up as a large error.
  for (int i = 0; i < m; ++i)
    for (int c = 0; c < k; ++c) a.x[i * k + c] *= static_cast<float>(std::pow(4.0, (i + c / 128) % 5 - 2));
  a.q.resize(a.x.size());
  a.scales.resize(static_cast<std::size_t>(m) * quant_blocks(k));
  quantize_act_1x128(a.x.data(), m, k, a.q.data(), a.scales.data());
  return a;
}

Quantized make_weight(Rng& rng, int n, int k) {
  Quantized b{random_normal(rng, static_cast<std::size_t>(n) * k, 0.05), {}, {}};
  b.q.resize(b.x.size());
  b.scales.resize(static_cast<std::size_t>(quant_blocks(n)) * quant_blocks(k));
  quantize_weight_128x128(b.x.data(), n, k, b.q.data(), b.scales.data());
  return b;
}

// Double-precision product of the dequantised operands for rows [r0, r1).
void check_rows(const Quantized& a, const Quantized& b, int r0, int r1, int n, int k, const std::uint16_t* out,
                double* err2, double* ref2, double* fp8_err2) {
  const int kb = quant_blocks(k);
  for (int i = r0; i < r1; ++i) {
    for (int j = 0; j < n; ++j) {
      double ref = 0.0, abs_sum = 0.0, exact = 0.0;
      for (int c = 0; c < k; ++c) {
        const double av = double(fp8_e4m3_decode(a.q[i * k + c])) * a.scales[i * kb + c / 128];
        const double bv = double(fp8_e4m3_decode(b.q[j * k + c])) * b.scales[(j / 128) * kb + c / 128];
        ref += av * bv;
        abs_sum += std::fabs(av * bv);
        exact += double(a.x[i * k + c]) * double(b.x[j * k + c]);
      }
      const double got = bf16_decode(out[i * n + j]);
      // BF16 output rounding (2^-9 relative) plus FP32 summation error (~k * 2^-24 of the absolute sum).
      const double tol = std::ldexp(std::fabs(ref), -8) + abs_sum * k * std::ldexp(1.0, -23);
      ASSERT_LE(std::fabs(got - ref), tol) << "row " << i << " col " << j << " got " << got << " ref " << ref;
      *err2 += (got - ref) * (got - ref);
      *ref2 += ref * ref;
      *fp8_err2 += (got - exact) * (got - exact);
    }
  }
}

TEST(Fp8GemmRef, MatchesDoubleOfDequantisedInputs) {
  Rng rng(11, "kernels");
  const int m = 45, n = 150, k = 400;  // none a multiple of 128
  const auto a = make_act(rng, m, k);
  const auto b = make_weight(rng, n, k);
  std::vector<std::uint16_t> out(static_cast<std::size_t>(m) * n, 0xFFFF);
  fp8_gemm_ref(a.q.data(), a.scales.data(), b.q.data(), b.scales.data(), m, n, k, out.data());
  double err2 = 0.0, ref2 = 0.0, fp8_err2 = 0.0;
  check_rows(a, b, 0, m, n, k, out.data(), &err2, &ref2, &fp8_err2);
  const double rel = std::sqrt(err2 / ref2), rel_fp8 = std::sqrt(fp8_err2 / ref2);
  std::printf("fp8_gemm_ref %dx%dx%d: rel. error norm vs double of dequantised inputs %.3e, vs unquantised %.3e\n",
              m, n, k, rel, rel_fp8);
  EXPECT_LT(rel, 2e-3);
  EXPECT_LT(rel_fp8, 0.05);
  EXPECT_GT(rel_fp8, rel);  // quantisation error dominates output rounding
}

TEST(Fp8GemmRef, GroupedContiguousLayout) {
  Rng rng(12, "kernels");
  const int n = 96, k = 256;
  const std::vector<int> offsets = {0, 13, 13, 77, 80};  // group 1 is empty
  const int groups = 4, m = offsets.back();
  const auto a = make_act(rng, m, k);
  std::vector<Quantized> w;
  std::vector<const std::uint8_t*> bq;
  std::vector<const float*> bs;
  for (int g = 0; g < groups; ++g) w.push_back(make_weight(rng, n, k));
  for (const auto& wg : w) {
    bq.push_back(wg.q.data());
    bs.push_back(wg.scales.data());
  }
  std::vector<std::uint16_t> out(static_cast<std::size_t>(m) * n, 0xFFFF);
  fp8_grouped_gemm_ref(a.q.data(), a.scales.data(), bq.data(), bs.data(), offsets.data(), groups, n, k, out.data());
  double err2 = 0.0, ref2 = 0.0, fp8_err2 = 0.0;
  for (int g = 0; g < groups; ++g) check_rows(a, w[g], offsets[g], offsets[g + 1], n, k, out.data(), &err2, &ref2, &fp8_err2);
  const double rel = std::sqrt(err2 / ref2);
  std::printf("fp8_grouped_gemm_ref %d groups, %d rows: rel. error norm %.3e\n", groups, m, rel);
  EXPECT_LT(rel, 2e-3);
  // Each group's rows equal a plain GEMM of those rows with that group's weight, bit for bit.
  const int g = 2, rows = offsets[g + 1] - offsets[g];
  std::vector<std::uint16_t> plain(static_cast<std::size_t>(rows) * n);
  fp8_gemm_ref(a.q.data() + offsets[g] * k, a.scales.data() + offsets[g] * quant_blocks(k), w[g].q.data(),
               w[g].scales.data(), rows, n, k, plain.data());
  for (int i = 0; i < rows * n; ++i) ASSERT_EQ(plain[i], out[offsets[g] * n + i]);
}

TEST(Fp8GemmRef, RejectsDecreasingOffsets) {
  const std::vector<int> offsets = {0, 4, 2};
  std::vector<std::uint8_t> a(4 * 128), b(128 * 128);
  std::vector<float> as(4), bsc(1);
  const std::uint8_t* bq[2] = {b.data(), b.data()};
  const float* bs[2] = {bsc.data(), bsc.data()};
  std::vector<std::uint16_t> out(4 * 128);
  EXPECT_ANY_THROW(fp8_grouped_gemm_ref(a.data(), as.data(), bq, bs, offsets.data(), 2, 128, 128, out.data()));
}

TEST(Bf16GemmRef, MatchesDouble) {
  Rng rng(13, "kernels");
  const int m = 33, n = 70, k = 300;
  const auto af = random_normal(rng, static_cast<std::size_t>(m) * k);
  const auto bf = random_normal(rng, static_cast<std::size_t>(n) * k);
  std::vector<std::uint16_t> a(af.size()), b(bf.size()), out(static_cast<std::size_t>(m) * n, 0xFFFF);
  for (std::size_t i = 0; i < af.size(); ++i) a[i] = bf16_encode(af[i]);
  for (std::size_t i = 0; i < bf.size(); ++i) b[i] = bf16_encode(bf[i]);
  bf16_gemm_ref(a.data(), b.data(), m, n, k, out.data());
  double err2 = 0.0, ref2 = 0.0;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double ref = 0.0, abs_sum = 0.0;
      for (int c = 0; c < k; ++c) {
        const double p = double(bf16_decode(a[i * k + c])) * double(bf16_decode(b[j * k + c]));
        ref += p;
        abs_sum += std::fabs(p);
      }
      const double got = bf16_decode(out[i * n + j]);
      ASSERT_LE(std::fabs(got - ref), std::ldexp(std::fabs(ref), -8) + abs_sum * k * std::ldexp(1.0, -23));
      err2 += (got - ref) * (got - ref);
      ref2 += ref * ref;
    }
  }
  const double rel = std::sqrt(err2 / ref2);
  std::printf("bf16_gemm_ref %dx%dx%d: rel. error norm %.3e\n", m, n, k, rel);
  EXPECT_LT(rel, 2e-3);
}

}  // namespace
}  // namespace moeplan::kernels
