// Reading and writing calibration profile files (format: calibrate/README.md).
//
// Profiles are user input: every error names file:line:column, the key path, what was expected and, for
// an unknown key, the closest valid one.
#pragma once

#include <string>

#include "sim/calib/profile.h"

namespace moeplan {

inline constexpr int kProfileFormatVersion = 1;
// Accepted range of a sustained run's sustained / burst rate (section `sustained`).
inline constexpr double kMinSustainedRatio = 0.2;
inline constexpr double kMaxSustainedRatio = 1.2;

// Parses profile text; `name` is used as the file name in error messages.
Profile parse_profile(const std::string& text, const std::string& name);
// Reads a profile file. When the file has no `curves` section the curves are fitted from its points.
Profile read_profile(const std::string& path);

// Renders a profile (points and curves) as YAML.
std::string profile_to_yaml(const Profile& profile);
// Writes profile_to_yaml to `path`; throws a user Error when the file cannot be written.
void write_profile(const Profile& profile, const std::string& path);

// Names used in the file for enums; parse_* throw a user Error listing the valid names.
GemmKind parse_gemm_kind(const std::string& s);
DType parse_profile_dtype(const std::string& s);
Pass parse_pass(const std::string& s);
// An attention kernel generation name (unfused, megatron-fused, fa1, ...); the error lists them all.
AttentionKernel parse_profile_attention_kernel(const std::string& s);
FabricKind parse_fabric_kind(const std::string& s);

}  // namespace moeplan
