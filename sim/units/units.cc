// Parsers and formatters for quantities with units (see units.h for the accepted forms).
#include "sim/units/units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

#include "sim/units/error.h"

namespace moeplan::units {
namespace {

struct NumberAndUnit {
  double value = 0;
  std::string unit;  // remaining text, spaces removed
};

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void bad(std::string_view text, const char* expected) {
  throw_user_error("cannot read `" + std::string(text) + "` as a quantity",
                   ErrorContext{.expected = expected});
}

// Length of a plain decimal number at the start of `s` ([+-]digits[.digits][e[+-]digits]), 0 when there is
// none. strtod alone would also take "0x10", "inf" and "nan", which no scenario means.
size_t decimal_length(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t exp_digits = 0;
    while (j < s.size() && is_digit(s[j])) ++j, ++exp_digits;
    if (exp_digits > 0) i = j;
  }
  return i;
}

// Splits "$2.5M/h" style text into the number and the rest; a leading '$' is kept in the unit. Spaces may
// stand around the text and between the number and its unit, nowhere else: "1 4.8T" is not 14.8T.
NumberAndUnit split(std::string_view text, const char* expected) {
  std::string_view s = text;
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  bool dollar_prefix = false;
  if (!s.empty() && s[0] == '$') {
    dollar_prefix = true;
    s.remove_prefix(1);
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  }
  const size_t n = decimal_length(s);
  if (n == 0) bad(text, expected);
  const std::string number(s.substr(0, n));
  const double v = std::strtod(number.c_str(), nullptr);
  if (!std::isfinite(v)) bad(text, expected);
  std::string_view rest = s.substr(n);
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  NumberAndUnit out{v, ""};
  // Inside the unit only the spaces of "6 M USD" style amounts are allowed: they go, other text stays.
  for (char c : rest)
    if (!is_space(c)) out.unit += c;
  if (!out.unit.empty() && is_digit(out.unit[0])) bad(text, expected);
  if (dollar_prefix) out.unit = "$" + out.unit;
  return out;
}

// A parsed quantity times its unit factor must stay a finite number ("1e300T" overflows to infinity).
double scaled(std::string_view text, double value, double factor) {
  const double v = value * factor;
  if (!std::isfinite(v))
    throw_user_error("`" + std::string(text) + "` is too large to represent",
                     ErrorContext{.expected = "a finite quantity"});
  return v;
}

bool starts_with(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

// Decimal magnitude prefix at the start of `unit` (k, K, M, G, T, P); consumes it.
double take_decimal_prefix(std::string& unit) {
  if (unit.empty()) return 1.0;
  double f = 1.0;
  switch (unit[0]) {
    case 'k': case 'K': f = kKilo; break;
    case 'M': f = kMega; break;
    case 'G': f = kGiga; break;
    case 'T': f = kTera; break;
    case 'P': f = kPeta; break;
    default: return 1.0;
  }
  unit.erase(0, 1);
  return f;
}

}  // namespace

double parse_bytes(std::string_view text) {
  static const char* kExpect = "a size such as \"80 GiB\", \"80 GB\" or \"512 MiB\"";
  NumberAndUnit nu = split(text, kExpect);
  std::string u = nu.unit;
  if (u.empty()) return nu.value;
  static const struct { const char* unit; double factor; } kTable[] = {
      {"B", 1}, {"KiB", kKiB}, {"MiB", kMiB}, {"GiB", kGiB}, {"TiB", kTiB},
      {"kB", kKilo}, {"KB", kKilo}, {"MB", kMega}, {"GB", kGiga}, {"TB", kTera}, {"PB", kPeta}};
  for (const auto& e : kTable)
    if (u == e.unit) return scaled(text, nu.value, e.factor);
  bad(text, kExpect);
}

double parse_bandwidth(std::string_view text) {
  static const char* kExpect = "a bandwidth such as \"400 Gbps\", \"400 Gb/s\" or \"50 GB/s\"";
  NumberAndUnit nu = split(text, kExpect);
  std::string u = nu.unit;
  double f = take_decimal_prefix(u);
  if (u == "bps" || u == "b/s" || u == "bit/s") return scaled(text, nu.value, f / 8.0);
  if (u == "Bps" || u == "B/s") return scaled(text, nu.value, f);
  bad(text, kExpect);
}

double parse_duration(std::string_view text) {
  static const char* kExpect = "a duration such as \"1.5 us\", \"3 ms\", \"4 h\" or \"60d\"";
  NumberAndUnit nu = split(text, kExpect);
  const std::string& u = nu.unit;
  static const struct { const char* unit; double factor; } kTable[] = {
      {"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"sec", 1},
      {"min", 60}, {"h", 3600}, {"hour", 3600}, {"hours", 3600}, {"d", 86400}, {"day", 86400},
      {"days", 86400}, {"w", 604800}, {"week", 604800}, {"weeks", 604800},
      {"y", kHoursPerYear * 3600}, {"year", kHoursPerYear * 3600}, {"years", kHoursPerYear * 3600}};
  for (const auto& e : kTable)
    if (u == e.unit) return scaled(text, nu.value, e.factor);
  bad(text, kExpect);
}

double parse_flops_rate(std::string_view text) {
  static const char* kExpect = "a compute rate such as \"989 TFLOPS\" or \"1.979 PFLOP/s\"";
  NumberAndUnit nu = split(text, kExpect);
  std::string u = nu.unit;
  if (u.empty()) return nu.value;
  double f = take_decimal_prefix(u);
  if (u == "FLOPS" || u == "FLOP/s" || u == "flops" || u == "FLOPs" || u == "OPS") return scaled(text, nu.value, f);
  bad(text, kExpect);
}

double parse_power(std::string_view text) {
  static const char* kExpect = "a power such as \"700 W\" or \"10.2 kW\"";
  NumberAndUnit nu = split(text, kExpect);
  std::string u = nu.unit;
  double f = take_decimal_prefix(u);
  if (u == "W") return scaled(text, nu.value, f);
  bad(text, kExpect);
}

namespace {
// Removes a currency marker ("$" at either end or "USD") and returns whether one was found.
bool take_currency(std::string& u) {
  bool found = false;
  if (starts_with(u, "$")) { u.erase(0, 1); found = true; }
  if (starts_with(u, "USD")) { u.erase(0, 3); found = true; }
  return found;
}
}  // namespace

double parse_usd(std::string_view text) {
  static const char* kExpect = "an amount such as \"$5.5M\", \"6M$\" or \"1500 USD\"";
  NumberAndUnit nu = split(text, kExpect);
  std::string u = nu.unit;
  bool currency = take_currency(u);
  double f = 1.0;
  if (starts_with(u, "k") || starts_with(u, "K")) { f = kKilo; u.erase(0, 1); }
  else if (starts_with(u, "M")) { f = kMega; u.erase(0, 1); }
  else if (starts_with(u, "B")) { f = kGiga; u.erase(0, 1); }
  currency = take_currency(u) || currency;
  if (!u.empty() || (!currency && !nu.unit.empty() && f == 1.0)) bad(text, kExpect);
  return scaled(text, nu.value, f);
}

double parse_usd_per_hour(std::string_view text) {
  static const char* kExpect = "a price such as \"$2/h\", \"2.0 $/h\" or \"2 USD/GPU-h\"";
  NumberAndUnit nu = split(text, kExpect);
  std::string u = nu.unit;
  take_currency(u);
  static const char* kPerHour[] = {"/h", "/hr", "/hour", "/GPU-h", "/GPU-hour", "/gpu-h", "/gpu-hour"};
  for (const char* p : kPerHour)
    if (u == p) return nu.value;
  bad(text, kExpect);
}

double parse_usd_per_kwh(std::string_view text) {
  static const char* kExpect = "an electricity price such as \"$0.0826/kWh\" or \"0.08 $/kWh\"";
  NumberAndUnit nu = split(text, kExpect);
  std::string u = nu.unit;
  take_currency(u);
  if (u == "/kWh") return nu.value;
  if (u == "/MWh") return scaled(text, nu.value, 1e-3);
  bad(text, kExpect);
}

double parse_count(std::string_view text) {
  static const char* kExpect = "a count such as \"14.8T\", \"469B\", \"4K\" or \"4096\"";
  NumberAndUnit nu = split(text, kExpect);
  const std::string& u = nu.unit;
  if (u.empty()) return nu.value;
  static const struct { const char* unit; double factor; } kTable[] = {
      {"K", kKilo}, {"k", kKilo}, {"M", kMega}, {"B", kGiga}, {"G", kGiga}, {"T", kTera},
      {"Ki", kKiB}, {"Mi", kMiB}};
  for (const auto& e : kTable)
    if (u == e.unit) return scaled(text, nu.value, e.factor);
  bad(text, kExpect);
}

namespace {
std::string three_digits(double v) {
  char buf[64];
  double a = std::fabs(v);
  if (a >= 100 || a == 0) std::snprintf(buf, sizeof buf, "%.0f", v);
  else if (a >= 10) std::snprintf(buf, sizeof buf, "%.1f", v);
  else std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string with_prefix(double v, const char* unit, bool space_before_prefix = true) {
  static const struct { double f; const char* p; } kPrefixes[] = {
      {1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  for (const auto& p : kPrefixes)
    if (std::fabs(v) >= p.f)
      return three_digits(v / p.f) + (space_before_prefix ? " " : "") + p.p + unit;
  return three_digits(v) + (space_before_prefix ? " " : "") + unit;
}
}  // namespace

std::string format_bytes(double bytes) {
  static const struct { double f; const char* u; } kTable[] = {
      {kTiB, "TiB"}, {kGiB, "GiB"}, {kMiB, "MiB"}, {kKiB, "KiB"}};
  for (const auto& e : kTable)
    if (std::fabs(bytes) >= e.f) return three_digits(bytes / e.f) + " " + e.u;
  return three_digits(bytes) + " B";
}

std::string format_bandwidth(double Bps) { return with_prefix(Bps, "B/s"); }

std::string format_duration(double s) {
  double a = std::fabs(s);
  if (a >= 2 * kSecondsPerDay) return three_digits(s / kSecondsPerDay) + " days";
  if (a >= 2 * kSecondsPerHour) return three_digits(s / kSecondsPerHour) + " h";
  if (a >= 120) return three_digits(s / 60) + " min";
  if (a >= 1) return three_digits(s) + " s";
  if (a >= 1e-3) return three_digits(s * 1e3) + " ms";
  if (a >= 1e-6) return three_digits(s * 1e6) + " us";
  return three_digits(s * 1e9) + " ns";
}

std::string format_flops_rate(double f) { return with_prefix(f, "FLOP/s"); }

std::string format_usd(double usd) {
  if (std::fabs(usd) >= 1e9) return "$" + three_digits(usd / 1e9) + " B";
  if (std::fabs(usd) >= 1e6) return "$" + three_digits(usd / 1e6) + " M";
  if (std::fabs(usd) >= 1e4) return "$" + three_digits(usd / 1e3) + " k";
  char buf[64];
  std::snprintf(buf, sizeof buf, "$%.2f", usd);
  return buf;
}

std::string format_count(double c) {
  static const struct { double f; const char* p; } kPrefixes[] = {
      {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
  for (const auto& p : kPrefixes)
    if (std::fabs(c) >= p.f) return three_digits(c / p.f) + " " + p.p;
  return three_digits(c);
}

}  // namespace moeplan::units
