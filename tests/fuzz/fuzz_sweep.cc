// libFuzzer target: sweep files: the scenario loader's `sweep:` section (axis keys, per-value checks) and
// the expansion into points with its size limit.
#include <cstddef>
#include <cstdint>

#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"
#include "sim/plan/sweep_points.h"
#include "sim/units/error.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const moeplan::io::Catalog catalog = moeplan::io::Catalog::load("scenarios/catalog");
  const auto [overrides, text] = moeplan::fuzz::split_overrides(moeplan::fuzz::text_of(data, size));
  try {
    const moeplan::Scenario s = moeplan::io::load_scenario_text(text, "sweep.yaml", catalog, overrides);
    // A small limit keeps each run fast; the limit's own check is what is under test beyond it.
    moeplan::expand_sweep(s.sweep, 4096);
  } catch (const moeplan::Error&) {
  }
  return 0;
}
