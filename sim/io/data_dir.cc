// Data-root lookup (see data_dir.h).
#include "sim/io/data_dir.h"

#include <cstdlib>
#include <filesystem>

#include "moeplan/version.h"

namespace moeplan::io {

namespace fs = std::filesystem;

std::string executable_path(const std::string& argv0) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && !self.empty()) return self.string();
  return argv0;
}

std::vector<std::string> data_roots(const std::string& exe_path) {
  std::vector<std::string> roots;
  if (const char* env = std::getenv("MOEPLAN_DATA"); env != nullptr && *env != '\0') roots.emplace_back(env);
  const std::string self = executable_path(exe_path);
  if (self.empty()) return roots;
  std::error_code ec;
  fs::path exe = fs::weakly_canonical(fs::path(self), ec);
  if (ec) exe = fs::path(self);
  const fs::path dir = exe.parent_path();
  roots.push_back((dir / ".." / "share" / "moeplan").lexically_normal().string());
  roots.push_back((dir / "..").lexically_normal().string());
  roots.push_back(dir.string());
  // Still in its build folder (build/moeplan, build/tests/...): the sources it was built from.
  const fs::path build = fs::weakly_canonical(fs::path(MOEPLAN_BINARY_DIR), ec);
  if (!ec) {
    const auto rel = dir.lexically_relative(build);
    if (!rel.empty() && *rel.begin() != "..") roots.emplace_back(MOEPLAN_SOURCE_DIR);
  }
  return roots;
}

}  // namespace moeplan::io
