// Random test/benchmark/calibration inputs for the kernels, drawn from the project's portable Rng
// (sim/units/random.h) so a seed gives the same inputs with every standard library.
#pragma once

#include <cstddef>
#include <vector>

#include "sim/units/random.h"

namespace moeplan::kernels {

// n normal values with standard deviation `stddev`; a value that lands exactly on 0 is redrawn so that no
// test is fed zeros by accident.
inline std::vector<float> random_normal(Rng& rng, std::size_t n, double stddev = 1.0) {
  std::vector<float> v(n);
  for (auto& x : v) {
    do {
      x = static_cast<float>(stddev * rng.normal());
    } while (x == 0.0f);
  }
  return v;
}

// n values uniform in [lo, hi), zeros redrawn.
inline std::vector<float> random_uniform(Rng& rng, std::size_t n, double lo, double hi) {
  std::vector<float> v(n);
  for (auto& x : v) {
    do {
      x = static_cast<float>(rng.uniform(lo, hi));
    } while (x == 0.0f);
  }
  return v;
}

}  // namespace moeplan::kernels
