// Range-checked narrowing and overflow-checked products (see checked.h).
#include "sim/units/checked.h"

#include <cmath>
#include <cstdio>

#include "sim/units/error.h"

namespace moeplan {
namespace {
std::string range_text(long long lo, long long hi) {
  return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
}
std::string shown(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);  // "1.9", not "1.8999999999999999"
  return buf;
}
}  // namespace

long long checked_integer(double value, long long lo, long long hi, const std::string& what, bool whole) {
  if (!std::isfinite(value)) throw_user_error(what + " is not a finite number", ErrorContext{.expected = range_text(lo, hi)});
  if (whole && value != std::floor(value))
    throw_user_error(what + " " + shown(value) + " is not a whole number", ErrorContext{.expected = range_text(lo, hi)});
  // Compare as doubles first: only a value known to be in range is converted.
  if (value < static_cast<double>(lo) || value > static_cast<double>(hi))
    throw_user_error(what + " " + shown(value) + " is out of range", ErrorContext{.expected = range_text(lo, hi)});
  return static_cast<long long>(value);
}

long long checked_range(long long value, long long lo, long long hi, const std::string& what) {
  if (value < lo || value > hi)
    throw_user_error(what + " " + std::to_string(value) + " is out of range", ErrorContext{.expected = range_text(lo, hi)});
  return value;
}

long long bounded_product(std::initializer_list<long long> factors, long long cap) {
  long long out = 1;
  for (long long f : factors) {
    if (f <= 0) return 0;
    if (out > cap / f) return cap + 1;  // out * f > cap, tested without forming the product
    out *= f;
  }
  return out;
}

long long checked_mul(long long a, long long b, const std::string& what) {
  long long out = 0;
  if (__builtin_mul_overflow(a, b, &out))
    throw_user_error(what + " overflows: " + std::to_string(a) + " x " + std::to_string(b));
  return out;
}

double checked_finite(double value, const std::string& what) {
  if (!std::isfinite(value)) throw_user_error(what + " is not a finite number", ErrorContext{.expected = "a finite value"});
  return value;
}

}  // namespace moeplan
