// Range-checked narrowing, overflow-free products, strict quantity syntax and UTF-8 checks.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sim/units/checked.h"
#include "sim/units/error.h"
#include "sim/units/text.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

TEST(Checked, IntegerNarrowing) {
  EXPECT_EQ(checked_integer(132.0, 0, 1 << 20, "sm_count"), 132);
  EXPECT_THROW(checked_integer(1e20, 0, 1 << 20, "sm_count"), Error);   // was an undefined cast
  EXPECT_THROW(checked_integer(1.9, 1, 10, "version"), Error);          // was truncated to 1
  EXPECT_THROW(checked_integer(std::nan(""), 0, 10, "x"), Error);
  EXPECT_THROW(checked_integer(std::numeric_limits<double>::infinity(), 0, 10, "x"), Error);
  EXPECT_EQ(checked_integer(1.5, 0, 10, "x", false), 1);
  try {
    checked_integer(1e20, 0, 1048576, "sm_count");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "sm_count 1e+20 is out of range (expected an integer from 0 to 1048576)");
  }
}

TEST(Checked, Products) {
  EXPECT_EQ(bounded_product({8, 16, 2}, kMaxGpus), 256);
  // 8 x 536870913 wraps to 8 in 32-bit int; here it is simply above the cap.
  EXPECT_EQ(bounded_product({8, 536870913}, kMaxGpus), kMaxGpus + 1);
  // Four degrees of 2^24 each would overflow even 64 bits.
  EXPECT_EQ(bounded_product({kMaxGpus, kMaxGpus, kMaxGpus, kMaxGpus}, kMaxGpus), kMaxGpus + 1);
  EXPECT_EQ(bounded_product({4, 0, 8}, kMaxGpus), 0);
  EXPECT_EQ(checked_mul(1LL << 31, 1LL << 31, "x"), 1LL << 62);
  EXPECT_THROW(checked_mul(1LL << 32, 1LL << 32, "x"), Error);
  EXPECT_THROW(checked_range(17, 0, 16, "x"), Error);
  EXPECT_THROW(checked_finite(std::numeric_limits<double>::infinity(), "x"), Error);
}

TEST(Checked, QuantitiesAreStrictDecimals) {
  EXPECT_DOUBLE_EQ(units::parse_count("14.8T"), 14.8e12);
  EXPECT_DOUBLE_EQ(units::parse_count(" 14.8 T "), 14.8e12);
  EXPECT_DOUBLE_EQ(units::parse_usd("6 M USD"), 6e6);
  EXPECT_DOUBLE_EQ(units::parse_usd_per_hour("$ 2/h"), 2.0);
  EXPECT_THROW(units::parse_count("1 4.8T"), Error);  // was 14.8T
  EXPECT_THROW(units::parse_count("0x10T"), Error);   // was 16T
  EXPECT_THROW(units::parse_count("inf"), Error);
  EXPECT_THROW(units::parse_count("nan"), Error);
  EXPECT_THROW(units::parse_count("1e300T"), Error);  // overflows to infinity once scaled
  EXPECT_THROW(units::parse_bytes("1e308 TiB"), Error);
  EXPECT_THROW(units::parse_count("."), Error);
  EXPECT_THROW(units::parse_count("e5"), Error);
  EXPECT_DOUBLE_EQ(units::parse_count("-2.5e3"), -2500);
}

TEST(Text, Utf8Validity) {
  EXPECT_EQ(first_invalid_utf8("plain"), std::string::npos);
  EXPECT_EQ(first_invalid_utf8("µs and 中文"), std::string::npos);
  EXPECT_EQ(first_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(first_invalid_utf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xed\xa0\x80"), 0u);      // a surrogate
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(first_invalid_utf8("x\xe4\xb8"), 1u);         // cut short
  EXPECT_EQ(printable("a\nb\xff"), "a\\x0Ab\\xFF");
  EXPECT_EQ(printable("µs"), "µs");
}

TEST(Text, ErrorMessagesStayOnOneLine) {
  const Error e(ErrorKind::kUser, "unknown key `a\nb`", ErrorContext{.file = "f\xff.yaml", .line = 2, .column = 3});
  EXPECT_STREQ(e.what(), "f\\xFF.yaml:2:3: unknown key `a\\x0Ab`");
}

}  // namespace
}  // namespace moeplan
