// Content identity of a sweep's inputs (see sweep_inputs.h).
#include "sim/plan/sweep_inputs.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "sim/io/input_file.h"
#include "sim/plan/sweep_points.h"

namespace moeplan {
namespace fs = std::filesystem;
namespace {

// Length-prefixed, so that no two different sequences of fields hash the same bytes.
std::uint64_t mix(std::uint64_t h, std::string_view field) {
  h = fnv1a64(std::to_string(field.size()) + ":", h);
  return fnv1a64(field, h);
}

std::uint64_t hash_path(std::uint64_t h, const fs::path& p) {
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return mix(mix(h, "file"), io::read_input_file(p.string(), "sweep input"));
  if (!fs::is_directory(p, ec)) return mix(h, "absent");
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec)) files.push_back(it->path());
  std::sort(files.begin(), files.end());
  h = mix(h, "dir");
  for (const fs::path& f : files) {
    h = mix(h, fs::relative(f, p, ec).generic_string());
    h = mix(h, io::read_input_file(f.string(), "sweep input"));
  }
  return h;
}

}  // namespace

std::string inputs_identity(const std::string& version, const std::vector<std::string>& paths) {
  std::uint64_t h = mix(fnv1a64(""), version);
  // The same folder named twice (e.g. relative and absolute) counts once.
  std::set<std::string> seen;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::path canon = fs::weakly_canonical(p, ec);
    if (!seen.insert(ec ? p : canon.string()).second) continue;
    h = hash_path(h, ec ? fs::path(p) : canon);
  }
  return to_hex16(h);
}

}  // namespace moeplan
