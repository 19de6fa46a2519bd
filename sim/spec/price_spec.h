// PriceSpec: how GPU time turns into dollars, rented or owned, and the power assumptions for energy.
// Defaults and their sources: shared/reference/hardware.md §3 "TCO / power assumptions" (Epoch [S22]).
#pragma once

#include <string>

#include "sim/spec/hardware_spec.h"

namespace moeplan {

struct PriceSpec {
  enum class Mode { kRental, kOwned };
  Mode mode = Mode::kRental;
  double usd_per_gpu_hour = 0;     // rental; 0 = use the catalog's dated price for the GPU
  std::string source;              // where the rental price comes from
  std::string date;                // when the rental quote was taken, "2025-03" or "2025"; "" = undated
  // The month ("2026-12") a quote's age is judged against; "" = not judged. The command line sets the current
  // month, so a library result never depends on the clock unless asked to.
  std::string as_of;
  std::string note;                // why the price is what it is, when that is not obvious (reports show it)
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

// Prices `p` at the GPU's dated catalog rental quote (rate, date, and a source naming the catalog), or clears
// the rate when the catalog has none.
inline void use_catalog_rental(PriceSpec& p, const GpuSpec& gpu) {
  p.usd_per_gpu_hour = gpu.rental.usd_per_gpu_hour;
  p.date = gpu.rental.date;
  p.source = gpu.rental.usd_per_gpu_hour > 0
                 ? "catalog " + gpu.name + " rental, " + gpu.rental.date + ": " + gpu.rental.source
                 : std::string();
}

// Whether `p` is the GPU's catalog quote as use_catalog_rental sets it (rather than a price the scenario pinned).
inline bool is_catalog_rental(const PriceSpec& p, const GpuSpec& gpu) {
  PriceSpec c;
  use_catalog_rental(c, gpu);
  return p.usd_per_gpu_hour == c.usd_per_gpu_hour && p.source == c.source;
}

}  // namespace moeplan
