// Per-kernel device records (from CUPTI activity tracing) turned into per-call kernel time.
//
// A timed call may launch several kernels (cuBLASLt can split K; a copy may be one or two). When every timed
// call launches the same sequence of kernels on one stream, the records, in start order, fall into equal
// consecutive groups, one per call; the call's kernel time is the sum of its kernels' durations (the gaps
// between them, launch latency, are not kernel time). Pure C++: no CUDA needed, so it is tested everywhere.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/timing/median.h"

namespace moeplan::kernels {

struct KernelRecord {
  std::string name;
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
};

struct PerCallKernelTime {
  bool ok = false;                // false: records could not be attributed to calls (reason says why)
  std::string reason;
  int kernels_per_call = 0;
  std::vector<double> seconds;    // kernel time of each call, in call order
  double median_s = 0;
};

inline PerCallKernelTime per_call_kernel_time(std::vector<KernelRecord> records, int calls) {
  PerCallKernelTime out;
  if (calls < 1) {
    out.reason = "no timed calls";
    return out;
  }
  if (records.empty()) {
    out.reason = "no kernel records";
    return out;
  }
  if (records.size() % static_cast<std::size_t>(calls) != 0) {
    out.reason = std::to_string(records.size()) + " kernel records for " + std::to_string(calls) +
                 " calls: calls did not all launch the same kernels";
    return out;
  }
  std::stable_sort(records.begin(), records.end(),
                   [](const KernelRecord& a, const KernelRecord& b) { return a.start_ns < b.start_ns; });
  const std::size_t per_call = records.size() / static_cast<std::size_t>(calls);
  for (std::size_t c = 0; c < static_cast<std::size_t>(calls); ++c) {
    double s = 0;
    for (std::size_t i = c * per_call; i < (c + 1) * per_call; ++i) {
      const KernelRecord& r = records[i];
      if (r.end_ns < r.start_ns) {
        out.reason = "kernel record `" + r.name + "` ends before it starts";
        out.seconds.clear();
        return out;
      }
      // Every call launches the same sequence, so the i-th kernel of each call has the same name.
      if (r.name != records[i % per_call].name) {
        out.reason = "call " + std::to_string(c) + " launched `" + r.name + "` where call 0 launched `" +
                     records[i % per_call].name + "`";
        out.seconds.clear();
        return out;
      }
      s += static_cast<double>(r.end_ns - r.start_ns) * 1e-9;
    }
    out.seconds.push_back(s);
  }
  out.median_s = median(out.seconds);
  out.kernels_per_call = static_cast<int>(per_call);
  out.ok = true;
  return out;
}

}  // namespace moeplan::kernels
