// Markdown report of a RunResult (report.md): title, summary paragraph, one table per section.
#pragma once

#include <string>

#include "sim/train/run_result.h"

namespace moeplan::reports {

std::string render_markdown_report(const RunResult& result);

}  // namespace moeplan::reports
