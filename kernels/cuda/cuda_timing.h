// Host API that a calibration harness calls to time moeplan's CUDA kernels and the cuBLASLt baseline.
//
// Declarations only, compilable without CUDA; the definitions live in moeplan_kernels_cuda, which exists when
// MOEPLAN_HAVE_CUDA is defined (the library exports MOEPLAN_HAVE_CUDA=1), so callers guard calls with it.
// Every timing returns the median over `repeats` CUDA-event-timed runs, after warm-up runs, cycling through
// enough copies of the inputs that they do not stay resident in L2. Without a usable GPU they throw a user
// Error "no CUDA device: <reason>"; they never exit.
#pragma once

#include <cstddef>
#include <string>

#include "kernels/cpu/mla_decode_ref.h"

namespace moeplan::kernels {

// True when a CUDA device can be used; otherwise false and, if reason != nullptr, why (driver error text or
// "no CUDA device is visible").
bool cuda_device_available(std::string* reason);

// Seconds per FP8 block-scaled GEMM out[m x n] = A[m x k] . B[n x k]^T (fp8_gemm_cuda).
double time_fp8_gemm_cuda(int m, int n, int k, int repeats);
// Seconds per grouped FP8 GEMM over `groups` experts with m_per_group rows each (Fp8GroupedGemmCuda).
double time_grouped_fp8_gemm_cuda(int groups, int m_per_group, int n, int k, int repeats);
// Seconds per cuBLASLt GEMM of the same layout, FP8 (per-tensor scales) or BF16 inputs.
double time_cublaslt_gemm(int m, int n, int k, bool fp8, int repeats);
// Seconds per paged MLA decode step (mla_decode_cuda) for `shape`, softmax scale 1/sqrt(192).
double time_mla_decode_cuda(const MlaDecodeShape& shape, int repeats);
// Seconds per device-to-device cudaMemcpyAsync of `bytes` (HBM read + write of `bytes` each).
double time_d2d_copy(std::size_t bytes, int repeats);

}  // namespace moeplan::kernels
