// A validation scenario: an ordinary scenario file with a `validation:` block naming the published figure it is
// scored against (docs/validation.md).
#pragma once

#include <string>

#include "sim/io/catalog.h"
#include "sim/spec/scenario.h"
#include "sim/spec/validation_spec.h"

namespace moeplan::io {

struct ValidationCase {
  std::string file;
  Scenario scenario;
  ValidationSpec spec;
};

// Loads the scenario and its `validation` block; every error is located like a scenario error. A file without
// the block is a user error.
ValidationCase load_validation_case(const std::string& path, const Catalog& catalog);

}  // namespace moeplan::io
