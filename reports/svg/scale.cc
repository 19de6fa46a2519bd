// Nice numbers and tick labels for chart axes.
#include "reports/svg/scale.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace moeplan::reports::svg {

double nice_number(double x, bool round) {
  if (!(x > 0) || !std::isfinite(x)) return 1;
  double exponent = std::floor(std::log10(x));
  double fraction = x / std::pow(10.0, exponent);
  double nice;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * std::pow(10.0, exponent);
}

Ticks nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (hi == lo) {
    double pad = lo == 0 ? 1 : std::fabs(lo) * 0.5;
    lo -= lo == 0 ? 0 : pad;
    hi += pad;
  }
  target = std::max(target, 2);
  double range = nice_number(hi - lo, false);
  Ticks t;
  t.step = nice_number(range / target, true);
  // Snap to the step; the small tolerance keeps 3.0000000001 from adding a whole extra interval.
  t.lo = std::floor(lo / t.step + 1e-9) * t.step;
  t.hi = std::ceil(hi / t.step - 1e-9) * t.step;
  int n = static_cast<int>(std::lround((t.hi - t.lo) / t.step));
  for (int i = 0; i <= n; ++i) {
    double v = t.lo + i * t.step;
    if (std::fabs(v) < t.step * 1e-9) v = 0;  // no "-0" or 1e-17 labels
    t.values.push_back(v);
  }
  return t;
}

std::string format_tick(double value, double step) {
  static const struct { double f; const char* p; } kPrefixes[] = {
      {1e12, " T"}, {1e9, " G"}, {1e6, " M"}, {1e3, " k"}};
  double scale = 1;
  const char* suffix = "";
  for (const auto& p : kPrefixes)
    if (step >= p.f) {
      scale = p.f;
      suffix = p.p;
      break;
    }
  double s = step / scale;
  int decimals = s >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(s) - 1e-9));
  if (value == 0) return "0";
  return fmt::format("{:.{}f}{}", value / scale, decimals, suffix);
}

}  // namespace moeplan::reports::svg
