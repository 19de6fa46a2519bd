// Deriving published profiles for GPUs without a per-shape measurement from a measured sibling.
//
// calibrate/profiles/published/derivations.yaml lists, per target GPU, the factors (each a ratio of two
// cited numbers) by which the base profile's fitted curves are scaled: compute by the ratio of measured
// best-shape rates (MAMF table) or of peaks (sibling efficiency carried over), bandwidth by the ratio of
// HBM bandwidths. The derived points are the scaled curve evaluated at the base's shapes, each marked
// `derived: <how>` and unverified; comm points come from an alpha-beta model of cited latency and
// bandwidth. Nothing here invents a measurement: every factor and its source are in the recipe file.
#pragma once

#include <string>
#include <vector>

#include "sim/calib/profile.h"

namespace moeplan {

// Reads the recipe at `recipe_path` (its `base` is relative to the recipe's directory), derives every
// target and returns the profiles, fitted. Throws a user Error naming file:line for a bad recipe.
std::vector<Profile> derive_profiles(const std::string& recipe_path, const std::string& moeplan_version);

}  // namespace moeplan
