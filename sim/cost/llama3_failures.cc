// Llama 3 Table 5 (arXiv:2407.21783 §3.3.4) transcribed from shared/reference/published-numbers.md §7.
#include "sim/cost/llama3_failures.h"

namespace moeplan {

std::vector<Llama3InterruptionRow> llama3_table5() {
  return {
      {"Faulty GPU", "GPU", 148, 30.1},  // printed as 30.1%; 148/419 is 35.3% (see header)
      {"GPU HBM3 Memory", "GPU", 72, 17.2},
      {"Software Bug", "Dependency", 54, 12.9},
      {"Network Switch/Cable", "Network", 35, 8.4},
      {"Host Maintenance", "Unplanned Maintenance", 32, 7.6},
      {"GPU SRAM Memory", "GPU", 19, 4.5},
      {"GPU System Processor", "GPU", 17, 4.1},
      {"NIC", "Host", 7, 1.7},
      {"NCCL Watchdog Timeouts", "Unknown", 7, 1.7},
      {"Silent Data Corruption", "GPU", 6, 1.4},
      {"GPU Thermal Interface + Sensor", "GPU", 6, 1.4},
      {"SSD", "Host", 3, 0.7},
      {"Power Supply", "Host", 3, 0.7},
      {"Server Chassis", "Host", 2, 0.5},
      {"IO Expansion Board", "Host", 2, 0.5},
      {"Dependency", "Dependency", 2, 0.5},
      {"CPU", "Host", 2, 0.5},
      {"System Memory", "Host", 2, 0.5},
  };
}

std::vector<FailureClass> llama3_failure_classes() {
  // Assumption (see header): every one of the 16,384 GPUs ran for all 54 days.
  const double gpu_days = static_cast<double>(kLlama3SnapshotGpus) * kLlama3SnapshotDays;
  std::vector<FailureClass> classes;
  for (const auto& row : llama3_table5()) {
    classes.push_back(FailureClass{row.component, row.category, row.count / gpu_days});
  }
  return classes;
}

}  // namespace moeplan
