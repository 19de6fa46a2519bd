// Error statistics of a validation suite, over all rows and per group (GPU generation, dense or MoE, training
// or serving, measured or derived profile). Errors are speed errors (validation_run.h): positive = optimistic.
#pragma once

#include <string>
#include <vector>

#include "sim/validate/validation_run.h"

namespace moeplan {

struct GroupStats {
  std::string group;          // "all", "hopper", "dense", "moe", "training", "profile measured", ...
  int n = 0;
  double mae = 0;             // mean |speed error|
  double bias = 0;            // mean speed error
  double worst = 0;           // the speed error of largest magnitude
  std::string worst_file;
};

GroupStats stats_of(const std::string& group, const std::vector<const ValidationRow*>& rows);
// "all" first, then each generation, dense/MoE, workload and profile kind that has rows.
std::vector<GroupStats> summarize(const std::vector<ValidationRow>& rows);

}  // namespace moeplan
