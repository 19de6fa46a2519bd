// Unit parsing: each accepted form against its closed-form value, and clear errors for wrong units.
#include "sim/units/units.h"

#include <gtest/gtest.h>

#include "sim/units/error.h"

namespace moeplan::units {
namespace {

TEST(Units, Bytes) {
  EXPECT_DOUBLE_EQ(parse_bytes("80 GiB"), 80.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parse_bytes("80GB"), 80e9);
  EXPECT_DOUBLE_EQ(parse_bytes("512 MiB"), 512.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parse_bytes("1e3"), 1000.0);
}

TEST(Units, BandwidthBitsVsBytes) {
  EXPECT_DOUBLE_EQ(parse_bandwidth("400 Gbps"), 50e9);   // 400 Gb/s = 50 GB/s
  EXPECT_DOUBLE_EQ(parse_bandwidth("400 Gb/s"), 50e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth("160 GB/s"), 160e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth("3.35 TB/s"), 3.35e12);
}

TEST(Units, Durations) {
  EXPECT_DOUBLE_EQ(parse_duration("1.5 us"), 1.5e-6);
  EXPECT_DOUBLE_EQ(parse_duration("3 ms"), 3e-3);
  EXPECT_DOUBLE_EQ(parse_duration("60d"), 60 * 86400.0);
  EXPECT_DOUBLE_EQ(parse_duration("4 h"), 4 * 3600.0);
}

TEST(Units, MoneyAndRates) {
  EXPECT_DOUBLE_EQ(parse_usd_per_hour("$2/h"), 2.0);
  EXPECT_DOUBLE_EQ(parse_usd_per_hour("2.0 $/h"), 2.0);
  EXPECT_DOUBLE_EQ(parse_usd_per_hour("2 USD/GPU-h"), 2.0);
  EXPECT_DOUBLE_EQ(parse_usd("6M$"), 6e6);
  EXPECT_DOUBLE_EQ(parse_usd("$5.576M"), 5.576e6);
  EXPECT_DOUBLE_EQ(parse_usd_per_kwh("$0.0826/kWh"), 0.0826);
  EXPECT_DOUBLE_EQ(parse_flops_rate("989 TFLOPS"), 989e12);
  EXPECT_DOUBLE_EQ(parse_power("10.2 kW"), 10200.0);
  EXPECT_DOUBLE_EQ(parse_count("14.8T"), 14.8e12);
  EXPECT_DOUBLE_EQ(parse_count("469B"), 469e9);
}

TEST(Units, WrongUnitSaysWhatWasExpected) {
  try {
    parse_bandwidth("400 GiB");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    EXPECT_STREQ(e.what(),
                 "cannot read `400 GiB` as a quantity (expected a bandwidth such as \"400 Gbps\", "
                 "\"400 Gb/s\" or \"50 GB/s\")");
  }
  EXPECT_THROW(parse_duration("fast"), Error);
  EXPECT_THROW(parse_bytes(""), Error);
}

TEST(Units, Formatting) {
  EXPECT_EQ(format_usd(5.576e6), "$5.58 M");
  EXPECT_EQ(format_bytes(71.3 * kGiB), "71.3 GiB");
  EXPECT_EQ(format_duration(54.2 * 86400), "54.2 days");
  EXPECT_EQ(format_count(2.788e6), "2.79 M");
}

}  // namespace
}  // namespace moeplan::units
