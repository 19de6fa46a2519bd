// Median of a non-empty sample: the middle value, or the mean of the two middle values for an even count.
// Pure C++, shared by the CPU and CUDA timings and the calibration's summaries.
#pragma once

#include <algorithm>
#include <vector>

namespace moeplan::kernels {

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace moeplan::kernels
