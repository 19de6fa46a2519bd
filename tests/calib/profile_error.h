// The message of the user Error that parsing `text` as a profile raises ("" when it parses).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace moeplan {

inline std::string profile_error_of(const std::string& text) {
  try {
    parse_profile(text, "p.yaml");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    return e.what();
  }
  return "";
}

}  // namespace moeplan
