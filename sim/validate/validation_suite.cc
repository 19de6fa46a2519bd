// Running the validation suite (see validation_suite.h).
#include "sim/validate/validation_suite.h"

#include <algorithm>
#include <filesystem>

#include "sim/calib/profile_calibration.h"
#include "sim/units/error.h"

namespace moeplan {

std::vector<std::string> validation_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw_user_error("no validation directory `" + dir + "`",
                     ErrorContext{.expected = "a directory of validation scenarios (scenarios/validation)"});
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

ValidationSuite run_validation_suite(const std::string& dir, const io::Catalog& catalog,
                                     const std::string& profiles_dir, const Progress& progress) {
  ValidationSuite suite;
  suite.dir = dir;
  const std::vector<std::string> files = validation_files(dir);
  progress.begin("scoring " + std::to_string(files.size()) + " published training runs", files.size());
  for (const std::string& file : files) {
    const io::ValidationCase vc = io::load_validation_case(file, catalog);
    const Scenario& s = vc.scenario;
    const auto calib = load_calibration(scenario_profile_path(s.calibration, s.file, s.cluster.gpu, profiles_dir),
                                        s.cluster.gpu);
    suite.rows.push_back(run_validation_case(vc, *calib));
    progress.advance();
  }
  suite.groups = summarize(suite.rows);
  return suite;
}

}  // namespace moeplan
