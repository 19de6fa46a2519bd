// Shared helpers for the GPU kernel tests: skip with the driver's reason when no device is usable, and
// relative error norms between a GPU result and its CPU reference.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/cpu/fp8.h"
#include "kernels/cuda/cuda_timing.h"

#define MOEPLAN_REQUIRE_CUDA_DEVICE()                                       \
  do {                                                                      \
    std::string no_device_reason;                                           \
    if (!::moeplan::kernels::cuda_device_available(&no_device_reason)) {    \
      GTEST_SKIP() << "no CUDA device: " << no_device_reason;               \
    }                                                                       \
  } while (0)

namespace moeplan::kernels {

// ||got - ref|| / ||ref|| over BF16 bit patterns; NaN anywhere (e.g. a poisoned 0xFFFF left unwritten)
// makes it NaN so comparisons fail.
inline double bf16_rel_error_norm(const std::vector<std::uint16_t>& got, const std::vector<std::uint16_t>& ref) {
  double err2 = 0.0, ref2 = 0.0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double g = bf16_decode(got[i]), r = bf16_decode(ref[i]);
    err2 += (g - r) * (g - r);
    ref2 += r * r;
  }
  return std::sqrt(err2 / ref2);
}

inline double f32_rel_error_norm(const std::vector<float>& got, const std::vector<float>& ref) {
  double err2 = 0.0, ref2 = 0.0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    err2 += (double(got[i]) - ref[i]) * (double(got[i]) - ref[i]);
    ref2 += double(ref[i]) * ref[i];
  }
  return std::sqrt(err2 / ref2);
}

}  // namespace moeplan::kernels
