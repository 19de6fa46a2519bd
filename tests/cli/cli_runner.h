// Runs the moeplan binary from a test and captures its exit code and stderr, and writes input variants
// (a fixture with one line changed) into a per-process temporary folder.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace moeplan::test {

struct CliOutcome {
  int code = -1;       // exit status; 128 + signal when the process was killed by one
  std::string stderr_text;
  std::string stdout_text;
};

inline std::filesystem::path scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("moeplan-cli-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

inline std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_all(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// Single-quoted for /bin/sh.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `env` is prefixed to the command line as is ("MOEPLAN_MAX_INPUT_BYTES=100").
inline CliOutcome run_cli(const std::vector<std::string>& args, const std::string& env = "") {
  static int counter = 0;
  const auto out = scratch_dir() / ("out-" + std::to_string(++counter));
  const auto err = scratch_dir() / ("err-" + std::to_string(counter));
  std::string cmd = env.empty() ? "" : env + " ";
  cmd += shell_quote(MOEPLAN_EXE);
  for (const std::string& a : args) cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string()) + " </dev/null";
  const int status = std::system(cmd.c_str());
  CliOutcome o;
  if (status == -1) throw std::runtime_error("cannot start " + cmd);
  // std::system reports the shell's status; the shell exits 128 + n when its child dies of signal n.
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.stdout_text = read_all(out);
  o.stderr_text = read_all(err);
  return o;
}

// A copy of `fixture` (relative to the repository root) with the first `from` replaced by `to`.
inline std::string variant(const std::string& fixture, const std::string& from, const std::string& to,
                           const std::string& name) {
  std::string text = read_all(fixture);
  const size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("`" + from + "` not in " + fixture);
  text.replace(at, from.size(), to);
  const auto path = scratch_dir() / name;
  write_all(path, text);
  return path.string();
}

}  // namespace moeplan::test
