// Read-only GPU sensors (SM clock, board power, temperature, clock-limit reasons) through NVML, loaded at
// run time with dlopen so that moeplan neither links nor needs libnvidia-ml where there is no driver.
// Nothing here changes a device setting. CUDA-only header.
#pragma once

#include <string>

#include "kernels/timing/load_window.h"

namespace moeplan::kernels {

class NvmlSensors {
 public:
  // Opens NVML for CUDA device `cuda_device` (matched by PCI bus id). Never throws: when NVML or the device
  // cannot be opened, why_not() says why ("" when the sensors can be read).
  explicit NvmlSensors(int cuda_device);
  ~NvmlSensors();
  NvmlSensors(const NvmlSensors&) = delete;
  NvmlSensors& operator=(const NvmlSensors&) = delete;

  const std::string& why_not() const { return why_not_; }
  // Fills the sensor fields of `w` (and sets w.sensors) when available; a reading NVML refuses stays 0.
  void read(LoadWindow& w) const;

 private:
  struct Api;
  void* library_ = nullptr;
  Api* api_ = nullptr;
  void* device_ = nullptr;
  bool initialised_ = false;  // nvmlInit succeeded, so the destructor owes an nvmlShutdown
  std::string why_not_;
};

}  // namespace moeplan::kernels
