// Self-contained HTML report (report.html): inline CSS and inline SVG charts, no scripts, no fetched
// fonts or images, so the file can be mailed or archived and opens offline.
#pragma once

#include <string>
#include <vector>

#include "reports/run_charts.h"
#include "reports/table.h"
#include "sim/train/run_result.h"

namespace moeplan::reports {

struct HtmlPage {
  std::string title;
  std::string summary;                 // paragraph under the title
  std::vector<RenderedChart> charts;   // each in a <figure id="fig-<id>">
  std::vector<Table> tables;           // each a <table id="table-<id>">
};

// Any result value's page: renderers for other results fill an HtmlPage and call this.
std::string render_html_page(const HtmlPage& page);

// The RunResult page: summary, the charts that apply, all tables, inputs last.
std::string render_html_report(const RunResult& result);

}  // namespace moeplan::reports
