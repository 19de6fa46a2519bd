// Donut chart.
#include "reports/svg/donut_chart.h"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "reports/format.h"
#include "reports/svg/chart_parts.h"
#include "reports/svg/palette.h"
#include "sim/units/error.h"

namespace moeplan::reports::svg {

std::string render_donut(const DonutData& d) {
  double sum = 0;
  for (const auto& s : d.slices) {
    if (!std::isfinite(s.value) || s.value < 0)
      throw_internal_error(fmt::format("donut '{}': slice '{}' has value {}", d.id, s.name, s.value));
    sum += s.value;
  }
  auto colour = [&](std::size_t i) {
    return d.slices[i].colour.empty() ? std::string(series_colour(i)) : d.slices[i].colour;
  };
  std::vector<LegendEntry> legend;
  for (std::size_t i = 0; i < d.slices.size(); ++i)
    legend.push_back({d.slices[i].name + " (" + percent(sum > 0 ? d.slices[i].value / sum : 0) + ")", colour(i)});

  SvgBuilder svg(d.id, "donut", d.width, d.height, d.title);
  draw_title(svg, d.width, d.title);
  double outer = std::min(d.height - 60, d.width - legend_width(legend) - 40) / 2;
  outer = std::max(outer, 30.0);
  double inner = outer * 0.58;
  double cx = 20 + outer, cy = 42 + outer;
  svg.open("g", {{"class", "marks"}});
  double angle = -std::numbers::pi / 2;  // start at 12 o'clock, clockwise
  for (std::size_t i = 0; i < d.slices.size() && sum > 0; ++i) {
    double share = d.slices[i].value / sum;
    if (share <= 0) continue;
    std::string path;
    if (share >= 0.99999) {
      // A single arc cannot close on itself: draw the ring as two outer and two inner half circles.
      path = fmt::format("M {0} {1} A {2} {2} 0 1 1 {0} {3} A {2} {2} 0 1 1 {0} {1} Z M {0} {4} A {5} {5} 0 1 0 {0} {6} "
                         "A {5} {5} 0 1 0 {0} {4} Z",
                         coord(cx), coord(cy - outer), coord(outer), coord(cy + outer), coord(cy - inner),
                         coord(inner), coord(cy + inner));
    } else {
      double a0 = angle, a1 = angle + share * 2 * std::numbers::pi;
      int large = share > 0.5 ? 1 : 0;
      path = fmt::format("M {} {} A {} {} 0 {} 1 {} {} L {} {} A {} {} 0 {} 0 {} {} Z", coord(cx + outer * std::cos(a0)),
                         coord(cy + outer * std::sin(a0)), coord(outer), coord(outer), large,
                         coord(cx + outer * std::cos(a1)), coord(cy + outer * std::sin(a1)),
                         coord(cx + inner * std::cos(a1)), coord(cy + inner * std::sin(a1)), coord(inner), coord(inner),
                         large, coord(cx + inner * std::cos(a0)), coord(cy + inner * std::sin(a0)));
    }
    svg.leaf("path", {{"class", "mark slice"}, {"d", path}, {"fill", colour(i)}, {"fill-rule", "evenodd"},
                      {"stroke", "#ffffff"}, {"stroke-width", 1}, {"data-series", d.slices[i].name},
                      {"data-value", fmt::format("{}", d.slices[i].value)}});
    angle += share * 2 * std::numbers::pi;
  }
  svg.close();
  if (!d.centre_text.empty())
    svg.text("text", {{"class", "centre-label"}, {"x", cx}, {"y", cy + 4}, {"text-anchor", "middle"},
                      {"font-size", 20}, {"font-weight", "bold"}},
             d.centre_text);
  if (!d.centre_caption.empty())
    svg.text("text", {{"class", "centre-caption"}, {"x", cx}, {"y", cy + 22}, {"text-anchor", "middle"}},
             d.centre_caption);
  draw_legend(svg, cx + outer + 30, 42 + 10, legend);
  return svg.finish();
}

}  // namespace moeplan::reports::svg
