// A cuBLASLt GEMM in the same TN layout as the moeplan kernels (out[m x n] = A[m x k] . B[n x k]^T, BF16
// output, FP32 accumulation), FP8 E4M3 or BF16 inputs, used as the vendor baseline in timing comparisons.
// FP8 uses per-tensor scales (one float per operand, device pointers), not DeepSeek's block scales.
// CUDA-only header.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cstddef>

#include "kernels/cuda/device_buffer.h"

namespace moeplan::kernels {

class CublasLtGemm {
 public:
  // Picks cuBLASLt's heuristic-best algorithm for this shape. Throws a user Error when FP8 is requested on a
  // GPU below sm_89 or no algorithm exists.
  CublasLtGemm(int m, int n, int k, bool fp8);
  ~CublasLtGemm();
  CublasLtGemm(const CublasLtGemm&) = delete;
  CublasLtGemm& operator=(const CublasLtGemm&) = delete;

  // a: m x k, b: n x k (E4M3 bytes or BF16 bits), out: m x n BF16 bits. For FP8, a_scale / b_scale point to one
  // device float each (nullptr means 1).
  void run(const void* a, const void* b, void* out, cudaStream_t stream, const float* a_scale = nullptr,
           const float* b_scale = nullptr);

 private:
  int m_, n_, k_;
  bool fp8_;
  cublasLtHandle_t handle_ = nullptr;
  cublasLtMatmulDesc_t op_ = nullptr;
  cublasLtMatrixLayout_t a_layout_ = nullptr, b_layout_ = nullptr, d_layout_ = nullptr;
  cublasLtMatmulAlgo_t algo_{};
  DeviceBuffer<unsigned char> workspace_;
};

}  // namespace moeplan::kernels
