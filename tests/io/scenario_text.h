// What the loader error tests share: the shipped catalog, a one-place edit of a fixture scenario, and the message
// of the user Error that loading a scenario text throws. Tests run from the repository root (scenarios/catalog).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/io/scenario_loader.h"
#include "sim/units/error.h"

namespace moeplan::io::test {

inline const Catalog& catalog() {
  static const Catalog c = Catalog::load("scenarios/catalog");
  return c;
}

// `text` with the first `from` replaced by `to`; a fixture that lacks `from` fails the test (the edit would
// otherwise test the unbroken fixture).
inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) ADD_FAILURE() << "fixture lacks `" << from << "`";
  else text.replace(at, from.size(), to);
  return text;
}

// The rendered message of the user Error that loading `yaml` (as file t.yaml) throws; "" when it loads.
inline std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_text(yaml, "t.yaml", catalog(), overrides);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    return e.what();
  }
  return "";
}

}  // namespace moeplan::io::test
