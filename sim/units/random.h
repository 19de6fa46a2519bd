// Random numbers that are identical on every platform and standard library.
//
// std::normal_distribution and friends are implementation-defined, so moeplan implements its own
// distributions over xoshiro256** (Blackman & Vigna 2018) seeded through SplitMix64. An Rng is a value:
// callers create one from the scenario's seed and a stream name, and pass it to whatever needs it.
#pragma once

#include <cstdint>
#include <string_view>

namespace moeplan {

// SplitMix64 step (Steele, Lea & Flood, OOPSLA 2014): advances `state` and returns the next output.
std::uint64_t splitmix64(std::uint64_t& state);

class Rng {
 public:
  // `stream` separates independent consumers (router, failures, arrivals) under one seed; an empty
  // stream seeds from `seed` alone.
  explicit Rng(std::uint64_t seed, std::string_view stream = "");

  std::uint64_t next_u64();
  double uniform();                      // [0, 1)
  double uniform(double lo, double hi);  // [lo, hi)
  // Uniform integer in [0, n) without modulo bias (Lemire, "Fast random integer generation in an
  // interval", ACM TOMACS 2019). n must be > 0.
  std::uint64_t below(std::uint64_t n);
  double normal();                       // standard normal (Marsaglia polar method)
  double exponential(double rate);       // mean 1/rate
  double gamma(double shape);            // Marsaglia-Tsang; shape > 0
  double lognormal(double mu, double sigma);

 private:
  std::uint64_t s_[4];
  double spare_normal_ = 0;
  bool has_spare_ = false;
};

inline constexpr std::uint64_t kFnv1aOffsetBasis = 0xCBF29CE484222325ULL;

// FNV-1a 64-bit hash (stable ids for streams, sweep points, cache keys); `seed` chains hashes of pieces.
std::uint64_t fnv1a64(std::string_view text, std::uint64_t seed = kFnv1aOffsetBasis);

}  // namespace moeplan
