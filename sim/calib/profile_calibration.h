// ProfileCalibration: the Calibration a simulation uses, backed by one profile file and the GpuSpec of the
// GPU it describes; plus finding and loading the shipped profiles.
//
// Lookups fall back only where the hardware justifies it: FP16 uses the BF16 curve (same tensor-core
// rate on every catalog GPU, hardware.md §1a), FP8 on a GPU without FP8 tensor cores runs at the BF16
// curve, a grouped GEMM without its own curve uses the dense one, a backward GEMM without a curve of its
// pass uses the forward one (the same kernel family with transposed operands), backward-weight attention
// uses the backward-input rate, an attention kernel the profile lacks uses its nearest generation.
// Anything else missing is a user error naming the profile and what is missing.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/calib/calibration.h"
#include "sim/calib/profile.h"
#include "sim/spec/hardware_spec.h"

namespace moeplan {

class ProfileCalibration : public Calibration {
 public:
  // Throws a user Error when a published profile names another GPU than `gpu` (measured profiles are
  // accepted for any GPU: the user measured that device on purpose), or when curves are unusable.
  ProfileCalibration(Profile profile, const GpuSpec& gpu);

  const ProfileInfo& info() const override { return info_; }
  double gemm_flops_per_s(const GemmShape& shape, DType dtype, Pass pass = Pass::kForward) const override;
  // The points of one kernel generation answer: the requested one; if the profile has none usable for the
  // pass, its newest older one, else its oldest newer one. Within it: the pass's own points, else
  // forward_backward ones; the nearest head dim (in log); the same mask where there are points of it. Rates
  // are interpolated linearly in log(seq_len) between those points and clamped at the ends; seq_len <= 0
  // takes the largest. A dtype without points uses BF16's; backward_weight uses backward_input.
  AttentionRate attention_rate(const AttentionQuery& query) const override;
  double kernel_gap_s(bool cuda_graphs) const override;
  double memory_bytes_per_s() const override;
  double comm_efficiency(FabricKind fabric, double message_bytes) const override;

  const Profile& profile() const { return profile_; }
  // Factor (<= 1) on the compute rate of GEMMs running in `dtype` and of attention (BF16) under a steady
  // load: the profile's sustained run of that dtype, else its BF16 run (the clock limit is the chip's), else
  // 1 (the profile has no sustained run: its short-run rates are used as they are). A measured ratio above 1
  // (the first window caught the clock still ramping up) is applied as 1.
  double sustained_factor(DType dtype) const;
  // Time of one GEMM (all groups) under the curve used for (shape, dtype, pass), and that curve. The search
  // order keeps the dtype first, then the pass, then the kind: an FP8 wgrad curve of the other kind beats
  // the forward curve of this kind, because the weight-gradient kernel, not the grouping, sets the rate.
  double gemm_time_s(const GemmShape& shape, DType dtype, Pass pass = Pass::kForward) const;
  const GemmCurve& gemm_curve_for(GemmKind kind, DType dtype, Pass pass = Pass::kForward) const;

 private:
  Profile profile_;
  GpuSpec gpu_;
  ProfileInfo info_;
  std::vector<GemmCurve> fp32_scaled_;  // BF16 curves rescaled to FP32 peaks when no FP32 curve exists
  // The fastest measured (or derived) point of each curve's kind, dtype and pass (same order as the profile's
  // curves; 0 without points): no shape runs faster.
  std::vector<double> best_point_flops_per_s_;
  double best_point_flops_per_s(const GemmCurve& curve) const;
};

// Reads the profile at `path` and wraps it for `gpu`.
std::unique_ptr<Calibration> load_calibration(const std::string& path, const GpuSpec& gpu);

// <profiles_dir>/<gpu.profile>.yaml, or <gpu.name>.yaml when the GPU names no profile.
std::string default_profile_path(const GpuSpec& gpu, const std::string& profiles_dir);

// The profile file a scenario's `calibration` key names: a bare name ("h800-sxm-2024") is a profile in
// `profiles_dir`; a path is taken relative to the scenario file's directory when it exists there, else as
// given. An empty key means the GPU's default profile. Existence is checked by the loader, not here.
std::string scenario_profile_path(const std::string& calibration_key, const std::string& scenario_file,
                                  const GpuSpec& gpu, const std::string& profiles_dir);

// The first existing directory of: $MOEPLAN_PROFILES, then calibrate/profiles under each data root
// (io/data_dir.h). `exe_path` "" means this process's executable (/proc/self/exe). Throws a user Error
// listing the places tried.
std::string find_profiles_dir(const std::string& exe_path = "");

}  // namespace moeplan
