// Stacked and grouped bar charts.
#include "reports/svg/bar_charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/format.h"
#include "reports/svg/palette.h"
#include "sim/units/error.h"

namespace moeplan::reports::svg {
namespace {

void check_series(const std::string& id, const std::vector<std::string>& categories,
                  const std::vector<BarSeries>& series) {
  for (const auto& s : series) {
    if (s.values.size() != categories.size())
      throw_internal_error(fmt::format("chart '{}': series '{}' has {} values for {} categories", id, s.name,
                                       s.values.size(), categories.size()));
    for (double v : s.values)
      if (!std::isfinite(v) || v < 0)
        throw_internal_error(fmt::format("chart '{}': series '{}' has value {}", id, s.name, v));
  }
}

std::string colour_of(const BarSeries& s, std::size_t i) {
  return s.colour.empty() ? std::string(series_colour(i)) : s.colour;
}

std::vector<LegendEntry> legend_of(const std::vector<BarSeries>& series) {
  std::vector<LegendEntry> entries;
  for (std::size_t i = 0; i < series.size(); ++i) entries.push_back({series[i].name, colour_of(series[i], i)});
  return entries;
}

std::vector<Attr> mark_attrs(double x, double y, double w, double h, const std::string& fill,
                             const std::string& series, const std::string& category, double value) {
  return {{"class", "mark bar"}, {"x", x}, {"y", y}, {"width", w}, {"height", h}, {"fill", fill},
          {"data-series", series}, {"data-category", category}, {"data-value", fmt::format("{}", value)}};
}

}  // namespace

std::string render_stacked_bar(const StackedBarData& d) {
  check_series(d.id, d.categories, d.series);
  // Top of the axis: the tallest stack, or the reference line if higher.
  double top = 0;
  for (std::size_t c = 0; c < d.categories.size(); ++c) {
    double stack = 0;
    for (const auto& s : d.series) stack += s.values[c];
    top = std::max(top, stack);
  }
  if (d.reference) top = std::max(top, d.reference->value);
  Ticks ticks = nice_ticks(0, top > 0 ? top * 1.02 : 1, 6);

  auto legend = legend_of(d.series);
  double lw = legend_width(legend);
  PlotArea area = plot_area(d.width, d.height, lw);
  LinearScale y{ticks.lo, ticks.hi, area.bottom(), area.top};

  SvgBuilder svg(d.id, "stacked-bar", d.width, d.height, d.title);
  draw_title(svg, d.width, d.title);
  draw_y_axis(svg, area, ticks, y, d.y_label);
  draw_x_category_axis(svg, area, d.categories, d.x_label);
  double band = d.categories.empty() ? area.width : area.width / static_cast<double>(d.categories.size());
  double bar_w = std::min(band * 0.7, 90.0);
  svg.open("g", {{"class", "marks"}});
  for (std::size_t c = 0; c < d.categories.size(); ++c) {
    double x = area.left + band * (static_cast<double>(c) + 0.5) - bar_w / 2;
    double base = 0;
    for (std::size_t s = 0; s < d.series.size(); ++s) {
      double v = d.series[s].values[c];
      double y0 = y(base), y1 = y(base + v);
      svg.leaf("rect", mark_attrs(x, y1, bar_w, y0 - y1, colour_of(d.series[s], s), d.series[s].name,
                                  d.categories[c], v));
      base += v;
    }
  }
  svg.close();
  if (d.reference) draw_reference_line(svg, area, y, *d.reference);
  draw_legend(svg, area.right() + 16, area.top, legend);
  return svg.finish();
}

std::string render_bar_chart(const BarChartData& d) {
  check_series(d.id, d.categories, d.series);
  double top = 0;
  for (const auto& s : d.series)
    for (double v : s.values) top = std::max(top, v);
  if (d.reference) top = std::max(top, d.reference->value);
  // Headroom so value labels above the tallest bar stay inside the plot.
  Ticks ticks = nice_ticks(0, top > 0 ? top * 1.08 : 1, 6);

  auto legend = d.series.size() > 1 ? legend_of(d.series) : std::vector<LegendEntry>{};
  PlotArea area = plot_area(d.width, d.height, legend_width(legend));
  LinearScale y{ticks.lo, ticks.hi, area.bottom(), area.top};

  SvgBuilder svg(d.id, "bar-chart", d.width, d.height, d.title);
  draw_title(svg, d.width, d.title);
  draw_y_axis(svg, area, ticks, y, d.y_label);
  draw_x_category_axis(svg, area, d.categories, d.x_label);
  double band = d.categories.empty() ? area.width : area.width / static_cast<double>(d.categories.size());
  double group_w = band * 0.8;
  double bar_w = d.series.empty() ? group_w : group_w / static_cast<double>(d.series.size());
  svg.open("g", {{"class", "marks"}});
  for (std::size_t c = 0; c < d.categories.size(); ++c) {
    double x0 = area.left + band * static_cast<double>(c) + (band - group_w) / 2;
    for (std::size_t s = 0; s < d.series.size(); ++s) {
      double v = d.series[s].values[c];
      double x = x0 + bar_w * static_cast<double>(s);
      svg.leaf("rect", mark_attrs(x + 1, y(v), std::max(bar_w - 2, 1.0), y(0) - y(v), colour_of(d.series[s], s),
                                  d.series[s].name, d.categories[c], v));
      if (d.value_labels)
        svg.text("text", {{"class", "value-label"}, {"x", x + bar_w / 2}, {"y", y(v) - 4}, {"text-anchor", "middle"},
                          {"font-size", 11}},
                 sig3(v));
    }
  }
  svg.close();
  if (d.reference) draw_reference_line(svg, area, y, *d.reference);
  draw_legend(svg, area.right() + 16, area.top, legend);
  return svg.finish();
}

}  // namespace moeplan::reports::svg
