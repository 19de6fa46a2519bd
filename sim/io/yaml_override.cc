// Applying "dotted.key=value" overrides to a YAML tree (see yaml_override.h).
#include "sim/io/yaml_override.h"

#include <cctype>
#include <vector>

#include "sim/units/error.h"
#include "sim/units/text.h"

namespace moeplan::io {
namespace {

struct Component {
  std::string key;  // mapping key, or "" for an index
  long long index = -1;
};

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

[[noreturn]] void bad_key(const std::string& key, const std::string& why) {
  throw_user_error("bad override key `" + key + "`: " + why,
                   ErrorContext{.expected = "a dotted key such as parallel.pp or training.phases[0].seq_len"});
}

// A list index of a key: at most 9 digits (no list in a scenario comes near 10^9 entries), so it converts
// without std::stoll's out_of_range.
long long index_of(const std::string& key, const std::string& digits) {
  if (digits.size() > 9) bad_key(key, "index `" + digits + "` is too large");
  long long v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

std::vector<Component> split_key(const std::string& key) {
  std::vector<Component> out;
  std::string cur;
  auto flush = [&] {
    if (cur.empty()) bad_key(key, "empty component");
    if (all_digits(cur)) out.push_back({"", index_of(key, cur)});
    else out.push_back({cur, -1});
    cur.clear();
  };
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '.') {
      if (i > 0 && key[i - 1] == ']') continue;  // "a[1].b"
      flush();
    } else if (c == '[') {
      flush();
      const size_t close = key.find(']', i);
      if (close == std::string::npos) bad_key(key, "unclosed `[`");
      const std::string idx = key.substr(i + 1, close - i - 1);
      if (!all_digits(idx)) bad_key(key, "index `" + idx + "` is not a number");
      out.push_back({"", index_of(key, idx)});
      i = close;
    } else {
      cur += c;
    }
  }
  if (!cur.empty() || key.empty() || key.back() == '.') flush();
  return out;
}

std::string render(const std::vector<Component>& comps, size_t upto) {
  std::string out;
  for (size_t i = 0; i < upto && i < comps.size(); ++i) {
    if (comps[i].index >= 0) out += "[" + std::to_string(comps[i].index) + "]";
    else out += (out.empty() ? "" : ".") + comps[i].key;
  }
  return out;
}

// Recursion on fresh Node handles: assigning one yaml-cpp Node to another would overwrite shared data.
void set_at(YAML::Node node, const std::vector<Component>& comps, size_t i, const YAML::Node& value) {
  const Component& c = comps[i];
  const bool last = i + 1 == comps.size();
  const std::string here = render(comps, i);
  if (c.index >= 0) {
    if (!node.IsSequence())
      throw_user_error("cannot index `" + (here.empty() ? std::string("<root>") : here) + "`: it is not a sequence",
                       ErrorContext{.key_path = render(comps, i + 1)});
    const auto size = static_cast<long long>(node.size());
    if (c.index > size)
      throw_user_error("index " + std::to_string(c.index) + " is past the end of `" + here + "` (" +
                           std::to_string(size) + " elements)",
                       ErrorContext{.key_path = render(comps, i + 1)});
    if (c.index == size) node.push_back(last ? value : YAML::Node(YAML::NodeType::Map));
    else if (last) node[static_cast<size_t>(c.index)] = value;
    if (!last) set_at(node[static_cast<size_t>(c.index)], comps, i + 1, value);
    return;
  }
  if (node.IsNull() || !node.IsDefined()) node = YAML::Node(YAML::NodeType::Map);
  if (!node.IsMap())
    throw_user_error("cannot set `" + render(comps, comps.size()) + "`: `" + here + "` is not a mapping",
                     ErrorContext{.key_path = here});
  if (last) {
    node[c.key] = value;
    return;
  }
  YAML::Node child = node[c.key];
  if (!child.IsDefined() || child.IsNull()) {
    // Create the missing level as a mapping, or a sequence when the next component is an index.
    node[c.key] = YAML::Node(comps[i + 1].index >= 0 ? YAML::NodeType::Sequence : YAML::NodeType::Map);
  }
  set_at(node[c.key], comps, i + 1, value);
}

}  // namespace

std::string normalize_key_path(const std::string& dotted_key) {
  const auto comps = split_key(dotted_key);
  return render(comps, comps.size());
}

std::pair<std::string, std::string> split_override(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw_user_error("bad override `" + text + "`", ErrorContext{.expected = "key=value, e.g. parallel.pp=8"});
  std::string key = text.substr(0, eq);
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
  return {key, text.substr(eq + 1)};
}

void apply_override(YAML::Node& root, const std::string& dotted_key, const std::string& value) {
  const auto comps = split_key(dotted_key);
  // Values end up in reports (JSON, HTML, SQLite): reject bytes that are not UTF-8 here, as files do.
  if (first_invalid_utf8(value) != std::string::npos || first_invalid_utf8(dotted_key) != std::string::npos)
    throw_user_error("override `" + dotted_key + "` is not valid UTF-8",
                     ErrorContext{.key_path = render(comps, comps.size()), .expected = "UTF-8 text"});
  YAML::Node parsed;
  try {
    parsed = YAML::Load(value);
  } catch (const YAML::Exception& e) {
    throw_user_error("cannot read override value `" + value + "`: " + e.msg,
                     ErrorContext{.key_path = render(comps, comps.size())});
  }
  if (!parsed.IsDefined() || parsed.IsNull())
    throw_user_error("override `" + dotted_key + "` has no value",
                     ErrorContext{.key_path = render(comps, comps.size()), .expected = "key=value"});
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  set_at(root, comps, 0, parsed);
}

}  // namespace moeplan::io
