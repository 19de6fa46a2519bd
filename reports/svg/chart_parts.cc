// Shared chart pieces: layout, axes, legend, reference lines, hatch pattern.
#include "reports/svg/chart_parts.h"

#include <algorithm>

#include "reports/svg/palette.h"

namespace moeplan::reports::svg {
namespace {

constexpr double kTitleHeight = 34;
constexpr double kBottomSpace = 58;   // tick labels and the x axis label
constexpr double kLeftSpace = 72;     // tick labels and the rotated y axis label
constexpr double kRightPad = 16;
constexpr double kTickLength = 5;
constexpr double kSwatch = 12;

}  // namespace

double text_width(std::string_view text, double font_px) {
  // Average glyph advance of a sans-serif font is about 0.6 em; count UTF-8 code points, not bytes.
  double n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) n += 1;
  return n * font_px * 0.6;
}

double legend_width(const std::vector<LegendEntry>& entries) {
  double w = 0;
  for (const auto& e : entries) w = std::max(w, text_width(e.name));
  return entries.empty() ? 0 : w + kSwatch + 28;
}

PlotArea plot_area(double width, double height, double legend_w) {
  PlotArea a;
  a.left = kLeftSpace;
  a.top = kTitleHeight + 8;
  a.width = std::max(40.0, width - kLeftSpace - kRightPad - legend_w);
  a.height = std::max(40.0, height - a.top - kBottomSpace);
  return a;
}

void draw_title(SvgBuilder& svg, double width, std::string_view title) {
  svg.text("text", {{"class", "title"}, {"x", width / 2}, {"y", 22}, {"text-anchor", "middle"},
                    {"font-size", 15}, {"font-weight", "bold"}},
           title);
}

void draw_y_axis(SvgBuilder& svg, const PlotArea& area, const Ticks& ticks, const LinearScale& y,
                 std::string_view label, bool grid) {
  if (grid) {
    svg.open("g", {{"class", "grid y"}});
    for (double v : ticks.values)
      svg.leaf("line", {{"class", "grid"}, {"x1", area.left}, {"x2", area.right()}, {"y1", y(v)}, {"y2", y(v)},
                        {"stroke", std::string(kGridColour)}});
    svg.close();
  }
  svg.open("g", {{"class", "axis y"}});
  svg.leaf("line", {{"class", "domain"}, {"x1", area.left}, {"x2", area.left}, {"y1", area.top},
                    {"y2", area.bottom()}, {"stroke", std::string(kAxisColour)}});
  for (double v : ticks.values) {
    svg.open("g", {{"class", "tick"}});
    svg.leaf("line", {{"x1", area.left - kTickLength}, {"x2", area.left}, {"y1", y(v)}, {"y2", y(v)},
                      {"stroke", std::string(kAxisColour)}});
    svg.text("text", {{"class", "tick-label"}, {"x", area.left - kTickLength - 3}, {"y", y(v) + 4},
                      {"text-anchor", "end"}},
             format_tick(v, ticks.step));
    svg.close();
  }
  double cx = 16, cy = area.top + area.height / 2;
  svg.text("text", {{"class", "axis-label"}, {"x", cx}, {"y", cy}, {"text-anchor", "middle"},
                    {"transform", "rotate(-90 " + coord(cx) + " " + coord(cy) + ")"}},
           label);
  svg.close();
}

void draw_x_axis(SvgBuilder& svg, const PlotArea& area, const Ticks& ticks, const LinearScale& x,
                 std::string_view label, bool grid) {
  if (grid) {
    svg.open("g", {{"class", "grid x"}});
    for (double v : ticks.values)
      svg.leaf("line", {{"class", "grid"}, {"x1", x(v)}, {"x2", x(v)}, {"y1", area.top}, {"y2", area.bottom()},
                        {"stroke", std::string(kGridColour)}});
    svg.close();
  }
  svg.open("g", {{"class", "axis x"}});
  svg.leaf("line", {{"class", "domain"}, {"x1", area.left}, {"x2", area.right()}, {"y1", area.bottom()},
                    {"y2", area.bottom()}, {"stroke", std::string(kAxisColour)}});
  for (double v : ticks.values) {
    svg.open("g", {{"class", "tick"}});
    svg.leaf("line", {{"x1", x(v)}, {"x2", x(v)}, {"y1", area.bottom()}, {"y2", area.bottom() + kTickLength},
                      {"stroke", std::string(kAxisColour)}});
    svg.text("text", {{"class", "tick-label"}, {"x", x(v)}, {"y", area.bottom() + kTickLength + 13},
                      {"text-anchor", "middle"}},
             format_tick(v, ticks.step));
    svg.close();
  }
  svg.text("text", {{"class", "axis-label"}, {"x", area.left + area.width / 2}, {"y", area.bottom() + 42},
                    {"text-anchor", "middle"}},
           label);
  svg.close();
}

