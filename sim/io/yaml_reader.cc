// Located, typed reads from yaml-cpp nodes (see yaml_reader.h).
#include "sim/io/yaml_reader.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "sim/io/input_file.h"
#include "sim/io/suggest.h"
#include "sim/units/text.h"

namespace moeplan::io {
namespace {

bool real_mark(const YAML::Mark& m) { return m.line >= 0 && m.column >= 0; }

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

const char* kind_name(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a sequence";
  if (n.IsScalar()) return "a scalar";
  return "nothing";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Records where a document starts and ignores its content.
struct DocumentStart : YAML::EventHandler {
  YAML::Mark mark = YAML::Mark::null_mark();
  void OnDocumentStart(const YAML::Mark& m) override { mark = m; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

std::string parent_key_path(const std::string& key_path) {
  const size_t dot = key_path.find_last_of(".[");
  return dot == std::string::npos ? std::string() : key_path.substr(0, dot);
}

void YamlSource::record(const std::string& key_path, const YAML::Mark& mark) {
  if (real_mark(mark)) marks_.emplace(key_path, mark);
}

void YamlSource::mark_override(const std::string& key_path, const std::string& text) {
  overrides_[key_path] = text;
}

ErrorContext YamlSource::context(const std::string& key_path, const YAML::Mark& mark) const {
  ErrorContext c;
  c.key_path = key_path;
  // A value set on the command line has no position in the file: name the override instead.
  for (std::string p = key_path; !p.empty(); p = parent_key_path(p)) {
    auto it = overrides_.find(p);
    if (it != overrides_.end()) {
      c.file = "override `" + it->second + "`";
      return c;
    }
  }
  c.file = file_;
  YAML::Mark at = mark;
  if (!real_mark(at)) {
    for (std::string p = key_path; !p.empty(); p = parent_key_path(p)) {
      auto it = marks_.find(p);
      if (it != marks_.end()) {
        at = it->second;
        break;
      }
    }
  }
  if (real_mark(at)) {
    c.line = at.line + 1;  // yaml-cpp marks are 0-based
    c.column = at.column + 1;
  }
  return c;
}

YamlField::YamlField(YAML::Node node, std::string path, YamlSource* source, YAML::Mark key_mark)
    : node_(std::move(node)), path_(std::move(path)), source_(source), key_mark_(key_mark) {
  source_->record(path_, real_mark(key_mark_) ? key_mark_ : node_.Mark());
}

ErrorContext YamlField::context() const {
  // Value errors point at the value; a missing or null value at its key.
  YAML::Mark m = node_.IsDefined() && !node_.IsNull() ? node_.Mark() : key_mark_;
  if (!real_mark(m)) m = key_mark_;
  return source_->context(path_, m);
}

void YamlField::fail(const std::string& message, const std::string& expected, const std::string& hint) const {
  ErrorContext c = context();
  c.expected = expected;
  c.hint = hint;
  throw_user_error(message, c);
}

void YamlField::fail_unknown_name(const std::string& value, const std::vector<std::string>& valid,
                                  const std::string& what) const {
  fail("unknown " + what + " `" + value + "`", "one of " + join_names(valid), did_you_mean(value, valid));
}

void YamlField::require_map(const std::string& expected) const {
  if (!node_.IsMap()) fail(std::string("expected a mapping, found ") + kind_name(node_), expected);
}

void YamlField::expect_keys(const std::vector<std::string>& allowed) const {
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
    const std::string path = child_path(path_, key);
    auto key_context = [&] {
      ErrorContext c = source_->context(path, it->first.Mark());
      return c;
    };
    bool known = false;
    for (const std::string& a : allowed) known = known || a == key;
    if (!known) {
      ErrorContext c = key_context();
      c.expected = "one of " + join_names(allowed);
      c.hint = did_you_mean(key, allowed);
      throw_user_error("unknown key `" + key + "`", c);
    }
    if (!seen.insert(key).second) {
      ErrorContext c = key_context();
      c.hint = "remove one of the two";
      throw_user_error("duplicate key `" + key + "`", c);
    }
  }
}

bool YamlField::has(const std::string& key) const {
  if (!node_.IsMap()) return false;
  for (auto it = node_.begin(); it != node_.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return !it->second.IsNull();
  return false;
}

std::optional<YamlField> YamlField::find(const std::string& key) const {
  if (!node_.IsMap()) return std::nullopt;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar() || it->first.Scalar() != key) continue;
    YamlField f(it->second, child_path(path_, key), source_, it->first.Mark());
    if (it->second.IsNull()) f.fail("no value given", "a value, or remove the key");
    return f;
  }
  return std::nullopt;
}

YamlField YamlField::at(const std::string& key, const std::string& expected) const {
  if (auto f = find(key)) return *f;
  ErrorContext c = source_->context(child_path(path_, key), node_.Mark());
  c.expected = expected;
  throw_user_error("missing required key `" + key + "`", c);
}

std::vector<std::pair<std::string, YamlField>> YamlField::entries() const {
  std::vector<std::pair<std::string, YamlField>> out;
  if (!node_.IsMap()) return out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
    out.emplace_back(key, YamlField(it->second, child_path(path_, key), source_, it->first.Mark()));
  }
  return out;
}

std::vector<YamlField> YamlField::items(const std::string& expected) const {
  if (!node_.IsSequence()) fail(std::string("expected a sequence, found ") + kind_name(node_), expected);
  std::vector<YamlField> out;
  for (size_t i = 0; i < node_.size(); ++i)
    out.emplace_back(node_[i], path_ + "[" + std::to_string(i) + "]", source_, node_[i].Mark());
  return out;
}

std::string YamlField::scalar_or_fail(const std::string& expected) const {
  if (is_null()) fail("no value given", expected);
  if (!node_.IsScalar()) fail(std::string("expected a scalar, found ") + kind_name(node_), expected);
  return node_.Scalar();
}

std::string YamlField::as_string(const std::string& expected) const { return scalar_or_fail(expected); }

long long YamlField::as_int64(const std::string& expected) const {
  const std::string s = scalar_or_fail(expected);
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE)
    fail("cannot read `" + s + "` as an integer", expected);
  return v;
}

int YamlField::as_int(const std::string& expected) const {
  const long long v = as_int64(expected);
  if (v < -2147483647LL || v > 2147483647LL) fail("integer " + std::to_string(v) + " is out of range", expected);
  return static_cast<int>(v);
}

int YamlField::as_int_in(long long lo, long long hi) const {
  const std::string expected = lo <= kNoLower ? "an integer no larger than " + std::to_string(hi)
                                              : "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  const long long v = as_int64(expected);
  if (v < lo || v > hi) fail("integer " + std::to_string(v) + " is out of range", expected);
  return static_cast<int>(v);
}

double YamlField::as_double(const std::string& expected) const {
  const std::string s = scalar_or_fail(expected);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    fail("cannot read `" + s + "` as a number", expected);
  return v;
}

bool YamlField::as_bool() const {
  const std::string s = lower(scalar_or_fail("true or false"));
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail("cannot read `" + node_.Scalar() + "` as a boolean", "true or false");
}

double YamlField::as_quantity(double (*parse)(std::string_view), const std::string& expected) const {
  const std::string s = scalar_or_fail(expected);
  try {
    return parse(s);
  } catch (const Error& e) {
    throw e.with_context(context());
  }
}

int YamlField::get_int(const std::string& key, int fallback) const {
  auto f = find(key);
  return f ? f->as_int() : fallback;
}
int YamlField::get_int(const std::string& key, int fallback, long long lo, long long hi) const {
  auto f = find(key);
  return f ? f->as_int_in(lo, hi) : fallback;
}
double YamlField::get_double(const std::string& key, double fallback) const {
  auto f = find(key);
  return f ? f->as_double() : fallback;
}
bool YamlField::get_bool(const std::string& key, bool fallback) const {
  auto f = find(key);
  return f ? f->as_bool() : fallback;
}
std::string YamlField::get_string(const std::string& key, const std::string& fallback) const {
  auto f = find(key);
  return f ? f->as_string() : fallback;
}
double YamlField::get_quantity(const std::string& key, double (*parse)(std::string_view), double fallback,
                               const std::string& expected) const {
  auto f = find(key);
  return f ? f->as_quantity(parse, expected) : fallback;
}

YAML::Node parse_yaml(const std::string& text, const std::string& file_for_messages) {
  const size_t bad = first_invalid_utf8(text);
  if (bad != std::string::npos) {
    const auto [line, column] = line_and_column(text, bad);
    throw_user_error("invalid UTF-8 at byte " + std::to_string(bad),
                     ErrorContext{.file = file_for_messages, .line = line, .column = column,
                                  .expected = "UTF-8 text", .hint = "save the file as UTF-8"});
  }
  try {
    YAML::Node root = YAML::Load(text);
    // YAML::Load keeps the first document and drops the rest without a word. YAML::LoadAll would say how
    // many there are, but yaml-cpp 0.7 loops forever on some malformed inputs ("! l\n? a"), so the events
    // of at most two documents are read instead.
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStart first, second;
    if (parser.HandleNextDocument(first) && parser.HandleNextDocument(second)) {
      ErrorContext c{.file = file_for_messages, .expected = "one YAML document",
                     .hint = "remove the `---` separator, or split the file"};
      if (real_mark(second.mark)) {
        c.line = second.mark.line + 1;
        c.column = second.mark.column + 1;
      }
      throw_user_error("a second YAML document starts here", c);
    }
    return root;
  } catch (const YAML::ParserException& e) {
    ErrorContext c{.file = file_for_messages};
    if (real_mark(e.mark)) {
      c.line = e.mark.line + 1;
      c.column = e.mark.column + 1;
    }
    throw_user_error("malformed YAML: " + e.msg, c);
  } catch (const YAML::Exception& e) {
    throw_user_error("malformed YAML: " + e.msg, ErrorContext{.file = file_for_messages});
  }
}

YAML::Node load_yaml_file(const std::string& path) { return parse_yaml(read_input_file(path, "file"), path); }

}  // namespace moeplan::io
