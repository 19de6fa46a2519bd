// Line charts and latency-versus-load charts.
#include "reports/svg/line_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "reports/svg/palette.h"
#include "sim/units/error.h"

namespace moeplan::reports::svg {
namespace {

std::string render_lines(const LineChartData& d, std::string_view kind) {
  double inf = std::numeric_limits<double>::infinity();
  double xlo = inf, xhi = -inf, ylo = inf, yhi = -inf;
  for (const auto& s : d.series) {
    if (s.x.size() != s.y.size())
      throw_internal_error(fmt::format("chart '{}': series '{}' has {} x and {} y values", d.id, s.name,
                                       s.x.size(), s.y.size()));
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      xlo = std::min(xlo, s.x[i]), xhi = std::max(xhi, s.x[i]);
      ylo = std::min(ylo, s.y[i]), yhi = std::max(yhi, s.y[i]);
    }
  }
  if (xlo > xhi) xlo = 0, xhi = 1, ylo = 0, yhi = 1;  // no finite point: an empty but valid plot
  if (d.reference) ylo = std::min(ylo, d.reference->value), yhi = std::max(yhi, d.reference->value);
  if (d.y_from_zero) ylo = std::min(ylo, 0.0), yhi = std::max(yhi, 0.0);
  Ticks xt = nice_ticks(xlo, xhi, 6);
  Ticks yt = nice_ticks(ylo, yhi + (yhi - ylo) * 0.02, 6);

  std::vector<LegendEntry> legend;
  auto colour = [&](std::size_t i) {
    return d.series[i].colour.empty() ? std::string(series_colour(i)) : d.series[i].colour;
  };
  for (std::size_t i = 0; i < d.series.size(); ++i) legend.push_back({d.series[i].name, colour(i)});
  PlotArea area = plot_area(d.width, d.height, legend_width(legend));
  LinearScale x{xt.lo, xt.hi, area.left, area.right()};
  LinearScale y{yt.lo, yt.hi, area.bottom(), area.top};

  SvgBuilder svg(d.id, kind, d.width, d.height, d.title);
  draw_title(svg, d.width, d.title);
  draw_y_axis(svg, area, yt, y, d.y_label);
  draw_x_axis(svg, area, xt, x, d.x_label);
  svg.open("g", {{"class", "marks"}});
  for (std::size_t i = 0; i < d.series.size(); ++i) {
    const auto& s = d.series[i];
    std::string path;
    for (std::size_t p = 0; p < s.x.size(); ++p) {
      if (!std::isfinite(s.x[p]) || !std::isfinite(s.y[p])) continue;
      path += (path.empty() ? "M" : " L") + coord(x(s.x[p])) + " " + coord(y(s.y[p]));
    }
    if (path.empty()) continue;
    svg.leaf("path", {{"class", "mark line"}, {"d", path}, {"fill", "none"}, {"stroke", colour(i)},
                      {"stroke-width", 2}, {"data-series", s.name}});
    for (std::size_t p = 0; d.markers && p < s.x.size(); ++p) {
      if (!std::isfinite(s.x[p]) || !std::isfinite(s.y[p])) continue;
      svg.leaf("circle", {{"class", "mark point"}, {"cx", x(s.x[p])}, {"cy", y(s.y[p])}, {"r", 3.5},
                          {"fill", colour(i)}, {"data-series", s.name}, {"data-x", fmt::format("{}", s.x[p])},
                          {"data-y", fmt::format("{}", s.y[p])}});
    }
  }
  svg.close();
  if (d.reference) draw_reference_line(svg, area, y, *d.reference);
  draw_legend(svg, area.right() + 16, area.top, legend);
  return svg.finish();
}

}  // namespace

std::string render_line_chart(const LineChartData& data) { return render_lines(data, "line-chart"); }

std::string render_latency_chart(const LatencyChartData& d) {
  LineChartData lines;
  lines.id = d.id;
  lines.title = d.title;
  lines.x_label = d.load_label;
  lines.y_label = d.metric + " [" + d.latency_unit + "]";
  lines.reference = d.slo;
  lines.width = d.width;
  lines.height = d.height;
  for (const auto& p : d.percentiles) {
    if (p.latency.size() != d.load.size())
      throw_internal_error(fmt::format("chart '{}': percentile '{}' has {} values for {} load points", d.id,
                                       p.name, p.latency.size(), d.load.size()));
    lines.series.push_back({p.name, d.load, p.latency, ""});
  }
  return render_lines(lines, "latency-chart");
}

}  // namespace moeplan::reports::svg
