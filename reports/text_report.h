// Plain-text report of a RunResult: a summary paragraph, then aligned tables (what `moeplan run` prints).
#pragma once

#include <string>

#include "sim/train/run_result.h"

namespace moeplan::reports {

// Wraps the summary at `width` columns; tables are never wrapped.
std::string render_text_report(const RunResult& result, int width = 100);

// Greedy word wrap of one paragraph at `width` columns (words longer than width stay whole).
std::string wrap_paragraph(const std::string& text, int width);

}  // namespace moeplan::reports
