// Serving rows of the validation suite: every serving scenario under `<validation dir>/serving/` is run
// (run_serving) and each of its `published:` figures is scored against the same-named metric of the result
// (serving_metrics.h). Kept apart from the training rows: its metrics are throughputs, fleet sizes and
// dollars of a service, not step speeds, so they enter neither the training statistics nor their bands.
#pragma once

#include <string>
#include <vector>

#include "sim/io/catalog.h"
#include "sim/units/progress.h"

namespace moeplan {

struct ServingValidationRow {
  std::string file;        // scenario file name (no directory)
  std::string name;
  std::string gpu;
  std::string metric;
  std::string source;
  double published = 0;
  double predicted = 0;
  double error = 0;        // predicted / published - 1
};

// The rows of `<dir>/serving/*.yaml` in file then figure order; empty when there is no such folder.
// `progress` is told of each scenario run.
std::vector<ServingValidationRow> run_serving_validation(const std::string& dir, const io::Catalog& catalog,
                                                         const std::string& profiles_dir,
                                                         const Progress& progress = {});

// An aligned text table of the rows with their mean absolute error.
std::string render_serving_validation_text(const std::vector<ServingValidationRow>& rows);

}  // namespace moeplan
