// One window of a back-to-back kernel run (a sustained-load measurement): how long it took, the work it did,
// and what the device's sensors read at its end. Pure C++ so calibration code compiles without CUDA.
#pragma once

#include <string>

namespace moeplan::kernels {

struct LoadWindow {
  double seconds = 0;
  double flops = 0;
  // Sensor readings at the end of the window; valid only when `sensors` is true (NVML on a GPU).
  bool sensors = false;
  double sm_clock_mhz = 0;
  double power_w = 0;
  double temperature_c = 0;
  unsigned long long clock_limit_mask = 0;  // NVML clocks-event (throttle) reason bits
};

// Names of the NVML clock-limit reason bits in `mask`, joined with "+" ("sw-power-cap+sw-thermal"); "none"
// for 0. The bit values are NVML's nvmlClocksEventReason* constants, stable since NVML 3.
inline std::string clock_limit_names(unsigned long long mask) {
  static const struct {
    unsigned long long bit;
    const char* name;
  } kReasons[] = {{0x1, "gpu-idle"},        {0x2, "application-clocks"}, {0x4, "sw-power-cap"},
                  {0x8, "hw-slowdown"},     {0x10, "sync-boost"},        {0x20, "sw-thermal"},
                  {0x40, "hw-thermal"},     {0x80, "hw-power-brake"},    {0x100, "display-clocks"}};
  std::string out;
  for (const auto& r : kReasons)
    if ((mask & r.bit) != 0) out += (out.empty() ? "" : "+") + std::string(r.name);
  if ((mask & ~0x1FFull) != 0) out += (out.empty() ? "" : "+") + std::string("other");
  return out.empty() ? "none" : out;
}

}  // namespace moeplan::kernels
