// CUDA FP8 block-scaled GEMMs (plain and grouped contiguous) and the FP8 quantisation kernels. Same math and
// layouts as the CPU references in kernels/cpu/{quantize,fp8_gemm_ref}.h; all pointers here are device
// pointers and work is enqueued on `stream`. CUDA-only header.
//
// The GEMM multiplies 128-wide K blocks on tensor cores (mma.sync m16n8k32 e4m3, sm_89+; a CUDA-core FP32
// path on sm_80, which has no FP8 tensor cores), keeps each block's sum as an FP32 partial and promotes it into
// the FP32 accumulator with a_scale * b_scale, as DeepSeek-V3 §3.3.2 does every N_C = 128 elements.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "kernels/cuda/device_buffer.h"

namespace moeplan::kernels {

void quantize_act_1x128_cuda(const float* x, int m, int k, std::uint8_t* q, float* scales, cudaStream_t stream);
void quantize_weight_128x128_cuda(const float* w, int n, int k, std::uint8_t* q, float* scales,
                                  cudaStream_t stream);

// out[m x n] (BF16 bits) = A[m x k] . B[n x k]^T with 1x128 A scales and 128x128 B scales.
void fp8_gemm_cuda(const std::uint8_t* a, const float* a_scales, const std::uint8_t* b, const float* b_scales,
                   int m, int n, int k, std::uint16_t* out_bf16, cudaStream_t stream);

// Grouped GEMM over the contiguous layout (rows of A sorted by group, group g owns rows
// [offsets[g], offsets[g+1])). Construction uploads the per-tile schedule and the weight pointer tables once,
// so timing loops measure only the kernel. b / b_scales / offsets are HOST arrays (of device pointers for b).
class Fp8GroupedGemmCuda {
 public:
  Fp8GroupedGemmCuda(const std::uint8_t* const* b, const float* const* b_scales, const int* offsets, int groups,
                     int n, int k);
  void run(const std::uint8_t* a, const float* a_scales, std::uint16_t* out_bf16, cudaStream_t stream) const;
  int tiles() const { return tiles_; }

 private:
  int n_ = 0, k_ = 0, tiles_ = 0;
  DeviceBuffer<int> tile_desc_;  // tiles_ x {group, row0, row1, pad}
  DeviceBuffer<const std::uint8_t*> b_;
  DeviceBuffer<const float*> b_scales_;
};

}  // namespace moeplan::kernels
