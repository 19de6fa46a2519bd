// Bit-exact checks of the software E4M3FN and BF16 conversions: every code, saturation, ties to even,
// subnormals, and nearest-value rounding against a brute-force search over the whole E4M3 grid.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/cpu/fp8.h"
#include "kernels/cpu/random_fill.h"

namespace moeplan::kernels {
namespace {

TEST(Fp8E4m3, EveryCodeRoundTrips) {
  for (int v = 0; v < 256; ++v) {
    const auto code = static_cast<std::uint8_t>(v);
    const float x = fp8_e4m3_decode(code);
    if ((v & 0x7F) == 0x7F) {
      EXPECT_TRUE(std::isnan(x)) << "code " << v;
      EXPECT_EQ(fp8_e4m3_encode(x), kFp8E4m3NaN);
      continue;
    }
    EXPECT_EQ(fp8_e4m3_encode(x), code) << "code " << v << " value " << x;
  }
}

TEST(Fp8E4m3, KnownValues) {
  // OCP FP8 spec v1.0 Table 1: max normal 448 = S.1111.110, min normal 2^-6 = S.0001.000,
  // min subnormal 2^-9 = S.0000.001, max subnormal 0.875 * 2^-6 = S.0000.111.
  EXPECT_EQ(fp8_e4m3_decode(0x7E), 448.0f);
  EXPECT_EQ(fp8_e4m3_decode(0xFE), -448.0f);
  EXPECT_EQ(fp8_e4m3_decode(0x08), std::ldexp(1.0f, -6));
  EXPECT_EQ(fp8_e4m3_decode(0x01), std::ldexp(1.0f, -9));
  EXPECT_EQ(fp8_e4m3_decode(0x07), 0.875f * std::ldexp(1.0f, -6));
  EXPECT_EQ(fp8_e4m3_decode(0x38), 1.0f);
  EXPECT_EQ(fp8_e4m3_encode(1.0f), 0x38);
  EXPECT_EQ(fp8_e4m3_encode(-2.0f), 0xC0);
  EXPECT_EQ(fp8_e4m3_encode(0.0f), 0x00);
  EXPECT_EQ(fp8_e4m3_encode(-0.0f), 0x80);
}

TEST(Fp8E4m3, Saturates) {
  EXPECT_EQ(fp8_e4m3_encode(448.0f), 0x7E);
  EXPECT_EQ(fp8_e4m3_encode(449.0f), 0x7E);
  EXPECT_EQ(fp8_e4m3_encode(464.0f), 0x7E);  // the tie that would round to the NaN pattern
  EXPECT_EQ(fp8_e4m3_encode(1e30f), 0x7E);
  EXPECT_EQ(fp8_e4m3_encode(std::numeric_limits<float>::infinity()), 0x7E);
  EXPECT_EQ(fp8_e4m3_encode(-std::numeric_limits<float>::infinity()), 0xFE);
  EXPECT_EQ(fp8_e4m3_encode(-500.0f), 0xFE);
  EXPECT_EQ(fp8_e4m3_encode(std::nanf("")), 0x7F);
}

TEST(Fp8E4m3, TiesToEven) {
  // Between 1.0 (0x38, even mantissa) and 1.125 (0x39): the midpoint goes to 1.0.
  EXPECT_EQ(fp8_e4m3_encode(1.0625f), 0x38);
  EXPECT_EQ(fp8_e4m3_encode(std::nextafter(1.0625f, 2.0f)), 0x39);
  // Between 1.125 (0x39) and 1.25 (0x3A): the midpoint goes to 1.25.
  EXPECT_EQ(fp8_e4m3_encode(1.1875f), 0x3A);
  EXPECT_EQ(fp8_e4m3_encode(std::nextafter(1.1875f, 0.0f)), 0x39);
  // Between 416 (0x7D) and 448 (0x7E): 432 goes to 448 (mantissa 110 is even).
  EXPECT_EQ(fp8_e4m3_encode(432.0f), 0x7E);
  EXPECT_EQ(fp8_e4m3_encode(-432.0f), 0xFE);
  // Between 384 (0x7C) and 416 (0x7D): 400 goes to 384.
  EXPECT_EQ(fp8_e4m3_encode(400.0f), 0x7C);
}

TEST(Fp8E4m3, Subnormals) {
  const float q = std::ldexp(1.0f, -9);  // subnormal step
  EXPECT_EQ(fp8_e4m3_encode(q), 0x01);
  EXPECT_EQ(fp8_e4m3_encode(0.5f * q), 0x00);       // tie between 0 and 1 -> 0 (even)
  EXPECT_EQ(fp8_e4m3_encode(0.51f * q), 0x01);
  EXPECT_EQ(fp8_e4m3_encode(1.5f * q), 0x02);       // tie between 1 and 2 -> 2
  EXPECT_EQ(fp8_e4m3_encode(2.5f * q), 0x02);       // tie between 2 and 3 -> 2
  EXPECT_EQ(fp8_e4m3_encode(7.5f * q), 0x08);       // tie between max subnormal and min normal -> 0x08
  EXPECT_EQ(fp8_e4m3_encode(-3.0f * q), 0x83);
  EXPECT_EQ(fp8_e4m3_encode(1e-30f), 0x00);
  EXPECT_EQ(fp8_e4m3_encode(-1e-30f), 0x80);
}

// The encoder must return the grid value nearest to x, ties to the even code, for arbitrary inputs.
TEST(Fp8E4m3, NearestByBruteForce) {
  Rng rng(0xF8E4u, "kernels");
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    // Log-uniform magnitudes from 2^-12 to 2^10 cover subnormals, normals and saturation.
    const double mag = std::ldexp(1.0, -12) * std::pow(2.0, 22.0 * rng.uniform());
    const float x = static_cast<float>((rng.next_u64() & 1) ? -mag : mag);
    int best = -1;
    double best_err = 0.0;
    for (int v = 0; v < 256; ++v) {
      if ((v & 0x7F) == 0x7F) continue;
      const double d = fp8_e4m3_decode(static_cast<std::uint8_t>(v));
      if ((d < 0.0) != (x < 0.0) && d != 0.0) continue;
      if (d == 0.0 && std::signbit(static_cast<float>(d)) != std::signbit(x)) continue;
      const double err = std::fabs(d - static_cast<double>(x));
      const bool even = (v & 1) == 0;
      if (best < 0 || err < best_err || (err == best_err && even)) {
        best = v;
        best_err = err;
      }
    }
    if (std::fabs(x) >= 448.0f) best = x < 0 ? 0xFE : 0x7E;  // saturation, not nearest
    ASSERT_EQ(fp8_e4m3_encode(x), best) << "x = " << x;
    ++checked;
  }
  std::printf("fp8 e4m3: %d random values rounded to the brute-force nearest code\n", checked);
}

TEST(Bf16, RoundTripAndRounding) {
  // Every BF16 pattern that is not NaN decodes and re-encodes to itself.
  for (int v = 0; v < 65536; ++v) {
    const auto code = static_cast<std::uint16_t>(v);
    const float x = bf16_decode(code);
    if (std::isnan(x)) {
      EXPECT_TRUE(std::isnan(bf16_decode(bf16_encode(x))));
      continue;
    }
    ASSERT_EQ(bf16_encode(x), code) << v;
  }
  EXPECT_EQ(bf16_encode(1.0f), 0x3F80);
  // 1 + 2^-8 is the midpoint between 1.0 (even) and 1 + 2^-7: ties to even -> 1.0.
  EXPECT_EQ(bf16_encode(1.0f + std::ldexp(1.0f, -8)), 0x3F80);
  // 1 + 3 * 2^-8 is the midpoint between 1 + 2^-7 (odd) and 1 + 2^-6: -> 1 + 2^-6.
  EXPECT_EQ(bf16_encode(1.0f + 3.0f * std::ldexp(1.0f, -8)), 0x3F82);
  EXPECT_EQ(bf16_encode(std::nextafter(1.0f + std::ldexp(1.0f, -8), 2.0f)), 0x3F81);
  EXPECT_EQ(bf16_encode(-std::numeric_limits<float>::infinity()), 0xFF80);
  EXPECT_EQ(bf16_encode(std::numeric_limits<float>::max()), 0x7F80);  // rounds up to +inf
  EXPECT_EQ(bf16_decode(0x0001), std::ldexp(1.0f, -133));              // smallest BF16 subnormal
}

}  // namespace
}  // namespace moeplan::kernels
