// Bar charts: stacked (memory per stage against HBM capacity) and grouped/simple (cost, days, GPU-hours
// per GPU type). Values are already in the unit the axis label names ("GiB", "days"); the chart only lays
// them out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/svg/chart_parts.h"

namespace moeplan::reports::svg {

struct BarSeries {
  std::string name;
  std::vector<double> values;  // one per category, >= 0
  std::string colour;          // empty: next Okabe-Ito colour
};

struct StackedBarData {
  std::string id = "stacked-bar";
  std::string title;
  std::string x_label;
  std::string y_label;                  // with its unit: "memory per GPU [GiB]"
  std::vector<std::string> categories;  // one bar each, left to right
  std::vector<BarSeries> series;        // stacked bottom to top, in this order
  std::optional<ReferenceLine> reference;
  double width = 760;
  double height = 420;
};

struct BarChartData {
  std::string id = "bar-chart";
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;  // groups along x
  std::vector<BarSeries> series;        // bars side by side within a group; one series = a simple bar chart
  bool value_labels = true;             // print each value above its bar
  std::optional<ReferenceLine> reference;
  double width = 760;
  double height = 420;
};

// Returns a standalone <svg>. Marks are <rect class="mark"> with data-series, data-category and
// data-value attributes. Throws an internal Error when a series length differs from the categories or a
// value is negative or not finite.
std::string render_stacked_bar(const StackedBarData& data);
std::string render_bar_chart(const BarChartData& data);

}  // namespace moeplan::reports::svg
