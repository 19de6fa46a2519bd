// libFuzzer target: the HuggingFace config.json importer (JSON parsing, field ranges, family mapping and
// ModelSpec validation).
#include <cstddef>
#include <cstdint>

#include "sim/io/hf_config.h"
#include "sim/units/error.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    moeplan::io::parse_hf_config(moeplan::fuzz::text_of(data, size), "config.json");
  } catch (const moeplan::Error&) {
  }
  return 0;
}
