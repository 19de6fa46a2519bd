// The calibration harness: time the kernels on this machine, fit the curves, write a profile.
//
// Pipeline: shape grid (shape_grid.h, DeepSeek-V3's dense, attention and per-expert GEMM shapes for
// prefill, decode and training) -> backend timing (CPU reference kernels + memcpy, or CUDA kernels,
// cuBLASLt GEMMs and device copies) -> raw points -> least-squares curves (sim/calib/curve_fit.h) ->
// profile YAML that load_calibration() reads back. The CPU backend keeps the whole pipeline testable
// without a GPU; its numbers describe this CPU, not any GPU.
#pragma once

#include <string>
#include <vector>

#include "sim/calib/profile.h"

namespace moeplan {

struct CalibrateOptions {
  std::string backend = "cpu";  // "cpu" | "cuda"
  bool quick = false;           // smaller grid and fewer repeats (the CPU backend always uses the small grid)
  std::string out_path;         // profile written here; "" = not written
  // Collectives cannot be measured by a single-process run (NCCL is not used): when set, the comm points
  // of this (published) profile are copied into the measured one with their sources, so the simulator
  // can use the measured profile end to end. "" = the profile has no comm curves.
  std::string comm_profile_path;
};

struct CalibrationReport {
  std::string backend;
  Profile profile;                    // header, raw points, fitted curves with their nrmse
  std::vector<std::string> skipped;   // what was not measured, and why
  int kernels_timed = 0;
  double wall_time_s = 0;
  std::string out_path;               // where the profile was written ("" = not written)
};

// Runs the calibration. Throws moeplan::Error (user) for an unknown backend, for the cuda backend when
// this build has no CUDA or the machine has no usable device (the message says why), or when the
// profile cannot be written.
CalibrationReport run_calibration(const CalibrateOptions& options);

// A human-readable summary: points per op class, fitted curves and their fit errors, skipped items.
std::string summarize(const CalibrationReport& report);

}  // namespace moeplan
