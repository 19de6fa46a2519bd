// Sweep expansion and point identities; see sweep_points.h.
#include "sim/plan/sweep_points.h"

#include <algorithm>
#include <set>
#include <utility>

#include "sim/units/error.h"

namespace moeplan {
namespace {

std::string escape_value(const std::string& v) {
  std::string out;
  for (char ch : v) {
    if (ch == ';' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

std::uint64_t hash_field(std::uint64_t h, std::string_view field) {
  const std::string len = std::to_string(field.size()) + ":";
  h = fnv1a64(len, h);
  return fnv1a64(field, h);
}

void check_axes(const std::vector<SweepAxis>& axes) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const auto& a = axes[i];
    const std::string path = "sweep[" + std::to_string(i) + "]";
    if (a.key.empty()) throw_user_error("sweep axis without a key", ErrorContext{.key_path = path});
    if (a.key.find_first_of("=;") != std::string::npos) {
      throw_user_error("sweep key `" + a.key + "` contains '=' or ';'",
                       ErrorContext{.key_path = path, .expected = "a dotted scenario path such as parallel.pp"});
    }
    if (a.values.empty()) {
      throw_user_error("sweep axis `" + a.key + "` has no values", ErrorContext{.key_path = path + "." + a.key});
    }
    if (!seen.insert(a.key).second) {
      throw_user_error("sweep axis `" + a.key + "` appears twice",
                       ErrorContext{.key_path = path, .hint = "merge the values into one axis"});
    }
  }
}

}  // namespace

std::string to_hex16(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[value & 0xf];
    value >>= 4;
  }
  return out;
}

std::uint64_t sweep_size(const std::vector<SweepAxis>& axes) {
  check_axes(axes);
  std::uint64_t n = 1;
  for (const auto& a : axes) {
    if (n > (std::uint64_t{1} << 63) / a.values.size()) {
      throw_user_error("the sweep has more than 2^63 points", ErrorContext{.key_path = "sweep"});
    }
    n *= a.values.size();
  }
  return n;
}

std::vector<SweepPoint> expand_sweep(const std::vector<SweepAxis>& axes, std::uint64_t max_points) {
  const std::uint64_t n = sweep_size(axes);
  // Refused before anything is allocated: each point costs a few hundred bytes here and a run later.
  if (n > max_points) {
    std::string shape;
    for (const auto& a : axes) shape += (shape.empty() ? "" : " x ") + std::to_string(a.values.size());
    throw_user_error("the sweep has " + std::to_string(n) + " points (" + shape + "), more than the limit of " +
                         std::to_string(max_points),
                     ErrorContext{.key_path = "sweep", .hint = "split it into smaller sweeps, or raise --max-points"});
  }
  // Axis indices sorted by key, for the canonical form.
  std::vector<std::size_t> by_key(axes.size());
  for (std::size_t i = 0; i < by_key.size(); ++i) by_key[i] = i;
  std::sort(by_key.begin(), by_key.end(), [&](std::size_t a, std::size_t b) { return axes[a].key < axes[b].key; });

  std::vector<SweepPoint> points;
  points.reserve(static_cast<std::size_t>(n));
  std::vector<std::size_t> digit(axes.size(), 0);  // mixed-radix counter, last axis fastest
  for (std::uint64_t p = 0; p < n; ++p) {
    SweepPoint pt;
    pt.index = static_cast<std::size_t>(p);
    for (std::size_t a = 0; a < axes.size(); ++a) pt.overrides.push_back(axes[a].key + "=" + axes[a].values[digit[a]]);
    for (std::size_t k = 0; k < by_key.size(); ++k) {
      const std::size_t a = by_key[k];
      if (k > 0) pt.canonical += ';';
      pt.canonical += axes[a].key + "=" + escape_value(axes[a].values[digit[a]]);
    }
    pt.id = fnv1a64(pt.canonical);
    points.push_back(std::move(pt));
    for (std::size_t a = axes.size(); a-- > 0;) {
      if (++digit[a] < axes[a].values.size()) break;
      digit[a] = 0;
    }
  }
  return points;
}

std::uint64_t sweep_id(std::string_view scenario_text, const std::vector<SweepAxis>& axes) {
  std::uint64_t h = hash_field(fnv1a64(""), scenario_text);
  h = hash_field(h, std::to_string(axes.size()));
  for (const auto& a : axes) {
    h = hash_field(h, a.key);
    h = hash_field(h, std::to_string(a.values.size()));
    for (const auto& v : a.values) h = hash_field(h, v);
  }
  return h;
}

}  // namespace moeplan
