// CPU references of the FP8 block-scaled GEMMs and the BF16 GEMM (see fp8_gemm_ref.h).
#include "kernels/cpu/fp8_gemm_ref.h"

#include <algorithm>
#include <array>
#include <string>

#include "kernels/cpu/fp8.h"
#include "kernels/cpu/quantize.h"
#include "sim/units/error.h"

namespace moeplan::kernels {
namespace {

void check_gemm_dims(int m, int n, int k, const char* what) {
  if (m < 0 || n < 0 || k < 0) {
    throw_user_error(std::string(what) + ": negative GEMM dimension (m=" + std::to_string(m) +
                         ", n=" + std::to_string(n) + ", k=" + std::to_string(k) + ")",
                     ErrorContext{.expected = "m, n, k >= 0"});
  }
}

std::array<float, 256> fp8_decode_table() {
  std::array<float, 256> table{};
  for (int v = 0; v < 256; ++v) table[v] = fp8_e4m3_decode(static_cast<std::uint8_t>(v));
  return table;
}

// Rows [row0, row1) of the block-scaled product against one weight matrix.
void fp8_gemm_rows(const std::array<float, 256>& dec, const std::uint8_t* a, const float* a_scales,
                   const std::uint8_t* b, const float* b_scales, int row0, int row1, int n, int k,
                   std::uint16_t* out) {
  const int kb_count = quant_blocks(k);
  for (int i = row0; i < row1; ++i) {
    const std::uint8_t* arow = a + static_cast<std::size_t>(i) * k;
    for (int j = 0; j < n; ++j) {
      const std::uint8_t* brow = b + static_cast<std::size_t>(j) * k;
      const float* bs = b_scales + static_cast<std::size_t>(j / kQuantBlock) * kb_count;
      float acc = 0.0f;
      for (int kb = 0; kb < kb_count; ++kb) {
        const int k0 = kb * kQuantBlock;
        const int k1 = std::min(k, k0 + kQuantBlock);
        // A product of two E4M3 values has at most 8 significant bits, so each product is exact in FP32;
        // only the additions round.
        float partial = 0.0f;
        for (int c = k0; c < k1; ++c) partial += dec[arow[c]] * dec[brow[c]];
        acc += partial * (a_scales[static_cast<std::size_t>(i) * kb_count + kb] * bs[kb]);
      }
      out[static_cast<std::size_t>(i) * n + j] = bf16_encode(acc);
    }
  }
}

}  // namespace

void fp8_gemm_ref(const std::uint8_t* a, const float* a_scales, const std::uint8_t* b, const float* b_scales,
                  int m, int n, int k, std::uint16_t* out_bf16) {
  check_gemm_dims(m, n, k, "fp8_gemm_ref");
  const auto dec = fp8_decode_table();
  fp8_gemm_rows(dec, a, a_scales, b, b_scales, 0, m, n, k, out_bf16);
}

void fp8_grouped_gemm_ref(const std::uint8_t* a, const float* a_scales, const std::uint8_t* const* b,
                          const float* const* b_scales, const int* offsets, int groups, int n, int k,
                          std::uint16_t* out_bf16) {
  check_gemm_dims(0, n, k, "fp8_grouped_gemm_ref");
  if (groups < 0 || (groups > 0 && offsets[0] != 0)) {
    throw_user_error("fp8_grouped_gemm_ref: bad group offsets",
                     ErrorContext{.expected = "groups >= 0 and offsets[0] == 0"});
  }
  const auto dec = fp8_decode_table();
  for (int g = 0; g < groups; ++g) {
    if (offsets[g + 1] < offsets[g]) {
      throw_user_error("fp8_grouped_gemm_ref: offsets decrease at group " + std::to_string(g),
                       ErrorContext{.expected = "non-decreasing offsets (rows sorted by group)"});
    }
    fp8_gemm_rows(dec, a, a_scales, b[g], b_scales[g], offsets[g], offsets[g + 1], n, k, out_bf16);
  }
}

void bf16_gemm_ref(const std::uint16_t* a, const std::uint16_t* b, int m, int n, int k, std::uint16_t* out_bf16) {
  check_gemm_dims(m, n, k, "bf16_gemm_ref");
  for (int i = 0; i < m; ++i) {
    const std::uint16_t* arow = a + static_cast<std::size_t>(i) * k;
    for (int j = 0; j < n; ++j) {
      const std::uint16_t* brow = b + static_cast<std::size_t>(j) * k;
      float acc = 0.0f;
      for (int c = 0; c < k; ++c) acc += bf16_decode(arow[c]) * bf16_decode(brow[c]);
      out_bf16[static_cast<std::size_t>(i) * n + j] = bf16_encode(acc);
    }
  }
}

}  // namespace moeplan::kernels
