// libFuzzer target: the calibration profile loader (header, measured points, curves).
#include <cstddef>
#include <cstdint>

#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    moeplan::parse_profile(moeplan::fuzz::text_of(data, size), "profile.yaml");
  } catch (const moeplan::Error&) {
  }
  return 0;
}
