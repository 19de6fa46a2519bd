// Scoring one published run: simulate its scenario's main-phase step and compute the source's metric in the
// source's own FLOPs convention (validation_spec.h), beside the published value.
#pragma once

#include <string>

#include "sim/calib/calibration.h"
#include "sim/io/validation_yaml.h"

namespace moeplan {

struct ValidationRow {
  std::string file;               // scenario file name (no directory)
  std::string name;               // scenario name
  std::string source;
  int year = 0;
  std::string gpu;                // catalog GPU
  std::string generation;         // the GPU's architecture: ampere, hopper, blackwell, ...
  bool moe = false;
  std::string workload = "training";
  bool measured_profile = false;  // the profile is built from this GPU's own measurements
  std::string software;           // software stack name
  ValidationMetric metric = ValidationMetric::kTokensPerSPerGpu;
  FlopsConvention convention = FlopsConvention::kNone;
  double published = 0;
  double predicted = 0;
  double error = 0;               // predicted / published - 1, in the metric's own terms
  // Predicted speed over published speed - 1: positive when moeplan predicts a faster run than was measured,
  // whatever the metric's direction. Statistics and error bands use this.
  double speed_error = 0;
};

// FLOPs of one optimizer step of `s` at `seq_len` and `global_batch` sequences in convention `c`
// (kNone: throws an internal error).
double convention_flops_per_step(const Scenario& s, FlopsConvention c, int seq_len, long long global_batch);

// Simulates the main phase's step of the case at its scenario's fidelity and scores it.
ValidationRow run_validation_case(const io::ValidationCase& vc, const Calibration& calib);

// Whether a profile is built from its own GPU's measurements (published or measured here) rather than derived
// from another GPU's.
bool profile_is_measured(const ProfileInfo& info);

}  // namespace moeplan
