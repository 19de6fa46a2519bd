// NvmlSensors: the few NVML queries a sustained-load run needs, resolved with dlsym. The prototypes are
// NVML's C ABI (nvml.h), declared here because the toolkit on a build machine need not ship nvml.h; every
// call is a query (nvmlDeviceGet*), none sets anything.
#include "kernels/cuda/nvml_sensors.h"

#include <cuda_runtime.h>
#include <dlfcn.h>

#include <string>
#include <type_traits>

namespace moeplan::kernels {

namespace {

using NvmlReturn = int;  // nvmlReturn_t; 0 = NVML_SUCCESS
using NvmlDevice = void*;
constexpr int kNvmlClockSm = 1;        // NVML_CLOCK_SM
constexpr int kNvmlTemperatureGpu = 0;  // NVML_TEMPERATURE_GPU

}  // namespace

struct NvmlSensors::Api {
  NvmlReturn (*init)() = nullptr;
  NvmlReturn (*shutdown)() = nullptr;
  NvmlReturn (*handle_by_bus_id)(const char*, NvmlDevice*) = nullptr;
  NvmlReturn (*handle_by_index)(unsigned, NvmlDevice*) = nullptr;
  NvmlReturn (*clock)(NvmlDevice, int, unsigned*) = nullptr;
  NvmlReturn (*power_mw)(NvmlDevice, unsigned*) = nullptr;
  NvmlReturn (*temperature)(NvmlDevice, int, unsigned*) = nullptr;
  NvmlReturn (*clock_limits)(NvmlDevice, unsigned long long*) = nullptr;
};

NvmlSensors::NvmlSensors(int cuda_device) {
  library_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (library_ == nullptr) {
    why_not_ = "libnvidia-ml.so.1 not found (no NVIDIA driver on this machine)";
    return;
  }
  api_ = new Api;
  auto sym = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(library_, name));
  };
  sym(api_->init, "nvmlInit_v2");
  sym(api_->shutdown, "nvmlShutdown");
  sym(api_->handle_by_bus_id, "nvmlDeviceGetHandleByPciBusId_v2");
  sym(api_->handle_by_index, "nvmlDeviceGetHandleByIndex_v2");
  sym(api_->clock, "nvmlDeviceGetClockInfo");
  sym(api_->power_mw, "nvmlDeviceGetPowerUsage");
  sym(api_->temperature, "nvmlDeviceGetTemperature");
  // Renamed "clocks event reasons" in newer drivers; the old name stays exported with the same ABI.
  sym(api_->clock_limits, "nvmlDeviceGetCurrentClocksEventReasons");
  if (api_->clock_limits == nullptr) sym(api_->clock_limits, "nvmlDeviceGetCurrentClocksThrottleReasons");
  if (api_->init == nullptr || api_->shutdown == nullptr || api_->init() != 0) {
    why_not_ = "NVML did not initialise";
    return;
  }
  initialised_ = true;
  NvmlDevice dev = nullptr;
  char bus_id[32] = {};
  const bool by_bus = api_->handle_by_bus_id != nullptr &&
                      cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, cuda_device) == cudaSuccess &&
                      api_->handle_by_bus_id(bus_id, &dev) == 0;
  if (by_bus) {
    device_ = dev;
  } else if (api_->handle_by_index != nullptr &&
             api_->handle_by_index(static_cast<unsigned>(cuda_device), &dev) == 0) {
    device_ = dev;  // CUDA_VISIBLE_DEVICES may renumber devices; the index is the fallback, not the rule
  } else {
    why_not_ = "NVML has no handle for CUDA device " + std::to_string(cuda_device);
  }
  cudaGetLastError();  // a failed bus-id query must not surface in a later CUDA check
}

NvmlSensors::~NvmlSensors() {
  if (initialised_) api_->shutdown();
  delete api_;
  if (library_ != nullptr) dlclose(library_);
}

void NvmlSensors::read(LoadWindow& w) const {
  if (device_ == nullptr) return;
  w.sensors = true;
  unsigned v = 0;
  if (api_->clock != nullptr && api_->clock(device_, kNvmlClockSm, &v) == 0) w.sm_clock_mhz = v;
  if (api_->power_mw != nullptr && api_->power_mw(device_, &v) == 0) w.power_w = v / 1000.0;
  if (api_->temperature != nullptr && api_->temperature(device_, kNvmlTemperatureGpu, &v) == 0)
    w.temperature_c = v;
  unsigned long long mask = 0;
  if (api_->clock_limits != nullptr && api_->clock_limits(device_, &mask) == 0) w.clock_limit_mask = mask;
}

}  // namespace moeplan::kernels
