// Rng: a seeded xoshiro256** generator with the few distributions moeplan needs, implemented here so a
// seed gives the same stream on every standard library (std:: distributions are implementation-defined).
//
// Generator: xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
// ACM TOMS 2021); its state is seeded from one 64-bit value with SplitMix64 as the authors recommend.
// The RNG is always passed in by the caller; nothing here is global.
#pragma once

#include <cstdint>

namespace moeplan::engine {

// SplitMix64 step (Steele, Lea & Flood, OOPSLA 2014): advances `state` and returns the next output.
std::uint64_t splitmix64(std::uint64_t& state);

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform integer in [0, n) without modulo bias (Lemire, "Fast random integer generation in an
  // interval", ACM TOMACS 2019). n must be > 0.
  std::uint64_t below(std::uint64_t n);

 private:
  std::uint64_t s_[4];
};

}  // namespace moeplan::engine
