// run_serving: one serving scenario end to end — deployment model, capacity and cost, request-level
// simulation (arrivals given: those requests; daily workload: a Poisson slice of one decode unit at the
// planned load), and the comparison over other GPU types.
#pragma once

#include <string>

#include "sim/calib/calibration.h"
#include "sim/infer/serve_result.h"
#include "sim/infer/serve_scenario.h"

namespace moeplan {

// `profiles_dir` is where the compared GPUs' profiles are looked up ("" = find_profiles_dir()).
ServeResult run_serving(const ServeScenario& s, const Calibration& prefill_calib, const Calibration& decode_calib,
                        const std::string& profiles_dir = "");

// Loads the calibration itself: the scenario's `calibration` path, else the GPU's default profile under
// find_profiles_dir().
ServeResult run_serving(const ServeScenario& s);

}  // namespace moeplan
