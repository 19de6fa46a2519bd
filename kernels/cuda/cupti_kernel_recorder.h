// Per-kernel device durations through CUPTI's activity API: every kernel (and memory copy) the process runs
// between start() and stop() comes back with its device start and end timestamps. CUPTI's activity buffers
// are process-wide, so one recorder records at a time. CUDA-only header; the CUPTI calls exist when the
// build links CUPTI (MOEPLAN_HAVE_CUPTI); otherwise start() throws a user Error saying so.
#pragma once

#include <string>
#include <vector>

#include "kernels/timing/kernel_records.h"

namespace moeplan::kernels {

class CuptiKernelRecorder {
 public:
  CuptiKernelRecorder() = default;
  ~CuptiKernelRecorder();  // stops recording if still on (records are dropped)
  CuptiKernelRecorder(const CuptiKernelRecorder&) = delete;
  CuptiKernelRecorder& operator=(const CuptiKernelRecorder&) = delete;

  // Enables kernel and memcpy activity records. Throws a user Error naming the failure: no CUPTI in this
  // build, or CUPTI refused (e.g. another profiler holds it).
  void start();
  // Waits for the device, flushes CUPTI's buffers, disables recording and returns the records since start(),
  // in the order CUPTI delivered them.
  std::vector<KernelRecord> stop();

 private:
  bool recording_ = false;
};

}  // namespace moeplan::kernels
