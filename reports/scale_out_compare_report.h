// `moeplan compare` on a scenario with a `compare:` list: the scale-out options side by side (text, Markdown,
// CSV from one Table; JSON with raw values).
#pragma once

#include <string>

#include "reports/table.h"
#include "sim/plan/scale_out_compare.h"

namespace moeplan::reports {

Table scale_out_compare_table(const ScaleOutComparison& c);
// `max_width`: the line width the table is fitted to (kTextWidth; 0 = as wide as its contents, for --wide).
std::string render_scale_out_compare_text(const ScaleOutComparison& c, int max_width = kTextWidth);
std::string render_scale_out_compare_markdown(const ScaleOutComparison& c);
std::string render_scale_out_compare_csv(const ScaleOutComparison& c);
std::string render_scale_out_compare_json(const ScaleOutComparison& c);

}  // namespace moeplan::reports
