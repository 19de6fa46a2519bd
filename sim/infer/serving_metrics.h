// Named figures of a serving result that a published serving run can be compared with (`published:` in a
// serving scenario, scored by `moeplan validate`): the day's averages as DeepSeek's Day-6 overview reports
// them, and the pools' capacities.
#pragma once

#include <string>
#include <vector>

#include "sim/infer/serve_result.h"

namespace moeplan {

// One published figure of a serving scenario: the metric's name, the value and where it comes from.
struct PublishedFigure {
  std::string metric;
  double value = 0;
  std::string source;
};

// The metric names serving_metric knows, in a stable order.
const std::vector<std::string>& serving_metric_names();

// The result's value of `metric` (one of serving_metric_names(); an unknown name is an internal error: the
// scenario loader checks names).
double serving_metric(const ServeResult& r, const std::string& metric);

}  // namespace moeplan
