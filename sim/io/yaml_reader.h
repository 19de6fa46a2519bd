// Typed, located reads from a YAML tree: every value read knows its dotted key path and its
// file:line:column, so every loader error can say where it happened, what was expected and (for
// unknown keys and enum values) which valid name was probably meant.
//
// YamlSource remembers where each key was found (for errors raised later, e.g. by spec validation, that
// only know the key path) and which paths were set by command-line overrides (those have no line in the
// file, so errors there name the override instead).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/units/error.h"

namespace moeplan::io {

// Lower bound for as_int_in/get_int that leaves the lower limit to spec validation (whose messages say why).
inline constexpr long long kNoLower = -2147483647LL;

class YamlSource {
 public:
  explicit YamlSource(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  void record(const std::string& key_path, const YAML::Mark& mark);
  void mark_override(const std::string& key_path, const std::string& text);

  // Context for an error at `key_path`: the override that set it (or an ancestor), else `mark` when it is a
  // real position, else the recorded position of the path or of its nearest recorded ancestor.
  ErrorContext context(const std::string& key_path, const YAML::Mark& mark = YAML::Mark::null_mark()) const;

 private:
  std::string file_;
  std::map<std::string, YAML::Mark> marks_;
  std::map<std::string, std::string> overrides_;  // key path -> "key=value" as given
};

// Parent of a dotted path: "a.b[2].c" -> "a.b[2]" -> "a.b" -> "a" -> "".
std::string parent_key_path(const std::string& key_path);

class YamlField {
 public:
  YamlField(YAML::Node node, std::string path, YamlSource* source,
            YAML::Mark key_mark = YAML::Mark::null_mark());

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  YamlSource& source() const { return *source_; }
  ErrorContext context() const;
  [[noreturn]] void fail(const std::string& message, const std::string& expected = "",
                         const std::string& hint = "") const;

  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }

  // Mappings. require_map throws unless this node is a mapping; expect_keys throws on the first key not
  // in `allowed` (with a did-you-mean hint) and on duplicate keys.
  void require_map(const std::string& expected) const;
  void expect_keys(const std::vector<std::string>& allowed) const;
  bool has(const std::string& key) const;
  std::optional<YamlField> find(const std::string& key) const;  // records the key's position
  YamlField at(const std::string& key, const std::string& expected) const;  // required key
  std::vector<std::pair<std::string, YamlField>> entries() const;
  // Sequences: elements with paths "key[0]", "key[1]", ...
  std::vector<YamlField> items(const std::string& expected) const;

  // Scalars. `expected` describes a valid value for the message.
  std::string as_string(const std::string& expected = "a string") const;
  long long as_int64(const std::string& expected = "an integer") const;
  int as_int(const std::string& expected = "an integer") const;
  // An integer in [lo, hi]; anything else fails here with the bounds as the expectation.
  int as_int_in(long long lo, long long hi) const;
  double as_double(const std::string& expected = "a number") const;
  bool as_bool() const;
  // Quantity with a unit through a units:: parser; its errors get this field's location.
  double as_quantity(double (*parse)(std::string_view), const std::string& expected) const;
  // One of `names` (case-sensitive); unknown names fail with "did you mean".
  template <typename T>
  T as_enum(const std::vector<std::pair<std::string, T>>& names, const std::string& what) const {
    const std::string s = as_string(what);
    for (const auto& [name, value] : names)
      if (name == s) return value;
    fail_unknown_name(s, enum_names(names), what);
  }

  // Optional keys of this mapping with a default.
  int get_int(const std::string& key, int fallback) const;
  int get_int(const std::string& key, int fallback, long long lo, long long hi) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  double get_quantity(const std::string& key, double (*parse)(std::string_view), double fallback,
                      const std::string& expected) const;

 private:
  template <typename T>
  static std::vector<std::string> enum_names(const std::vector<std::pair<std::string, T>>& names) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(n.first);
    return out;
  }
  [[noreturn]] void fail_unknown_name(const std::string& value, const std::vector<std::string>& valid,
                                      const std::string& what) const;
  std::string scalar_or_fail(const std::string& expected) const;

  YAML::Node node_;
  std::string path_;
  YamlSource* source_;
  YAML::Mark key_mark_;
};

// Parses YAML text; a syntax error becomes a user Error "malformed YAML: ..." at file:line:column, and so do
// invalid UTF-8 and a second document ("---"), which would otherwise be ignored.
YAML::Node parse_yaml(const std::string& text, const std::string& file_for_messages);
// Reads and parses a file (a regular file within the input size limit, see input_file.h); a missing file is
// a user Error naming it.
YAML::Node load_yaml_file(const std::string& path);

}  // namespace moeplan::io
