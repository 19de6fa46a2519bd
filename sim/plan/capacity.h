// Capacity planning: the plan search run at several cluster sizes, and the size whose best plan meets a
// deadline and/or a budget at the best objective (fastest, cheapest or least energy).
#pragma once

#include <string>
#include <vector>

#include "sim/calib/calibration.h"
#include "sim/plan/plan_result.h"
#include "sim/plan/plan_search.h"
#include "sim/spec/scenario.h"

namespace moeplan {

// "512..4096" -> 512, 1024, 2048, 4096 (doubling, the upper end always included); "512,1536" -> a list;
// "2048" -> one size. Every size must be a whole number of nodes of `gpus_per_node`; throws a user Error
// (key `--gpus`) otherwise or on malformed text.
std::vector<int> parse_gpu_counts(const std::string& text, int gpus_per_node);

// The scenario on `n_gpus` GPUs (n_gpus / gpus_per_node nodes); its own plan's dp follows when tp x pp
// divides the new size.
Scenario with_gpu_count(const Scenario& s, int n_gpus);

// Runs the full search (analytic scan, DES re-rank) at every size and chooses, among the sizes whose best
// plan meets the deadline and budget (0 = none), the one with the best objective. Sizes where nothing fits
// are kept with their reason.
CapacityResult plan_capacity(const Scenario& s, const Calibration& calib, const std::vector<int>& gpu_counts,
                             double deadline_days, double budget_usd, const PlanSearchOptions& options);

// Why a search found no plan, in one line: the least memory any valid plan needs against the GPU's HBM,
// or the most frequent validation failure. "" when it found one.
std::string infeasible_reason(const PlanResult& r, const Scenario& s);

}  // namespace moeplan
