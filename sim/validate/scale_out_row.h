// ScaleOutValidationRow: one published scale-out figure (a compute utilisation, usually) scored against
// moeplan's prediction. Rows from every scale-out source (multi-site runs such as INTELLECT-1, dp_sync cost
// models such as Streaming DiLoCo's) share this type and are printed in one table by `moeplan validate`.
// Errors are in percentage points, since the figures are themselves percentages.
#pragma once

#include <string>

namespace moeplan {

struct ScaleOutValidationRow {
  std::string group;              // "INTELLECT-1", "Streaming DiLoCo", ...
  std::string name;               // the published setting, e.g. "USA + Europe"
  std::string metric;             // e.g. "compute utilisation %"
  std::string source;             // citation (paper, table)
  double published = 0;           // percent
  double predicted = 0;           // percent
  double tolerance_points = 0;    // the agreement the source's figure is held to (0 = none stated)

  double error_points() const { return predicted - published; }
  bool within_tolerance() const {
    return tolerance_points <= 0 || (error_points() <= tolerance_points && error_points() >= -tolerance_points);
  }
};

}  // namespace moeplan
