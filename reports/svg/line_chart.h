// Line charts: a metric against a swept axis (sweeps), and latency percentiles against offered load
// (serving). Values are already in the units the axis labels name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/svg/chart_parts.h"

namespace moeplan::reports::svg {

struct LineSeries {
  std::string name;
  std::vector<double> x;  // same length as y; drawn in the given order
  std::vector<double> y;
  std::string colour;     // empty: next Okabe-Ito colour
};

struct LineChartData {
  std::string id = "line-chart";
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<LineSeries> series;
  std::optional<ReferenceLine> reference;  // e.g. a latency SLO or HBM capacity
  bool y_from_zero = true;                 // start the y axis at 0 (false: fit the data)
  bool markers = true;                     // a circle per point (off for dense series)
  double width = 760;
  double height = 420;
};

// Standalone <svg>: each series a <path class="mark line"> plus, with `markers`, a
// <circle class="mark point"> per point (data-series, data-x, data-y). Non-finite points are skipped. Throws an internal Error when x and y
// lengths differ.
std::string render_line_chart(const LineChartData& data);

struct LatencyPercentile {
  std::string name;             // "p50", "p90", "p99"
  std::vector<double> latency;  // one per load point, in `latency_unit`
};

struct LatencyChartData {
  std::string id = "latency-chart";
  std::string title;
  std::string load_label = "offered load [requests/s]";
  std::string latency_unit = "ms";
  std::string metric = "latency";               // "TTFT", "TPOT", "end-to-end latency"
  std::vector<double> load;                     // x values
  std::vector<LatencyPercentile> percentiles;
  std::optional<ReferenceLine> slo;
  double width = 760;
  double height = 420;
};

// Latency percentiles against load: a line chart with class "latency-chart".
std::string render_latency_chart(const LatencyChartData& data);

}  // namespace moeplan::reports::svg
