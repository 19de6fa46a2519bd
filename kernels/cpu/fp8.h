// Bit-exact software FP8 (OCP E4M3FN) and BF16 conversions, the numeric ground truth for the kernels.
//
// E4M3FN (OCP 8-bit Floating Point Specification v1.0, 2023): 1 sign, 4 exponent (bias 7), 3 mantissa bits;
// no infinities, S.1111.111 is NaN, largest finite value 448 (S.1111.110), smallest normal 2^-6, subnormals
// m * 2^-9. DeepSeek-V3 uses E4M3 on all GEMM inputs (DeepSeek-V3 report §3.3.2). Encoding saturates
// (like CUDA's __NV_SATFINITE) because a block-scaled tensor never needs overflow to mean anything else.
#pragma once

#include <cstdint>
#include <cstring>

namespace moeplan::kernels {

inline constexpr float kFp8E4m3Max = 448.0f;  // OCP E4M3FN largest finite magnitude
inline constexpr std::uint8_t kFp8E4m3NaN = 0x7F;

// Round-to-nearest-even; |x| >= 448 and ±inf saturate to ±448; NaN -> 0x7F. The sign of zero is kept.
std::uint8_t fp8_e4m3_encode(float x);
// Exact value of a code (0x7F and 0xFF decode to NaN).
float fp8_e4m3_decode(std::uint8_t v);

// BF16: the upper 16 bits of an IEEE binary32, rounded to nearest even; NaN stays a (quiet) NaN.
// Inline: the GEMM and attention references call these once per element. (memcpy rather than std::bit_cast:
// CUDA sources include this header as C++17.)
inline std::uint16_t bf16_encode(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  if (x != x) return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);  // NaN: keep it a quiet NaN
  const std::uint32_t lsb = (bits >> 16) & 1u;
  return static_cast<std::uint16_t>((bits + 0x7FFFu + lsb) >> 16);
}
inline float bf16_decode(std::uint16_t v) {
  const std::uint32_t bits = static_cast<std::uint32_t>(v) << 16;
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

}  // namespace moeplan::kernels
