#include "calibrate/sustained_run.h"

#include <algorithm>

#include "kernels/timing/median.h"
#include "sim/units/error.h"

namespace moeplan {

using kernels::median;

SustainedPoint summarize_sustained_run(const std::vector<kernels::LoadWindow>& windows, DType dtype,
                                       double m, double n, double k, const std::string& source) {
  if (static_cast<int>(windows.size()) < kMinSustainedWindows) {
    ErrorContext c;
    c.key_path = "--sustain-seconds";
    c.expected = "a run long enough for " + std::to_string(kMinSustainedWindows) + " windows";
    throw_user_error("sustained run has " + std::to_string(windows.size()) + " window(s)", c);
  }
  for (const kernels::LoadWindow& w : windows)
    if (!(w.seconds > 0) || !(w.flops > 0)) throw_user_error("sustained run: a window has no time or no work");
  SustainedPoint p;
  p.dtype = dtype;
  p.m = m, p.n = n, p.k = k;
  for (const kernels::LoadWindow& w : windows) p.seconds += w.seconds;
  p.burst_flops_per_s = windows.front().flops / windows.front().seconds;
  const std::size_t tail_begin = windows.size() - std::max<std::size_t>(1, windows.size() / 3);
  std::vector<double> rate, clock, power, temp;
  unsigned long long limits = 0;
  bool sensors = false;
  for (std::size_t i = tail_begin; i < windows.size(); ++i) {
    const kernels::LoadWindow& w = windows[i];
    rate.push_back(w.flops / w.seconds);
    if (!w.sensors) continue;
    sensors = true;
    clock.push_back(w.sm_clock_mhz);
    power.push_back(w.power_w);
    temp.push_back(w.temperature_c);
    limits |= w.clock_limit_mask;
  }
  p.sustained_flops_per_s = median(rate);
  if (windows.front().sensors) p.sm_clock_mhz_burst = windows.front().sm_clock_mhz;
  if (sensors) {
    p.sm_clock_mhz_sustained = median(clock);
    p.power_w = median(power);
    p.temperature_c = median(temp);
    p.throttle = kernels::clock_limit_names(limits);
  }
  p.src.source = source;
  return p;
}

}  // namespace moeplan
