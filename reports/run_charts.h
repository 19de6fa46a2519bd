// Charts of a RunResult: chart data built from the result (selection and unit scaling only) and the set
// of rendered SVG charts that apply to it. HTML reports embed these; `write_report_dir` also writes each
// as charts/<id>.svg, which is what documentation images are made from.
#pragma once

#include <string>
#include <vector>

#include "reports/svg/bar_charts.h"
#include "reports/svg/donut_chart.h"
#include "reports/svg/gantt_chart.h"
#include "reports/svg/line_chart.h"
#include "sim/train/run_result.h"

namespace moeplan::reports {

// Memory per GPU for each pipeline stage, stacked by category in GiB, with the HBM capacity line.
svg::StackedBarData memory_chart_data(const RunResult& result);
// The timeline as a Gantt chart: one row per (rank, track), ranks in order. At most `max_rows` rows are
// drawn (a des-full timeline can hold thousands of ranks); the title then says how many were left out.
svg::GanttData gantt_chart_data(const RunResult& result, int max_rows = 64);
// Elapsed time split into useful training, checkpointing, lost work and restarting.
svg::DonutData goodput_chart_data(const RunResult& result);
// Memory samples of the timeline, GiB against time: one line per rank, or with more than 6 ranks the
// first, middle, last and peak-memory stages (the title lists them).
svg::LineChartData memory_timeline_chart_data(const RunResult& result);

struct RenderedChart {
  std::string id;     // "memory", "pipeline", "memory-timeline", "goodput"; also the SVG's id
  std::string title;
  std::string svg;    // a standalone <svg> document
};

// The charts that apply, in report order: memory always; pipeline Gantt when the timeline has events;
// memory timeline when it has memory samples; goodput when goodput is enabled.
std::vector<RenderedChart> render_run_charts(const RunResult& result);

}  // namespace moeplan::reports
