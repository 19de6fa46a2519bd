// Hand-over to moeplan-full (see full_binary.h).
#include "cli/full_binary.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "sim/units/error.h"

namespace moeplan::cli {

std::string full_binary_path() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const fs::path full = self.parent_path() / "moeplan-full";
  if (!fs::exists(full, ec) || fs::equivalent(full, self, ec)) return "";
  if (::access(full.c_str(), X_OK) != 0) return "";
  return full.string();
}

void exec_full_binary(const CliContext& ctx, const std::string& why) {
  const std::string full = full_binary_path();
  if (full.empty()) return;
  std::vector<std::string> args = ctx.argv;
  if (args.empty()) args.push_back(full);
  args[0] = full;
  std::vector<char*> cargs;
  for (std::string& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  ::execv(full.c_str(), cargs.data());
  // execv returns only on failure.
  ErrorContext c;
  c.hint = "run " + full + " directly with the same arguments";
  throw_user_error(why + " needs " + full + ", which could not be started: " + std::strerror(errno), c);
}

}  // namespace moeplan::cli
