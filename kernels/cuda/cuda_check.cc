// MOEPLAN_CUDA_CHECK's error path (see cuda_check.h).
#include "kernels/cuda/cuda_check.h"

#include <string>

#include "sim/units/error.h"

namespace moeplan::kernels {

void cuda_check(cudaError_t status, const char* expr, const char* file, int line) {
  if (status == cudaSuccess) return;
  const std::string message = std::string("CUDA error at ") + file + ":" + std::to_string(line) + ": " + expr +
                              ": " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")";
  const bool environment = status == cudaErrorNoDevice || status == cudaErrorInsufficientDriver;
  throw Error(environment ? ErrorKind::kUser : ErrorKind::kInternal, message);
}

}  // namespace moeplan::kernels
