// Pieces every chart shares: plot area layout, title, axes with ticks and gridlines, legend, and the
// common data types (reference line, legend entry).
//
// DOM classes (tests and stylesheets rely on them): "title", "axis x" / "axis y" groups holding "domain",
// "tick" groups (a line and a "tick-label" text) and an "axis-label"; "grid" lines; "legend" group with
// "legend-item" groups holding a "swatch" and a "legend-label"; data shapes carry "mark"; reference lines
// "ref-line" with a "ref-label".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/svg/scale.h"
#include "reports/svg/svg_builder.h"

namespace moeplan::reports::svg {

struct PlotArea {
  double left = 0, top = 0, width = 0, height = 0;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

// A horizontal line at a y value (e.g. HBM capacity, a latency SLO).
struct ReferenceLine {
  std::string label;
  double value = 0;
};

struct LegendEntry {
  std::string name;
  std::string colour;
  bool hatched = false;  // draw the swatch with the chart's hatch pattern over the colour
};

// Width reserved on the right for a legend with these entries (0 when empty).
double legend_width(const std::vector<LegendEntry>& entries);

// Plot area inside a chart of the given size, leaving room for the title, axis labels and a right legend.
PlotArea plot_area(double width, double height, double legend_w);

void draw_title(SvgBuilder& svg, double width, std::string_view title);

// Numeric y axis on the left of `area`, with horizontal gridlines across it when `grid`.
void draw_y_axis(SvgBuilder& svg, const PlotArea& area, const Ticks& ticks, const LinearScale& y,
                 std::string_view label, bool grid = true);
// Numeric x axis along the bottom of `area`, with vertical gridlines when `grid`.
void draw_x_axis(SvgBuilder& svg, const PlotArea& area, const Ticks& ticks, const LinearScale& x,
                 std::string_view label, bool grid = true);
// Category x axis: one tick and label at the centre of each band.
void draw_x_category_axis(SvgBuilder& svg, const PlotArea& area, const std::vector<std::string>& names,
                          std::string_view label);

// Dashed horizontal line at `ref.value` across the plot, labelled at its right end.
void draw_reference_line(SvgBuilder& svg, const PlotArea& area, const LinearScale& y, const ReferenceLine& ref);

// Declares <pattern id="<chart id>-hatch"> (white diagonal stripes) inside <defs>.
void define_hatch(SvgBuilder& svg);
std::string hatch_url(const SvgBuilder& svg);

// Vertical legend starting at (x, y).
void draw_legend(SvgBuilder& svg, double x, double y, const std::vector<LegendEntry>& entries);

// Rough text width in pixels at the charts' 12 px font (for layout only).
double text_width(std::string_view text, double font_px = 12);

}  // namespace moeplan::reports::svg
