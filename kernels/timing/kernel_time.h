// What a timed kernel call measured: CUDA-event time around each call, and, where CUPTI recorded the
// kernels it launched, their own device time. Pure C++ so calibration code compiles without CUDA.
#pragma once

#include <string>

namespace moeplan::kernels {

struct KernelTime {
  double seconds = 0;        // the time to use: CUPTI kernel time when recorded, else event time
  double event_s = 0;        // median CUDA-event time around one call (includes launch gaps)
  double cupti_s = -1;       // median per-call device time of the recorded kernels/copies; < 0: not recorded
  int kernels_per_call = 0;  // kernels (and copies) each call launched, when recorded
  std::string method;        // "CUPTI activity records (N per call)" or "CUDA events (CUPTI not used: <why>)"
};

}  // namespace moeplan::kernels
