// libFuzzer target: the unit parsers, override keys and values, and the UTF-8 and narrowing helpers. The
// first byte picks the parser; the rest is its text.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>

#include "sim/io/yaml_override.h"
#include "sim/units/checked.h"
#include "sim/units/error.h"
#include "sim/units/text.h"
#include "sim/units/units.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text = moeplan::fuzz::text_of(data + 1, size - 1);
  using Parse = double (*)(std::string_view);
  static constexpr Parse kParsers[] = {
      moeplan::units::parse_bytes,        moeplan::units::parse_bandwidth, moeplan::units::parse_duration,
      moeplan::units::parse_flops_rate,   moeplan::units::parse_power,     moeplan::units::parse_usd_per_hour,
      moeplan::units::parse_usd,          moeplan::units::parse_usd_per_kwh, moeplan::units::parse_count};
  constexpr size_t kCount = sizeof kParsers / sizeof kParsers[0];
  const size_t pick = data[0] % (kCount + 2);
  try {
    if (pick < kCount) {
      const double v = kParsers[pick](text);
      moeplan::checked_integer(v, -1000000, 1000000, "value", false);
    } else if (pick == kCount) {
      const auto [key, value] = moeplan::io::split_override(text);
      YAML::Node root;
      moeplan::io::apply_override(root, key, value);
    } else {
      moeplan::printable(text);
      moeplan::first_invalid_utf8(text);
    }
  } catch (const moeplan::Error&) {
  }
  return 0;
}
