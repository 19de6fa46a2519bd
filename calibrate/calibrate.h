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

#include "calibrate/backends.h"
#include "sim/calib/profile.h"

namespace moeplan {

struct CalibrateOptions {
  std::string backend = "cpu";  // "cpu" | "cuda"
  bool quick = false;           // smaller grid and fewer repeats (the CPU backend always uses the small grid)
  std::string out_path;         // profile written here; "" = not written
  // Catalog GPU this machine has (`--gpu`): names the profile, and its scale-up link's achievable bandwidth
  // is what measured NCCL bus bandwidth is expressed against (comm efficiency = measured / catalog).
  // Empty: the profile is named "cuda-device" and collectives are not measured.
  std::string gpu;
  CommReference scale_up;           // filled from the catalog for `gpu` by the caller
  // Comm points of this (published) profile are copied into the measured one, with their sources, for
  // every fabric the run did not measure (a single machine measures its scale-up link at most), so the
  // simulator can use the measured profile end to end. "" = only measured comm curves.
  std::string comm_profile_path;
  // Length of each sustained-load run (sustained_run.h): < 0 = the backend's default (cuda 60 s, 15 s with
  // --quick; cpu 2 s, 0.6 s with --quick); 0 = no sustained run, so the profile's rates are used as measured.
  double sustain_s = -1;
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

// Appends to `into` the comm points of `from` whose fabric `into` has no point of (measured ones win);
// returns how many were copied.
int copy_unmeasured_comm_points(const Profile& from, Profile& into);

// A human-readable summary: points per op class, fitted curves and their fit errors, skipped items.
std::string summarize(const CalibrationReport& report);

}  // namespace moeplan
