// Scenario and calibration loading shared by the training tests (run from the repository root).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"

namespace moeplan::test {

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
