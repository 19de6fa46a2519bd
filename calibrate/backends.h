// Timing backends of the harness. Each appends measured raw points (with per-point source text) to a
// profile and notes what it skipped; the fitting and writing is common (calibrate.cc).
#pragma once

#include <string>
#include <vector>

#include "calibrate/shape_grid.h"
#include "sim/calib/profile.h"

namespace moeplan {

// The link measured collectives are compared with: the catalog's scale-up fabric of the GPU.
struct CommReference {
  std::string fabric_name;          // catalog key, e.g. "nvlink4"; "" = unknown (collectives not measured)
  FabricKind kind = FabricKind::kNvlink;
  double achievable_Bps = 0;        // per direction
};

struct BackendResult {
  std::vector<std::string> skipped;
  int kernels_timed = 0;
};

// CPU reference kernels (kernels/cpu) and a memcpy bandwidth test.
BackendResult measure_cpu(const CalibrationGrid& grid, bool quick, Profile& out);

// True when this build has the CUDA timing functions.
bool cuda_backend_built();
// CUDA kernels, cuBLASLt GEMMs, D2D copies, and NCCL all-reduce / all-to-all when two or more devices are
// visible and `scale_up` names the link to compare with. Throws a user Error when no device is usable (with
// the reason) or when the build has no CUDA.
BackendResult measure_cuda(const CalibrationGrid& grid, bool quick, const CommReference& scale_up, Profile& out);

}  // namespace moeplan
