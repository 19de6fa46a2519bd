// Spot and volunteer churn in reports: its table and the summary's sentence. Renderers only: the figures come
// from sim/cost/churn_model.h through RunResult::churn.
#pragma once

#include <string>

#include "reports/table.h"
#include "sim/train/run_result.h"

namespace moeplan::reports {

// "Spot preemptions" or "Volunteer churn": rates and their sources, goodput, GPU-hours and dollars with and
// without churn, the break-even rate. Empty when churn is off.
Table churn_table(const RunResult& result);
// One sentence for the summary ("" when churn is off).
std::string churn_sentence(const RunResult& result);

}  // namespace moeplan::reports
