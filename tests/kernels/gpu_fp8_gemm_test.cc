// GPU FP8 quantisation and block-scaled GEMMs against the CPU references on random inputs. Outputs are
// poisoned with 0xFF first, so an element the kernel never writes reads as NaN and fails.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "gpu_test_util.h"
#include "kernels/cpu/fp8_gemm_ref.h"
#include "kernels/cpu/quantize.h"
#include "kernels/cpu/random_fill.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/fp8_gemm.h"

namespace moeplan::kernels {
namespace {

struct HostQuant {
  std::vector<std::uint8_t> q;
  std::vector<float> scales;
};

HostQuant quant_act(const std::vector<float>& x, int m, int k) {
  HostQuant h{std::vector<std::uint8_t>(x.size()), std::vector<float>(static_cast<std::size_t>(m) * quant_blocks(k))};
  quantize_act_1x128(x.data(), m, k, h.q.data(), h.scales.data());
  return h;
}

HostQuant quant_weight(const std::vector<float>& w, int n, int k) {
  HostQuant h{std::vector<std::uint8_t>(w.size()),
              std::vector<float>(static_cast<std::size_t>(quant_blocks(n)) * quant_blocks(k))};
  quantize_weight_128x128(w.data(), n, k, h.q.data(), h.scales.data());
  return h;
}

TEST(GpuQuantize, BitExactWithCpuReference) {
  MOEPLAN_REQUIRE_CUDA_DEVICE();
  Rng rng(41, "kernels");
  const int m = 70, n = 300, k = 520;
  const auto x = random_normal(rng, static_cast<std::size_t>(m) * k, 2.0);
  const auto w = random_normal(rng, static_cast<std::size_t>(n) * k, 0.02);
  const auto ref_a = quant_act(x, m, k);
  const auto ref_w = quant_weight(w, n, k);
  DeviceBuffer<float> dx(x), dw(w);
  DeviceBuffer<std::uint8_t> qa(ref_a.q.size()), qw(ref_w.q.size());
  DeviceBuffer<float> sa(ref_a.scales.size()), sw(ref_w.scales.size());
  for (auto* b : {&qa, &qw}) b->fill_bytes(0xFF);
  sa.fill_bytes(0xFF);
  sw.fill_bytes(0xFF);
  quantize_act_1x128_cuda(dx.get(), m, k, qa.get(), sa.get(), nullptr);
  quantize_weight_128x128_cuda(dw.get(), n, k, qw.get(), sw.get(), nullptr);
  EXPECT_EQ(qa.download(), ref_a.q);
  EXPECT_EQ(sa.download(), ref_a.scales);
  EXPECT_EQ(qw.download(), ref_w.q);
  EXPECT_EQ(sw.download(), ref_w.scales);
}

void check_gemm(int m, int n, int k, std::uint64_t seed) {
  Rng rng(seed, "kernels");
  const auto a = quant_act(random_normal(rng, static_cast<std::size_t>(m) * k), m, k);
  const auto b = quant_weight(random_normal(rng, static_cast<std::size_t>(n) * k, 0.05), n, k);
  std::vector<std::uint16_t> ref(static_cast<std::size_t>(m) * n);
  fp8_gemm_ref(a.q.data(), a.scales.data(), b.q.data(), b.scales.data(), m, n, k, ref.data());
  DeviceBuffer<std::uint8_t> da(a.q), db(b.q);
  DeviceBuffer<float> das(a.scales), dbs(b.scales);
  DeviceBuffer<std::uint16_t> out(ref.size());
  out.fill_bytes(0xFF);
  fp8_gemm_cuda(da.get(), das.get(), db.get(), dbs.get(), m, n, k, out.get(), nullptr);
  const auto got = out.download();
  const double rel = bf16_rel_error_norm(got, ref);
  std::printf("fp8_gemm_cuda %dx%dx%d vs CPU reference: rel. error norm %.3e\n", m, n, k, rel);
  // Both sum each 128-block in FP32, in different orders, then round to BF16: a few BF16 ulps at most.
  EXPECT_LT(rel, 4e-3);
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double r = bf16_decode(ref[i]), g = bf16_decode(got[i]);
    ASSERT_LE(std::fabs(g - r), std::ldexp(std::fabs(r), -6) + 1e-3) << "element " << i;
  }
}

TEST(GpuFp8Gemm, MatchesCpuReference) {
  MOEPLAN_REQUIRE_CUDA_DEVICE();
  check_gemm(256, 384, 1024, 42);  // full tiles
  check_gemm(77, 100, 272, 43);    // ragged M, N and K (16-byte loads)
  check_gemm(33, 65, 200, 44);     // K not a multiple of 16 (byte loads)
}

TEST(GpuFp8Gemm, GroupedMatchesCpuReference) {
  MOEPLAN_REQUIRE_CUDA_DEVICE();
  Rng rng(45, "kernels");
  const int n = 192, k = 384;
  const std::vector<int> offsets = {0, 70, 70, 200, 203, 331};
  const int groups = 5, m = offsets.back();
  const auto a = quant_act(random_normal(rng, static_cast<std::size_t>(m) * k), m, k);
  std::vector<HostQuant> w;
  std::vector<DeviceBuffer<std::uint8_t>> dq;
  std::vector<DeviceBuffer<float>> ds;
  std::vector<const std::uint8_t*> hq, dqp;
  std::vector<const float*> hs, dsp;
  for (int g = 0; g < groups; ++g) {
    w.push_back(quant_weight(random_normal(rng, static_cast<std::size_t>(n) * k, 0.05), n, k));
    dq.emplace_back(w.back().q);
    ds.emplace_back(w.back().scales);
  }
  for (int g = 0; g < groups; ++g) {
    hq.push_back(w[g].q.data());
    hs.push_back(w[g].scales.data());
    dqp.push_back(dq[g].get());
    dsp.push_back(ds[g].get());
  }
  std::vector<std::uint16_t> ref(static_cast<std::size_t>(m) * n);
  fp8_grouped_gemm_ref(a.q.data(), a.scales.data(), hq.data(), hs.data(), offsets.data(), groups, n, k, ref.data());
  DeviceBuffer<std::uint8_t> da(a.q);
  DeviceBuffer<float> das(a.scales);
  DeviceBuffer<std::uint16_t> out(ref.size());
  out.fill_bytes(0xFF);
  const Fp8GroupedGemmCuda gemm(dqp.data(), dsp.data(), offsets.data(), groups, n, k);
  EXPECT_EQ(gemm.tiles(), 2 + 0 + 3 + 1 + 2);  // ceil(rows / 64) per group
  gemm.run(da.get(), das.get(), out.get(), nullptr);
  const double rel = bf16_rel_error_norm(out.download(), ref);
  std::printf("grouped fp8 GEMM (%d groups, %d rows) vs CPU reference: rel. error norm %.3e\n", groups, m, rel);
  EXPECT_LT(rel, 4e-3);
}

}  // namespace
}  // namespace moeplan::kernels
