// GPU paged MLA decode against the CPU reference (DeepSeek-V3 latent sizes, scattered pages, a head count
// that is not a multiple of the kernel's 16-head tile, a sequence that ends mid-page). Output poisoned first.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "gpu_test_util.h"
#include "kernels/cpu/mla_decode_ref.h"
#include "kernels/cpu/random_fill.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/cuda/mla_decode.h"

namespace moeplan::kernels {
namespace {

TEST(GpuMlaDecode, MatchesCpuReference) {
  MOEPLAN_REQUIRE_CUDA_DEVICE();
  Rng rng(51, "kernels");
  const MlaDecodeShape s{4, 20, 300, 576, 512, 64};
  const int max_pages = 5;
  const int total_pages = s.batch * max_pages + 3;
  auto to_bf16 = [](const std::vector<float>& f) {
    std::vector<std::uint16_t> v(f.size());
    for (std::size_t i = 0; i < f.size(); ++i) v[i] = bf16_encode(f[i]);
    return v;
  };
  const auto q = to_bf16(random_normal(rng, static_cast<std::size_t>(s.batch) * s.heads * s.head_dim_k));
  const auto kv = to_bf16(random_normal(rng, static_cast<std::size_t>(total_pages) * s.page_size * s.head_dim_k));
  std::vector<int> pages(total_pages);
  for (int p = 0; p < total_pages; ++p) pages[p] = p;
  for (int p = total_pages - 1; p > 0; --p) {
    std::swap(pages[p], pages[static_cast<int>(rng.below(static_cast<std::uint64_t>(p + 1)))]);
  }
  std::vector<int> table(pages.begin(), pages.begin() + s.batch * max_pages);
  const float scale = 1.0f / std::sqrt(192.0f);
  std::vector<std::uint16_t> ref(static_cast<std::size_t>(s.batch) * s.heads * s.head_dim_v);
  mla_decode_ref(s, q.data(), kv.data(), table.data(), max_pages, scale, ref.data());

  DeviceBuffer<std::uint16_t> dq(q), dkv(kv), out(ref.size());
  DeviceBuffer<int> dtable(table);
  out.fill_bytes(0xFF);
  mla_decode_cuda(s, dq.get(), dkv.get(), dtable.get(), max_pages, scale, out.get(), nullptr);
  const auto got = out.download();
  const double rel = bf16_rel_error_norm(got, ref);
  std::printf("mla_decode_cuda b=%d h=%d L=%d vs CPU reference: rel. error norm %.3e\n", s.batch, s.heads,
              s.seq_len, rel);
  EXPECT_LT(rel, 4e-3);  // FP32 in both, different summation orders, BF16 output
}

TEST(GpuMlaDecode, RejectsUnsupportedHeadDim) {
  MOEPLAN_REQUIRE_CUDA_DEVICE();
  const MlaDecodeShape s{1, 1, 64, 578, 512, 64};
  EXPECT_THROW(mla_decode_cuda(s, nullptr, nullptr, nullptr, 1, 1.0f, nullptr, nullptr), Error);
}

}  // namespace
}  // namespace moeplan::kernels
