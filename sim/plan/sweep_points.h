// Sweep points: the cartesian product of a scenario's sweep axes, each point with a stable identity.
//
// A point's identity must not depend on the order the axes were written in or on the platform, so a sweep
// that is resumed (or split across MPI ranks) finds the same points again: the id is the 64-bit FNV-1a hash
// of the canonical "key=value;key=value" string with keys sorted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/spec/scenario.h"
#include "sim/units/random.h"  // fnv1a64

namespace moeplan {

struct SweepPoint {
  std::size_t index = 0;                 // position in the expansion order
  std::vector<std::string> overrides;    // "key=value", in axis order
  std::string canonical;                 // "k1=v1;k2=v2" with keys sorted; ';' and '\' in values escaped
  std::uint64_t id = 0;                  // fnv1a64(canonical)
};

// Sixteen lower-case hex digits, zero-padded.
std::string to_hex16(std::uint64_t value);

// Points a sweep may have unless the caller allows more (`moeplan sweep --max-points`).
inline constexpr std::uint64_t kDefaultMaxSweepPoints = std::uint64_t{1} << 20;

// Cartesian product in row-major order: the first axis varies slowest, values in the order given. No axes
// gives a single point with no overrides. Throws a user Error for an axis without a key or values, a key
// that appears twice, or more than `max_points` points (before allocating them).
std::vector<SweepPoint> expand_sweep(const std::vector<SweepAxis>& axes,
                                     std::uint64_t max_points = kDefaultMaxSweepPoints);

// Number of points expand_sweep would return (throws like it; user Error when above 2^63).
std::uint64_t sweep_size(const std::vector<SweepAxis>& axes);

// Identity of a whole sweep: FNV-1a over the scenario text and the axes (keys and values in the order given,
// length-prefixed so that no two different inputs concatenate to the same bytes).
std::uint64_t sweep_id(std::string_view scenario_text, const std::vector<SweepAxis>& axes);

}  // namespace moeplan
