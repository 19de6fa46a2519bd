// Plain-text report of a RunResult.
#include "reports/text_report.h"

#include <sstream>
#include <vector>

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

std::string render_text_report(const RunResult& result, int width, const TextOptions& options) {
  std::string title = "moeplan report: " + result.inputs.scenario_name;
  const std::string oom = does_not_fit_line(result);
  std::string out = oom.empty() ? "" : wrap_paragraph(oom, width) + "\n";
  out += title + "\n" + std::string(title.size(), '=') + "\n\n";
  out += wrap_paragraph(summary_paragraph(result), width);
  std::vector<std::string> left_out;
  for (const auto& table : run_tables(result)) {
    // Op-level tables answer "where does a layer's time go", not "what will it cost": on request only.
    if (!options.detail && table.id().starts_with("layer_ops_")) {
      left_out.push_back(table.id().substr(std::string("layer_ops_").size()));
      continue;
    }
    out += "\n" + render_table_text(table, options.table_width);
  }
  if (!left_out.empty()) {
    std::string kinds;
    for (const std::string& k : left_out) kinds += (kinds.empty() ? "" : " and ") + (k == "moe" ? std::string("MoE") : k);
    out += "\n" + wrap_paragraph("Op-level time of the " + kinds + " layers: --detail, or --report DIR.", width);
  }
  return out;
}

}  // namespace moeplan::reports
