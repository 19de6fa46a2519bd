// Random numbers that are identical on every platform and standard library.
//
// std::normal_distribution and friends are implementation-defined, so moeplan implements its own
// distributions over xoshiro256** (Blackman & Vigna 2018) seeded through SplitMix64. An Rng is a value:
// callers create one from the scenario's seed and a stream name, and pass it to whatever needs it.
#pragma once

#include <cstdint>
#include <string_view>

namespace moeplan {

class Rng {
 public:
  // `stream` separates independent consumers (router, failures, arrivals) under one seed.
  explicit Rng(std::uint64_t seed, std::string_view stream = "");

  std::uint64_t next_u64();
  double uniform();                      // [0, 1)
  double uniform(double lo, double hi);  // [lo, hi)
  std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n), unbiased
  double normal();                       // standard normal (Marsaglia polar method)
  double exponential(double rate);       // mean 1/rate
  double gamma(double shape);            // Marsaglia-Tsang; shape > 0
  double lognormal(double mu, double sigma);

 private:
  std::uint64_t s_[4];
  double spare_normal_ = 0;
  bool has_spare_ = false;
};

// FNV-1a 64-bit hash of a string (stable ids for streams, sweep points, cache keys).
std::uint64_t fnv1a64(std::string_view text);

}  // namespace moeplan
