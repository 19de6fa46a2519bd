// Cost model: GPU-hours -> wall-clock days, rental dollars, owned-hardware (TCO) dollars and energy.
//
// Rental is GPU-hours x a $/GPU-hour rate. Owned cost charges the run its share of the hardware's
// depreciation (capex spread evenly over the server lifetime) plus the electricity it draws. The power and
// depreciation defaults live in PriceSpec and come from Epoch AI's cost analysis
// (shared/reference/hardware.md §3 "TCO / power assumptions", [S22]).
#pragma once

#include <string>

#include "sim/cost/cost_result.h"
#include "sim/spec/failure_spec.h"
#include "sim/spec/hardware_spec.h"
#include "sim/spec/price_spec.h"

namespace moeplan {

// Capital cost attributed to one GPU: PriceSpec::capex_usd_per_gpu when given (an all-in figure), else the
// GPU's purchase price x server_cost_overhead + network_usd_per_gpu. Returns 0 when neither is known.
double capex_usd_per_gpu(const GpuSpec& gpu, const PriceSpec& price);

// Facility power per GPU while training, in watts: TDP x server_power_factor x average_utilisation x PUE.
double facility_watts_per_gpu(const GpuSpec& gpu, const PriceSpec& price);

// Owned cost of one GPU-hour, split into depreciation and power (US dollars).
double owned_capex_usd_per_gpu_hour(const GpuSpec& gpu, const PriceSpec& price);
double owned_power_usd_per_gpu_hour(const GpuSpec& gpu, const PriceSpec& price);

// Cost of a run of `gpu_hours` on `n_gpus` GPUs. The rental rate is PriceSpec::usd_per_gpu_hour, or the GPU's
// catalog quote when that is 0 (price_source says which). In rental mode a rate must be known; in owned mode
// the rental fields stay 0 when no rate is known. Owned fields stay 0 when no capex is known in rental mode;
// owned mode requires it. Throws a user Error on bad input.
CostResult compute_cost(double gpu_hours, int n_gpus, const GpuSpec& gpu, const PriceSpec& price);

// Whole months from a quote date to `as_of` ("2025-03" or "2025" to "2026-12"); a year-only date counts as its
// December, so a quote is only called stale when it certainly is. -1 when either date is missing or malformed.
int months_between(const std::string& from, const std::string& as_of);

// The failure-free cost `ff` with the expected failure and checkpoint overhead of `goodput` added: GPU-hours
// gain goodput.extra_gpu_hours (rework, restarts, checkpoint stalls, idle hot spares), elapsed days are the
// failure-free days / goodput.effective_time_fraction, and dollars and energy follow the GPU-hours at the
// same rates. The failure-free figures stay in the failure_free_* fields. A disabled goodput leaves the
// totals equal to the failure-free ones.
CostResult include_failures(const CostResult& ff, const GoodputResult& goodput);

// GPU-hours and elapsed time per failure-free GPU-hour of a job under `spec` (linear in the run's length,
// so a planner scales candidates by these). {1, 1} when failures are disabled. Throws like compute_goodput.
struct FailureFactors {
  double gpu_hours = 1;
  double elapsed = 1;
};
FailureFactors failure_factors(const FailureSpec& spec, int n_gpus, int gpus_per_node, double checkpoint_bytes);

}  // namespace moeplan
