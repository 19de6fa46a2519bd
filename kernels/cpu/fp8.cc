// Software E4M3FN / BF16 conversions (see fp8.h for the format definitions).
#include "kernels/cpu/fp8.h"

#include <bit>
#include <cmath>

namespace moeplan::kernels {
namespace {

// Rounds a non-negative value below 2^23 to the nearest integer, ties to even, independent of the
// floating-point environment's rounding mode.
std::uint32_t round_half_even(float v) {
  const float floor_v = std::floor(v);
  const float frac = v - floor_v;
  auto r = static_cast<std::uint32_t>(floor_v);
  if (frac > 0.5f || (frac == 0.5f && (r & 1u) != 0)) ++r;
  return r;
}

}  // namespace

std::uint8_t fp8_e4m3_encode(float x) {
  if (std::isnan(x)) return kFp8E4m3NaN;
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  const std::uint8_t sign = static_cast<std::uint8_t>((bits >> 24) & 0x80u);
  const float a = std::fabs(x);
  if (a >= kFp8E4m3Max) return static_cast<std::uint8_t>(sign | 0x7E);  // saturate (inf included)
  if (a < 0.015625f) {
    // Below the smallest normal 2^-6: the grid is uniform with step 2^-9, and code m means m * 2^-9.
    // Rounding up to 8 yields code 0x08, which is exactly the smallest normal.
    return static_cast<std::uint8_t>(sign | round_half_even(a * 512.0f));
  }
  // Normal: keep 3 of binary32's 23 mantissa bits, rounding the 20 dropped bits to nearest even; a carry
  // out of the mantissa correctly bumps the exponent.
  const std::uint32_t abits = bits & 0x7FFFFFFFu;
  const std::uint32_t lsb = (abits >> 20) & 1u;
  const std::uint32_t rounded = (abits + 0x7FFFFu + lsb) >> 20;  // exponent(8) | mantissa(3)
  const std::uint32_t exp32 = rounded >> 3;                      // biased by 127
  const std::uint32_t code = ((exp32 - 127u + 7u) << 3) | (rounded & 7u);
  // Values in [448 - 16, 448) round at most to 448 (0x7E), never to the NaN pattern.
  return static_cast<std::uint8_t>(sign | (code > 0x7Eu ? 0x7Eu : code));
}

float fp8_e4m3_decode(std::uint8_t v) {
  const bool negative = (v & 0x80) != 0;
  const int exponent = (v >> 3) & 0xF;
  const int mantissa = v & 0x7;
  float magnitude = 0.0f;
  if (exponent == 0xF && mantissa == 0x7) {
    magnitude = std::nanf("");
  } else if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -9);
  } else {
    magnitude = std::ldexp(1.0f + static_cast<float>(mantissa) / 8.0f, exponent - 7);
  }
  return negative ? -magnitude : magnitude;
}

}  // namespace moeplan::kernels
