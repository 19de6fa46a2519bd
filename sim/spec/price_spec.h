// PriceSpec: how GPU time turns into dollars, rented or owned, and the power assumptions for energy.
// Defaults and their sources: shared/reference/hardware.md §3 "TCO / power assumptions" (Epoch [S22]).
#pragma once

#include <string>

namespace moeplan {

struct PriceSpec {
  enum class Mode { kRental, kOwned };
  Mode mode = Mode::kRental;
  double usd_per_gpu_hour = 0;     // rental; 0 = use the catalog's dated price for the GPU
  std::string source;              // where the rental price comes from
  // Owned hardware (TCO):
  double capex_usd_per_gpu = 0;    // 0 = catalog purchase price x server overhead
  double server_cost_overhead = 1.64;  // non-GPU server cost as a multiple of GPU cost [S22]
  double network_usd_per_gpu = 4390;   // 2-layer fat tree / MPFT cost per endpoint (ISCA'25 Table 3)
  double lifetime_years = 5;       // depreciation [S22]
  double pue = 1.25;               // non-hyperscaler PUE [S22]
  double usd_per_kwh = 0.0826;     // US industrial 2025 [S22]
  double server_power_factor = 1.82;  // server power / GPU TDP, DGX H100 [S22]
  double average_utilisation = 0.75;  // average draw while training, fraction of server TDP [S22]
};

void validate(const PriceSpec& p);

}  // namespace moeplan
