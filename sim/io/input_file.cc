// Bounded reads of input files (see input_file.h).
#include "sim/io/input_file.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/units/error.h"

namespace moeplan::io {
namespace fs = std::filesystem;

std::uintmax_t max_input_bytes() {
  const char* env = std::getenv("MOEPLAN_MAX_INPUT_BYTES");
  if (env == nullptr || *env == '\0') return kDefaultMaxInputBytes;
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(env, &end, 10);
  if (errno != 0 || end == env || *end != '\0' || v == 0 || env[0] == '-')
    throw_user_error("MOEPLAN_MAX_INPUT_BYTES=`" + std::string(env) + "` is not a positive byte count",
                     ErrorContext{.expected = "a whole number of bytes such as 16777216"});
  return v;
}

std::string read_input_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st))
    throw_user_error("cannot open " + what + ": no such file", ErrorContext{.file = path, .hint = "check the path"});
  if (fs::is_directory(st))
    throw_user_error("cannot read " + what + ": it is a directory", ErrorContext{.file = path, .expected = "a file"});
  if (!fs::is_regular_file(st))
    throw_user_error("cannot read " + what + ": not a regular file (a device, pipe or socket)",
                     ErrorContext{.file = path, .expected = "a regular file"});
  const std::uintmax_t limit = max_input_bytes();
  const std::uintmax_t size = fs::file_size(path, ec);
  const auto too_large = [&] {
    throw_user_error(what + " is larger than the input limit of " + std::to_string(limit) + " bytes",
                     ErrorContext{.file = path, .hint = "set MOEPLAN_MAX_INPUT_BYTES to allow larger inputs"});
  };
  if (!ec && size > limit) too_large();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_user_error("cannot open " + what, ErrorContext{.file = path, .hint = "check the permissions"});
  // Read at most limit + 1 bytes: a file that grows, or reports a size of 0 (procfs), stays bounded too.
  std::string text;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > limit) too_large();
  }
  if (in.bad()) throw_user_error("error while reading " + what, ErrorContext{.file = path});
  return text;
}

std::pair<int, int> line_and_column(const std::string& text, size_t offset) {
  int line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace moeplan::io
