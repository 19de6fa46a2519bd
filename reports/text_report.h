// Plain-text report of a RunResult: a summary paragraph, then aligned tables (what `moeplan run` prints).
#pragma once

#include <string>

#include "reports/table.h"
#include "sim/train/run_result.h"

namespace moeplan::reports {

struct TextOptions {
  int table_width = kTextWidth;  // tables are fitted to this many columns; <= 0: as wide as they come (--wide)
  bool detail = false;           // include the op-level tables of each layer kind (--detail)
};

// Wraps the summary at `width` columns and fits the tables to options.table_width. Without options.detail,
// the op-level tables are left out and one line says how to see them.
std::string render_text_report(const RunResult& result, int width = 100, const TextOptions& options = {});

// Greedy word wrap of one paragraph at `width` columns (words longer than width stay whole).
std::string wrap_paragraph(const std::string& text, int width);

}  // namespace moeplan::reports
