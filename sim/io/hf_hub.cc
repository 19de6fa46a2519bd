// HuggingFace cache lookup (see hf_hub.h).
#include "sim/io/hf_hub.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/io/hf_config.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

bool valid_part(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

std::vector<std::string> hf_hub_cache_dirs() {
  if (const std::string d = env("HF_HUB_CACHE"); !d.empty()) return {d};
  if (const std::string d = env("HF_HOME"); !d.empty()) return {(fs::path(d) / "hub").string()};
  if (const std::string d = env("XDG_CACHE_HOME"); !d.empty()) return {(fs::path(d) / "huggingface" / "hub").string()};
  if (const std::string d = env("HOME"); !d.empty()) return {(fs::path(d) / ".cache" / "huggingface" / "hub").string()};
  return {};
}

std::string find_hf_cached_config(const std::string& repo_id) {
  const size_t slash = repo_id.find('/');
  if (slash == std::string::npos || !valid_part(repo_id.substr(0, slash)) || !valid_part(repo_id.substr(slash + 1)))
    throw_user_error("`hf:" + repo_id + "` is not a hub id",
                     ErrorContext{.key_path = "model", .expected = "hf:<org>/<name>, e.g. hf:Qwen/Qwen3-235B-A22B"});
  const std::string folder = "models--" + repo_id.substr(0, slash) + "--" + repo_id.substr(slash + 1);
  const std::vector<std::string> dirs = hf_hub_cache_dirs();
  std::error_code ec;
  for (const std::string& dir : dirs) {
    const fs::path repo = fs::path(dir) / folder;
    if (!fs::is_directory(repo / "snapshots", ec)) continue;
    // refs/main holds the revision the last download of the default branch resolved to.
    std::ifstream ref(repo / "refs" / "main");
    std::string revision;
    if (ref && std::getline(ref, revision) && valid_part(revision)) {
      const fs::path config = repo / "snapshots" / revision / "config.json";
      if (fs::is_regular_file(config, ec)) return config.string();
    }
    std::vector<std::string> found;
    for (const auto& snap : fs::directory_iterator(repo / "snapshots", ec))
      if (fs::is_regular_file(snap.path() / "config.json", ec)) found.push_back((snap.path() / "config.json").string());
    std::sort(found.begin(), found.end());
    if (!found.empty()) return found.back();
  }
  std::string looked;
  for (const std::string& dir : dirs) looked += (looked.empty() ? "" : ", ") + (fs::path(dir) / folder).string();
  throw_user_error("`" + repo_id + "` is not in the local HuggingFace cache" +
                       (looked.empty() ? std::string(" (no cache folder: HF_HUB_CACHE, HF_HOME and HOME are unset)")
                                       : " (looked in " + looked + ")"),
                   ErrorContext{.key_path = "model",
                                .expected = "a cached snapshot with a config.json",
                                .hint = "moeplan downloads nothing: fetch the config first (`huggingface-cli download " +
                                        repo_id + " config.json`), set HF_HOME or HF_HUB_CACHE to the cache that has "
                                        "it, or give the path to the config.json"});
}

ModelSpec load_hf_hub_model(const std::string& repo_id) {
  return load_hf_config(find_hf_cached_config(repo_id), repo_id);
}

}  // namespace moeplan::io
