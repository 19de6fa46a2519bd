// CPU references of the block-scaled FP8 GEMM (plain and grouped) and of a BF16 GEMM.
//
// out[m x n] = A[m x k] . B[n x k]^T (both operands K-major, the "TN" layout tensor cores want). A carries
// 1x128 scales (m x ceil(k/128)), B 128x128 scales (ceil(n/128) x ceil(k/128)), as quantize.h produces.
// The products of each 128-wide K block are summed in FP32 without scales, then the partial sum is
// multiplied by a_scale * b_scale and added to an FP32 accumulator: DeepSeek-V3 §3.3.2 promotes partial sums
// to FP32 on CUDA cores every N_C = 128 elements and applies the fine-grained scales there. Output is BF16.
#pragma once

#include <cstdint>

namespace moeplan::kernels {

void fp8_gemm_ref(const std::uint8_t* a, const float* a_scales, const std::uint8_t* b, const float* b_scales,
                  int m, int n, int k, std::uint16_t* out_bf16);

// Grouped GEMM in the contiguous layout: the rows of A are sorted by expert; group g owns rows
// [offsets[g], offsets[g+1]) of A (and of out, and of a_scales) and multiplies them by its own weight b[g]
// (n x k, scales b_scales[g]). offsets has groups + 1 entries, offsets[0] = 0, non-decreasing.
void fp8_grouped_gemm_ref(const std::uint8_t* a, const float* a_scales, const std::uint8_t* const* b,
                          const float* const* b_scales, const int* offsets, int groups, int n, int k,
                          std::uint16_t* out_bf16);

// BF16 inputs, FP32 accumulation in K order, BF16 output; same TN layout.
void bf16_gemm_ref(const std::uint16_t* a, const std::uint16_t* b, int m, int n, int k, std::uint16_t* out_bf16);

}  // namespace moeplan::kernels
