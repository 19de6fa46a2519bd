// Reading an input file with bounds: it must be a regular file no larger than the input size limit.
//
// Scenarios, catalogs, profiles and config.json files are small (the largest shipped one is well under
// 1 MiB). Reading /dev/zero, a FIFO or a multi-gigabyte file would otherwise hang or exhaust memory before
// any error could be given, so the file's kind and size are checked first and the read itself is bounded.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace moeplan::io {

// 16 MiB unless the environment variable MOEPLAN_MAX_INPUT_BYTES holds another positive byte count.
inline constexpr std::uintmax_t kDefaultMaxInputBytes = 16u << 20;
std::uintmax_t max_input_bytes();

// The whole file as text. `what` names the file's role in messages ("scenario", "HuggingFace config").
// Missing, unreadable, not a regular file, or larger than max_input_bytes(): a user Error naming the path.
std::string read_input_file(const std::string& path, const std::string& what);

// 1-based line and column of byte `offset` in `text` (columns count bytes).
std::pair<int, int> line_and_column(const std::string& text, size_t offset);

}  // namespace moeplan::io
