// Scenario and calibration loading, and the step checks, shared by the training tests (run from the
// repository root).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <cstdio>

#include <gtest/gtest.h>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"
#include "sim/train/training_run.h"

namespace moeplan::test {

// The step of the scenario's first phase under its own plan.
inline StepShape main_shape(const Scenario& s) {
  const TrainingPhase& ph = s.training.phases.front();
  return StepShape{s.parallel, ph.seq_len, ph.global_batch, true};
}

// des-full against des on the scenario as given (the caller picks the routing); prints both and the error and
// expects agreement within 2%, where the two fidelities' assumptions coincide.
inline void expect_des_full_agrees(const std::string& what, Scenario s, const Calibration& calib) {
  s.fidelity = Fidelity::kDes;
  const double des = simulate_step(s, calib, main_shape(s)).time_s;
  s.fidelity = Fidelity::kDesFull;
  const double full = simulate_step(s, calib, main_shape(s)).time_s;
  const double err = full / des - 1;
  std::printf("%s step: des %.5f s, des-full %.5f s, error %+.3f%%\n", what.c_str(), des, full, 100 * err);
  EXPECT_NEAR(err, 0.0, 0.02);
}

struct Loaded {
  io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  Scenario load(const std::string& path, const std::vector<std::string>& overrides = {}) {
    return io::load_scenario(path, catalog, overrides);
  }
  // The scenario's own profile (its `calibration` key), else the GPU's default.
  std::unique_ptr<Calibration> calib(const Scenario& s) {
    return load_calibration(scenario_profile_path(s.calibration, s.file, s.cluster.gpu, "calibrate/profiles"),
                            s.cluster.gpu);
  }
};

}  // namespace moeplan::test
