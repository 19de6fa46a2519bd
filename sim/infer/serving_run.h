// run_serving: one serving scenario end to end — deployment model, capacity and cost, request-level
// simulation (arrivals given: those requests; daily workload: Poisson requests of the mean shape at the peak
// rate over the whole provisioned service), and the comparison over other GPU types.
#pragma once

#include <string>

#include "sim/calib/calibration.h"
#include "sim/infer/capacity.h"
#include "sim/infer/request_sim.h"
#include "sim/infer/serve_result.h"
#include "sim/infer/serve_scenario.h"

namespace moeplan {

// The request-level simulation's configuration for `prefill_units` and `decode_units` units of the planned
// pools: the deployment model's step times (decode with its NIC share), the KV handoff and the objectives.
// The callbacks refer to `s` and the calibrations, which must outlive the configuration.
RequestSimConfig serving_sim_config(const ServeScenario& s, const Calibration& prefill_calib,
                                    const Calibration& decode_calib, const PoolPlan& plan, const RequestShape& shape,
                                    int prefill_units, int decode_units);

// `profiles_dir` is where the compared GPUs' profiles are looked up ("" = find_profiles_dir()).
// `progress` is told of the request-level simulation.
ServeResult run_serving(const ServeScenario& s, const Calibration& prefill_calib, const Calibration& decode_calib,
                        const std::string& profiles_dir = "", const Progress& progress = {});

// Loads the calibration itself: the scenario's `calibration` path, else the GPU's default profile under
// `profiles_dir` ("" = find_profiles_dir()), where the compared GPUs' profiles are also looked up.
ServeResult run_serving(const ServeScenario& s, const std::string& profiles_dir = "", const Progress& progress = {});

}  // namespace moeplan
