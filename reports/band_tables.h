// Error bands in reports: the P10/P50/P90 table of the headline figures, the summary's sentence about it, and
// the band rows of results.csv. Renderers only: the bands are computed in sim/validate (run_bands.h).
#pragma once

#include <string>

#include "reports/table.h"
#include "sim/train/run_result.h"

namespace moeplan::reports {

// "Error band (published runs like this one: <basis>)": one row per headline figure, its prediction and
// P10/P50/P90; without bands, one row saying why.
Table error_band_table(const RunResult& result);
// "Published runs like this one (...) put the step at 16.9 s to 21.4 s ... (P10 to P90)." or "" without a band.
std::string band_sentence(const RunResult& result);
// Appends rows `p10`, `p50`, `p90` to a results.csv table (columns by key; others left empty).
void add_band_rows(Table& results, const RunResult& result);

}  // namespace moeplan::reports
