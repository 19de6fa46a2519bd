// Conversions and overflow-checked arithmetic for simulated time.
#include "sim/engine/sim_time.h"

#include <cmath>
#include <string>

#include "sim/units/error.h"

namespace moeplan::engine {

namespace {
[[noreturn]] void throw_range(const std::string& what) {
  throw_user_error(what + " is beyond the simulated-time range (1 ps resolution, at most ~106 days)",
                   ErrorContext{.expected = "a simulated span shorter than 9.2e6 s"});
}
}  // namespace

SimTime seconds_to_time(double seconds) {
  if (std::isnan(seconds) || seconds < 0)
    throw_user_error("a duration must be a non-negative number of seconds, got " + std::to_string(seconds));
  const double ps = std::round(seconds * static_cast<double>(kPsPerSecond));
  if (ps >= static_cast<double>(kTimeMax)) throw_range(std::to_string(seconds) + " s");
  return static_cast<SimTime>(ps);
}

double time_to_seconds(SimTime t) { return static_cast<double>(t) / static_cast<double>(kPsPerSecond); }

SimTime checked_add(SimTime a, SimTime b) {
  if (b < 0) throw_internal_error("checked_add: negative time increment");
  if (a > kTimeMax - b) throw_range("time " + std::to_string(time_to_seconds(a)) + " s + " +
                                    std::to_string(time_to_seconds(b)) + " s");
  return a + b;
}

SimTime finish_after(SimTime now, double amount, double rate_per_ps) {
  if (!(rate_per_ps > 0)) return kTimeNever;
  if (!(amount > 0)) return now;
  // Subtracting a tiny relative epsilon keeps work that is an exact multiple of the rate on its exact
  // instant despite the last-bit error of the division.
  const double d = std::ceil(amount / rate_per_ps * (1.0 - 1e-12));
  if (d >= static_cast<double>(kTimeMax)) throw_range("a task of " + std::to_string(amount) + " units");
  return checked_add(now, static_cast<SimTime>(d));
}

}  // namespace moeplan::engine
