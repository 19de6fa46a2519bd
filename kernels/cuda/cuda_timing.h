// Host API that a calibration harness calls to time moeplan's CUDA kernels and the cuBLASLt baseline.
//
// Declarations only, compilable without CUDA; the definitions live in moeplan_kernels_cuda, which exists when
// MOEPLAN_HAVE_CUDA is defined (the library exports MOEPLAN_HAVE_CUDA=1), so callers guard calls with it.
// Every timing runs warm-up calls, then `repeats` timed calls cycling through enough copies of the inputs that
// they do not stay resident in L2, and returns the median CUDA-event time per call and, where CUPTI can
// record, the median device time of the kernels each call launched (KernelTime::seconds is the latter when
// present). Without a usable GPU they throw a user
// Error "no CUDA device: <reason>"; they never exit.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kernels/cpu/mla_decode_ref.h"
#include "kernels/timing/kernel_time.h"
#include "kernels/timing/load_window.h"

namespace moeplan::kernels {

// True when a CUDA device can be used; otherwise false and, if reason != nullptr, why (driver error text or
// "no CUDA device is visible").
bool cuda_device_available(std::string* reason);

// One FP8 block-scaled GEMM out[m x n] = A[m x k] . B[n x k]^T (fp8_gemm_cuda).
KernelTime time_fp8_gemm_cuda(int m, int n, int k, int repeats);
// One grouped FP8 GEMM over `groups` experts with m_per_group rows each (Fp8GroupedGemmCuda).
KernelTime time_grouped_fp8_gemm_cuda(int groups, int m_per_group, int n, int k, int repeats);
// One cuBLASLt GEMM of the same layout, FP8 (per-tensor scales) or BF16 inputs.
KernelTime time_cublaslt_gemm(int m, int n, int k, bool fp8, int repeats);
// One paged MLA decode step (mla_decode_cuda) for `shape`, softmax scale 1/sqrt(192).
KernelTime time_mla_decode_cuda(const MlaDecodeShape& shape, int repeats);
// cuBLASLt GEMMs of one shape (FP8 or BF16) back to back for `seconds`, in windows of about `window_s`: each
// window's CUDA-event time and FLOPs, and where NVML answers, the SM clock, power, temperature and clock-limit
// reasons at its end (read-only queries). The first window starts right after three warm-up calls, as the
// timings above do, so it is comparable with them; the later ones show the chip under a steady load. When
// no_sensors_reason != nullptr it receives why NVML gave no readings ("" when it did).
std::vector<LoadWindow> run_sustained_cublaslt_gemm(int m, int n, int k, bool fp8, double seconds, double window_s,
                                                    std::string* no_sensors_reason = nullptr);
// One device-to-device cudaMemcpyAsync of `bytes` (HBM read + write of `bytes` each).
KernelTime time_d2d_copy(std::size_t bytes, int repeats);

}  // namespace moeplan::kernels