void draw_x_category_axis(SvgBuilder& svg, const PlotArea& area, const std::vector<std::string>& names,
                          std::string_view label) {
  svg.open("g", {{"class", "axis x"}});
  svg.leaf("line", {{"class", "domain"}, {"x1", area.left}, {"x2", area.right()}, {"y1", area.bottom()},
                    {"y2", area.bottom()}, {"stroke", std::string(kAxisColour)}});
  double band = names.empty() ? area.width : area.width / static_cast<double>(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    double cx = area.left + band * (static_cast<double>(i) + 0.5);
    svg.open("g", {{"class", "tick"}});
    svg.leaf("line", {{"x1", cx}, {"x2", cx}, {"y1", area.bottom()}, {"y2", area.bottom() + kTickLength},
                      {"stroke", std::string(kAxisColour)}});
    svg.text("text", {{"class", "tick-label"}, {"x", cx}, {"y", area.bottom() + kTickLength + 13},
                      {"text-anchor", "middle"}},
             names[i]);
    svg.close();
  }
  svg.text("text", {{"class", "axis-label"}, {"x", area.left + area.width / 2}, {"y", area.bottom() + 42},
                    {"text-anchor", "middle"}},
           label);
  svg.close();
}

void draw_reference_line(SvgBuilder& svg, const PlotArea& area, const LinearScale& y, const ReferenceLine& ref) {
  double py = y(ref.value);
  svg.open("g", {{"class", "ref-line"}});
  svg.leaf("line", {{"x1", area.left}, {"x2", area.right()}, {"y1", py}, {"y2", py},
                    {"stroke", std::string(kReferenceColour)}, {"stroke-width", 1.5}, {"stroke-dasharray", "6 4"}});
  svg.text("text", {{"class", "ref-label"}, {"x", area.right() - 4}, {"y", py - 5}, {"text-anchor", "end"}},
           ref.label);
  svg.close();
}

void define_hatch(SvgBuilder& svg) {
  svg.open("defs");
  svg.open("pattern", {{"id", svg.id() + "-hatch"}, {"patternUnits", "userSpaceOnUse"}, {"width", 6},
                       {"height", 6}, {"patternTransform", "rotate(45)"}});
  svg.leaf("rect", {{"x", 0}, {"y", 0}, {"width", 2.5}, {"height", 6}, {"fill", "#ffffff"},
                    {"fill-opacity", 0.75}});
  svg.close();
  svg.close();
}

std::string hatch_url(const SvgBuilder& svg) { return "url(#" + svg.id() + "-hatch)"; }

void draw_legend(SvgBuilder& svg, double x, double y, const std::vector<LegendEntry>& entries) {
  if (entries.empty()) return;
  svg.open("g", {{"class", "legend"}});
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    double ey = y + 20.0 * static_cast<double>(i);
    svg.open("g", {{"class", "legend-item"}});
    svg.leaf("rect", {{"class", "swatch"}, {"x", x}, {"y", ey}, {"width", kSwatch}, {"height", kSwatch},
                      {"fill", e.colour}, {"stroke", "#555555"}, {"stroke-width", 0.5}});
    if (e.hatched)
      svg.leaf("rect", {{"class", "swatch-hatch"}, {"x", x}, {"y", ey}, {"width", kSwatch}, {"height", kSwatch},
                        {"fill", hatch_url(svg)}});
    svg.text("text", {{"class", "legend-label"}, {"x", x + kSwatch + 6}, {"y", ey + 10}}, e.name);
    svg.close();
  }
  svg.close();
}

}  // namespace moeplan::reports::svg
