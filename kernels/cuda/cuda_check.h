// Checking every CUDA runtime call: MOEPLAN_CUDA_CHECK(expr) throws moeplan::Error naming the call, file:line
// and cudaGetErrorString. "No device" and "driver too old" are user errors (the machine, not moeplan, is at
// fault); anything else is internal. CUDA-only header.
#pragma once

#include <cuda_runtime.h>

namespace moeplan::kernels {

void cuda_check(cudaError_t status, const char* expr, const char* file, int line);

}  // namespace moeplan::kernels

#define MOEPLAN_CUDA_CHECK(expr) ::moeplan::kernels::cuda_check((expr), #expr, __FILE__, __LINE__)
// After a kernel launch: reports launch-configuration errors at the launch site.
#define MOEPLAN_CUDA_CHECK_LAUNCH() MOEPLAN_CUDA_CHECK(cudaGetLastError())

#include <string>
#include <utility>

#include "sim/units/error.h"

namespace moeplan::kernels {

// An ErrorContext saying what a valid value looks like (the .cu files build as C++17, without designated
// initialisers).
inline ErrorContext expecting(std::string expected) {
  ErrorContext context;
  context.expected = std::move(expected);
  return context;
}

}  // namespace moeplan::kernels
