// Number formatting for reports.
#include "reports/format.h"

#include <fmt/format.h>

#include <cmath>

#include "sim/units/units.h"

namespace moeplan::reports {

std::string fixed(double value, int decimals) { return fmt::format("{:.{}f}", value, decimals); }

std::string sig3(double value) {
  double a = std::fabs(value);
  if (a >= 100 || a == 0) return fixed(value, 0);
  if (a >= 10) return fixed(value, 1);
  if (a >= 1) return fixed(value, 2);
  return fmt::format("{:.3g}", value);
}

std::string percent(double fraction, int decimals) { return fixed(fraction * 100.0, decimals) + "%"; }

std::string gpu_hours(double hours) { return units::format_count(hours) + " GPU-h"; }

std::string days(double d) { return sig3(d) + " days"; }

std::string usd(double dollars) { return units::format_usd(dollars); }

std::string usd_per_gpu_hour(double rate) { return fmt::format("${:.2f}/GPU-h", rate); }

std::string bytes(double b) { return units::format_bytes(b); }

std::string gib(double b, int decimals) { return fixed(b / units::kGiB, decimals); }

std::string duration(double seconds) { return units::format_duration(seconds); }

std::string count(double c) { return units::format_count(c); }

std::string yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace moeplan::reports
