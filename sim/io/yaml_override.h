// Command-line and sweep overrides of a YAML tree: "dotted.key=value" sets one value before the tree is
// converted, so an override is checked exactly like the same value written in the file.
//
// Keys are dotted paths; a sequence element is addressed as `phases[1]` or `phases.1`
// ("training.phases[1].global_batch=1920"). Missing mappings along the path are created; a path that
// runs through a scalar, or an index past the end of a sequence, is a user Error.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>

namespace moeplan::io {

// Sets `dotted_key` in `root` to `value`, parsed as YAML (so "8" is a number, "[8, 16]" a list).
void apply_override(YAML::Node& root, const std::string& dotted_key, const std::string& value);

// Splits "parallel.pp=8" into {"parallel.pp", "8"}; throws a user Error unless there is a key and a '='.
std::pair<std::string, std::string> split_override(const std::string& text);

// "training.phases.1.parallel" -> "training.phases[1].parallel" (the form error messages use).
std::string normalize_key_path(const std::string& dotted_key);

}  // namespace moeplan::io
