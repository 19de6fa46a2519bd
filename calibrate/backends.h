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

// Sustained-load runs (sustained_run.h), `seconds` each: the BF16 reference GEMM on the CPU; cuBLASLt BF16
// and FP8 GEMMs on CUDA, with NVML sensor readings where the driver has NVML. Each run appends one
// SustainedPoint to out.sustained_points; a run that cannot happen here (FP8 on a GPU without FP8 tensor
// cores) is listed in r.skipped with the reason.
void measure_cpu_sustained(double seconds, Profile& out, BackendResult& r);
void measure_cuda_sustained(double seconds, Profile& out, BackendResult& r);

}  // namespace moeplan
