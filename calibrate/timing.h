// Timing for the CPU backend: warm-up calls, then the median of repeats, each call handed the next of a
// few rotating input sets so no repeat finds its inputs hot from the previous one.
//
// The reference kernels are single-threaded, so the clock is this thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID): on a shared machine wall time would measure the other processes' load (a
// long call gets preempted, a short one does not), not the kernel.
#pragma once

#include <time.h>

#include <utility>
#include <vector>

#include "kernels/timing/median.h"

namespace moeplan {

struct TimingPlan {
  int warmup = 1;
  int min_repeats = 3;
  int max_repeats = 7;
  double budget_s = 0.25;  // stop adding repeats past min_repeats once this much time is spent
};

// fn(i) runs the kernel on rotating input set i % sets. Returns the median seconds per call.
inline double thread_cpu_time_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

template <class F>
double median_time_s(F&& fn, int sets, const TimingPlan& plan) {
  int call = 0;
  for (int i = 0; i < plan.warmup; ++i) fn(call++ % sets);
  std::vector<double> t;
  double spent = 0;
  while (static_cast<int>(t.size()) < plan.max_repeats) {
    const double t0 = thread_cpu_time_s();
    fn(call++ % sets);
    const double s = thread_cpu_time_s() - t0;
    t.push_back(s);
    spent += s;
    if (static_cast<int>(t.size()) >= plan.min_repeats && spent >= plan.budget_s) break;
  }
  return kernels::median(std::move(t));
}

}  // namespace moeplan
