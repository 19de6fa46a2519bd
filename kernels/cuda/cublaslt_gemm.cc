// cuBLASLt baseline GEMM (see cublaslt_gemm.h).
//
// cuBLASLt is column-major. The row-major out[m x n] is the column-major n x m matrix out^T = B . A^T, so the
// first cuBLASLt operand is our B (stored k x n column-major, transposed) and the second our A (k x m,
// not transposed): the "TN" form cuBLASLt requires for FP8 (cuBLAS documentation, cublasLtMatmul FP8 notes).
#include "kernels/cuda/cublaslt_gemm.h"

#include <cuda_bf16.h>
#include <cuda_fp8.h>

#include <string>

#include "kernels/cuda/cuda_check.h"
#include "sim/units/error.h"

namespace moeplan::kernels {
namespace {

void cublas_check(cublasStatus_t status, const char* expr, int line) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw Error(ErrorKind::kInternal, std::string("cuBLASLt error at ") + __FILE__ + ":" + std::to_string(line) +
                                        ": " + expr + ": " + cublasLtGetStatusName(status) + " (" +
                                        cublasLtGetStatusString(status) + ")");
}

#define MOEPLAN_CUBLAS_CHECK(expr) cublas_check((expr), #expr, __LINE__)

constexpr std::size_t kWorkspaceBytes = 32u << 20;

}  // namespace

CublasLtGemm::CublasLtGemm(int m, int n, int k, bool fp8) : m_(m), n_(n), k_(k), fp8_(fp8) {
  if (m <= 0 || n <= 0 || k <= 0) {
    throw_user_error("cuBLASLt GEMM: dimensions must be positive", ErrorContext{.expected = "m, n, k > 0"});
  }
  int device = 0, major = 0, minor = 0;
  MOEPLAN_CUDA_CHECK(cudaGetDevice(&device));
  MOEPLAN_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  MOEPLAN_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
  if (fp8 && major * 10 + minor < 89) {
    throw_user_error("cuBLASLt FP8 GEMM needs compute capability 8.9 or newer, this GPU is " +
                         std::to_string(major) + "." + std::to_string(minor),
                     ErrorContext{.hint = "time the BF16 GEMM instead"});
  }
  workspace_ = DeviceBuffer<unsigned char>(kWorkspaceBytes);
  const cudaDataType_t in_type = fp8 ? CUDA_R_8F_E4M3 : CUDA_R_16BF;
  MOEPLAN_CUBLAS_CHECK(cublasLtCreate(&handle_));
  MOEPLAN_CUBLAS_CHECK(cublasLtMatmulDescCreate(&op_, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t trans = CUBLAS_OP_T, no_trans = CUBLAS_OP_N;
  MOEPLAN_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_TRANSA, &trans, sizeof(trans)));
  MOEPLAN_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_TRANSB, &no_trans, sizeof(no_trans)));
  MOEPLAN_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&a_layout_, in_type, k, n, k));  // our B, k x n col-major
  MOEPLAN_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&b_layout_, in_type, k, m, k));  // our A, k x m col-major
  MOEPLAN_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&d_layout_, CUDA_R_16BF, n, m, n));

  cublasLtMatmulPreference_t pref = nullptr;
  MOEPLAN_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref));
  const std::size_t ws = kWorkspaceBytes;
  MOEPLAN_CUBLAS_CHECK(
      cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws)));
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  const cublasStatus_t status =
      cublasLtMatmulAlgoGetHeuristic(handle_, op_, a_layout_, b_layout_, d_layout_, d_layout_, pref, 1, &result, &found);
  cublasLtMatmulPreferenceDestroy(pref);
  MOEPLAN_CUBLAS_CHECK(status);
  if (found == 0) {
    throw_user_error("cuBLASLt found no algorithm for " + std::string(fp8 ? "FP8" : "BF16") + " GEMM " +
                     std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k));
  }
  algo_ = result.algo;
}

CublasLtGemm::~CublasLtGemm() {
  if (d_layout_ != nullptr) cublasLtMatrixLayoutDestroy(d_layout_);
  if (b_layout_ != nullptr) cublasLtMatrixLayoutDestroy(b_layout_);
  if (a_layout_ != nullptr) cublasLtMatrixLayoutDestroy(a_layout_);
  if (op_ != nullptr) cublasLtMatmulDescDestroy(op_);
  if (handle_ != nullptr) cublasLtDestroy(handle_);
}

void CublasLtGemm::run(const void* a, const void* b, void* out, cudaStream_t stream, const float* a_scale,
                       const float* b_scale) {
  if (fp8_) {
    // Operand roles are swapped (see the file comment): cuBLASLt's A is our B.
    MOEPLAN_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &b_scale,
                                                        sizeof(b_scale)));
    MOEPLAN_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op_, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &a_scale,
                                                        sizeof(a_scale)));
  }
  const float alpha = 1.0f, beta = 0.0f;
  MOEPLAN_CUBLAS_CHECK(cublasLtMatmul(handle_, op_, &alpha, b, a_layout_, a, b_layout_, &beta, out, d_layout_, out,
                                      d_layout_, &algo_, workspace_.get(), workspace_.bytes(), stream));
}

}  // namespace moeplan::kernels
