// Plain-text report of a RunResult.
#include "reports/text_report.h"

#include <sstream>

#include "reports/run_tables.h"

namespace moeplan::reports {

std::string wrap_paragraph(const std::string& text, int width) {
  std::istringstream words(text);
  std::string word, line, out;
  while (words >> word) {
    if (!line.empty() && static_cast<int>(line.size() + 1 + word.size()) > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += line + "\n";
  return out;
}

std::string render_text_report(const RunResult& result, int width) {
  std::string title = "moeplan report: " + result.inputs.scenario_name;
  const std::string oom = does_not_fit_line(result);
  std::string out = oom.empty() ? "" : wrap_paragraph(oom, width) + "\n";
  out += title + "\n" + std::string(title.size(), '=') + "\n\n";
  out += wrap_paragraph(summary_paragraph(result), width);
  for (const auto& table : run_tables(result)) out += "\n" + render_table_text(table);
  return out;
}

}  // namespace moeplan::reports
