// Sustained-load runs: one GEMM kept busy back to back, cut into windows, and the profile point that
// summarises it (SustainedPoint, sim/calib/profile.h).
//
// Short timings (warm-up, then a median of repeats) see the clock a GPU boosts to when it starts working; a
// training job runs for weeks at the clock its power and thermal limits leave. The ratio of the two rates is
// what the simulator applies to the compute rates of the other points.
#pragma once

#include <string>
#include <vector>

#include "kernels/timing/load_window.h"
#include "sim/calib/profile.h"

namespace moeplan {

// Fewest windows a run may have: the first is the burst, the last third must hold at least one.
inline constexpr int kMinSustainedWindows = 3;

// burst = the first window's rate; sustained = the median window rate over the last third of the windows;
// SM clock, power and temperature = the first window's reading (clock) and the medians over the last third;
// clock-limit reasons = every reason seen in the last third. Throws a user Error when there are fewer than
// kMinSustainedWindows windows or a window has no time or no work.
SustainedPoint summarize_sustained_run(const std::vector<kernels::LoadWindow>& windows, DType dtype,
                                       double m, double n, double k, const std::string& source);

}  // namespace moeplan
