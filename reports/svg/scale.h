// Axis scales and "nice" tick values for charts.
#pragma once

#include <string>
#include <vector>

namespace moeplan::reports::svg {

// Maps a data interval [d0, d1] linearly onto a pixel interval [r0, r1] (r1 < r0 for a y axis).
struct LinearScale {
  double d0 = 0, d1 = 1, r0 = 0, r1 = 1;
  double operator()(double v) const { return d1 == d0 ? r0 : r0 + (v - d0) * (r1 - r0) / (d1 - d0); }
};

struct Ticks {
  double lo = 0;                // axis start, a multiple of step, <= the data minimum
  double hi = 1;                // axis end, a multiple of step, >= the data maximum
  double step = 1;              // 1, 2 or 5 times a power of ten
  std::vector<double> values;   // lo, lo + step, ..., hi
};

// A 1-2-5 number near x: rounded to the nearest when `round`, else the next one up. Heckbert, "Nice
// numbers for graph labels", Graphics Gems (1990).
double nice_number(double x, bool round);
// Ticks covering [lo, hi] with about `target` intervals (Heckbert's loose labelling). lo == hi or
// non-finite input gives a small valid axis.
Ticks nice_ticks(double lo, double hi, int target = 5);
// Tick label with just enough decimals for the step, and k/M/G/T for large values: "0.25", "40", "2 M".
std::string format_tick(double value, double step);

}  // namespace moeplan::reports::svg
