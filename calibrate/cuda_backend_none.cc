// The CUDA backend of a binary that links no CUDA library: the plain `moeplan` executable, which starts in
// milliseconds because it does not load the CUDA runtime, cuBLASLt, CUPTI or NCCL. `moeplan calibrate
// --backend cuda` runs the moeplan-full executable instead (cli/full_binary.h), which links
// cuda_backend.cc; these functions answer only where that one does not exist or was not used.
#include "calibrate/backends.h"
#include "sim/units/error.h"

namespace moeplan {

bool cuda_backend_built() { return false; }

void measure_cuda_sustained(double, Profile&, BackendResult&) {
  throw_user_error("cuda calibration backend: this binary has no CUDA kernels linked in",
                   ErrorContext{.hint = "run moeplan-full calibrate --backend cuda (built when nvcc is found)"});
}

BackendResult measure_cuda(const CalibrationGrid&, bool, const CommReference&, Profile&) {
  throw_user_error(
      "cuda calibration backend: this binary has no CUDA kernels linked in (moeplan-full has them when nvcc "
      "was found at configure time and MOEPLAN_ENABLE_CUDA=ON)",
      ErrorContext{.hint = "use --backend cpu, or build with CUDA and run moeplan-full"});
}

}  // namespace moeplan
