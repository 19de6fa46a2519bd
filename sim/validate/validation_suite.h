// The validation suite: every published run under a directory (scenarios/validation/), scored, with its
// statistics. `moeplan validate` prints it; tests and the error bands use the same runner.
#pragma once

#include <string>
#include <vector>

#include "sim/io/catalog.h"
#include "sim/units/progress.h"
#include "sim/validate/validation_stats.h"

namespace moeplan {

struct ValidationSuite {
  std::string dir;
  std::vector<ValidationRow> rows;   // by file name
  std::vector<GroupStats> groups;    // summarize(rows)
};

// The *.yaml files of `dir` in name order.
std::vector<std::string> validation_files(const std::string& dir);

// Loads and scores every validation scenario of `dir` with the profiles of `profiles_dir`. A scenario that does
// not load is an error (with its location), never skipped. `progress` is told of each run scored.
ValidationSuite run_validation_suite(const std::string& dir, const io::Catalog& catalog,
                                     const std::string& profiles_dir, const Progress& progress = {});

}  // namespace moeplan
