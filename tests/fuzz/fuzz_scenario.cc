// libFuzzer target: the scenario loader with command-line overrides (sections, units, catalog lookups,
// validation). Inputs are scenario YAML, optionally preceded by "#set key=value" lines.
#include <cstddef>
#include <cstdint>

#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"
#include "sim/units/error.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Loaded once: the fuzzer runs from the repository root (scripts/fuzz.sh).
  static const moeplan::io::Catalog catalog = moeplan::io::Catalog::load("scenarios/catalog");
  const auto [overrides, text] = moeplan::fuzz::split_overrides(moeplan::fuzz::text_of(data, size));
  try {
    moeplan::io::load_scenario_text(text, "fuzz.yaml", catalog, overrides);
  } catch (const moeplan::Error&) {
  }
  return 0;
}
