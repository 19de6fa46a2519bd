// results.csv of a RunResult: a header line, one row per training phase, then one "total" row.
// Values are raw numbers in base units (seconds, hours, days, USD, bytes); columns in reports/JSON_KEYS.md.
#pragma once

#include <string>

#include "sim/train/run_result.h"

namespace moeplan::reports {

std::string render_csv_report(const RunResult& result);

}  // namespace moeplan::reports
