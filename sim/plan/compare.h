// Compare: the same model and token budget on several GPU types, each with the best plan the search finds
// for it, or exactly why none fits.
//
// Each GPU gets the links of its class from the catalog rather than the scenario's: its own scale-up
// fabric (NVLink generation, or PCIe when it has none), and for GeForce parts (no ECC in the catalog, no
// NVLink, P2P disabled in the stock driver, hardware.md §4 [S20]) one 100 GbE NIC per node. So the H800 vs
// H100 difference comes from their NVLink specs (nvlink4-h800 vs nvlink4), not from a typed-in factor.
#pragma once

#include <string>
#include <vector>

#include "sim/io/catalog.h"
#include "sim/plan/capacity.h"
#include "sim/plan/plan_result.h"
#include "sim/plan/plan_search.h"
#include "sim/spec/scenario.h"

namespace moeplan {

struct CompareOptions {
  std::vector<std::string> gpus;    // catalog names, in the order to report
  PlanSearchOptions search;
  double deadline_days = 0;         // > 0: choose each GPU's cluster size to meet it (from gpu_counts)
  double budget_usd = 0;
  std::vector<int> gpu_counts;      // sizes tried when a deadline or budget is set
};

// The scenario moved to `gpu`: the GPU, its class's links (see above), its catalog rental price (the
// scenario's own price is kept for its own GPU), and BF16 GEMMs when the GPU has no FP8 tensor cores.
// Each change that is not obvious is described in `notes` (may be null).
Scenario scenario_for_gpu(const Scenario& s, const io::Catalog& catalog, const std::string& gpu,
                          std::vector<std::string>* notes);

// One entry per GPU in options.gpus. A GPU without a calibration profile, or on which no plan is valid or
// fits, is an infeasible entry with its reason; other errors propagate.
CompareResult compare_gpus(const Scenario& s, const io::Catalog& catalog, const CalibrationFactory& calib_for,
                           const CompareOptions& options);

}  // namespace moeplan
