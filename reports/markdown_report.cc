// Markdown report of a RunResult.
#include "reports/markdown_report.h"

#include "reports/markup.h"
#include "reports/run_tables.h"

namespace moeplan::reports {

std::string render_markdown_report(const RunResult& result) {
  const std::string oom = does_not_fit_line(result);
  std::string out = oom.empty() ? "" : "**" + oom + "**\n\n";
  out += "# moeplan report: " + markdown_cell(result.inputs.scenario_name) + "\n\n";
  out += summary_paragraph(result) + "\n";
  for (const auto& table : run_tables(result)) out += "\n" + render_table_markdown(table);
  return out;
}

}  // namespace moeplan::reports
