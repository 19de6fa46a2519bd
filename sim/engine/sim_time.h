// Simulated time: a signed 64-bit count of picoseconds.
//
// Integer time keeps the event order exact and identical on every platform. One picosecond is fine enough
// that rounding a transfer or kernel to the grid is invisible (a byte at 900 GB/s lasts ~1.1 ps), and the
// range, 2^63 ps ~= 9.22e6 s ~= 106.7 days, covers any single step or serving window the engine is asked to
// run. Arithmetic that could leave the range goes through checked_add / seconds_to_time, which throw.
#pragma once

#include <cstdint>

namespace moeplan::engine {

using SimTime = std::int64_t;  // picoseconds

inline constexpr SimTime kPsPerSecond = 1'000'000'000'000;
inline constexpr SimTime kTimeNever = INT64_MAX;      // "no finish scheduled"
inline constexpr SimTime kTimeMax = INT64_MAX - 1;    // latest representable instant (~106.7 days)

// Seconds -> picoseconds, rounded to nearest. Throws a user Error for NaN, negative or out-of-range input.
SimTime seconds_to_time(double seconds);
double time_to_seconds(SimTime t);
// a + b for non-negative b; throws a user Error when the sum would pass kTimeMax.
SimTime checked_add(SimTime a, SimTime b);
// now + ceil(amount / rate) picoseconds, the instant a piece of work finishes at a constant rate.
// Returns kTimeNever when rate <= 0; throws when the result would pass kTimeMax.
SimTime finish_after(SimTime now, double amount, double rate_per_ps);

}  // namespace moeplan::engine
