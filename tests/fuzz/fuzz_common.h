// Shared pieces of the libFuzzer targets: the one exception an input may cause, and the split of a fuzz
// input into command-line overrides and file text.
//
// A target calls the loader on the input and lets only moeplan::Error pass: any other exception escapes,
// libFuzzer reports it as a crash, and so does a sanitizer finding or a signal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace moeplan::fuzz {

inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Leading lines "#set key=value" become overrides (at most 8); the rest is the file. Without such lines the
// whole input is the file, so seed files and crash inputs need no special format.
inline std::pair<std::vector<std::string>, std::string> split_overrides(const std::string& input) {
  std::vector<std::string> overrides;
  size_t pos = 0;
  while (overrides.size() < 8 && input.compare(pos, 5, "#set ") == 0) {
    const size_t end = input.find('\n', pos);
    const size_t stop = end == std::string::npos ? input.size() : end;
    overrides.push_back(input.substr(pos + 5, stop - pos - 5));
    pos = end == std::string::npos ? input.size() : end + 1;
  }
  return {overrides, input.substr(pos)};
}

}  // namespace moeplan::fuzz
