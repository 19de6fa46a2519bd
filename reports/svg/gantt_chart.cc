// Gantt chart of a pipeline timeline.
#include "reports/svg/gantt_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/svg/chart_parts.h"
#include "reports/svg/palette.h"
#include "sim/units/error.h"

namespace moeplan::reports::svg {
namespace {

// Kinds in legend order, with their colours.
struct KindColour { std::string_view kind, name, colour; };
constexpr KindColour kKinds[] = {
    {"F", "F (forward)", "#56B4E9"},       {"B", "B (backward, input grad)", "#009E73"},
    {"W", "W (weight grad)", "#E69F00"},   {"FB", "F&B overlapped", "#CC79A7"},
    {"comm", "communication", "#F0E442"},  {"opt", "optimizer", "#0072B2"},
    {"other", "other", "#999999"},
};

struct TimeUnit { double per_s; const char* name; };
TimeUnit unit_for(double span_s) {
  if (span_s >= 2) return {1, "s"};
  if (span_s >= 2e-3) return {1e3, "ms"};
  return {1e6, "us"};
}

}  // namespace

std::string_view gantt_kind_colour(std::string_view kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.colour;
  return "#999999";
}

std::string render_gantt(const GanttData& d) {
  double t_end = 0;
  bool any_reverse = false;
  for (const auto& b : d.bars) {
    if (b.row < 0 || static_cast<std::size_t>(b.row) >= d.rows.size())
      throw_internal_error(fmt::format("gantt '{}': bar '{}' on row {} of {}", d.id, b.label, b.row, d.rows.size()));
    if (!std::isfinite(b.start_s) || !std::isfinite(b.duration_s) || b.start_s < 0 || b.duration_s < 0)
      throw_internal_error(fmt::format("gantt '{}': bar '{}' has start {} duration {}", d.id, b.label, b.start_s,
                                       b.duration_s));
    t_end = std::max(t_end, b.start_s + b.duration_s);
    any_reverse = any_reverse || b.direction == 1;
  }
  TimeUnit unit = unit_for(t_end);
  Ticks ticks = nice_ticks(0, t_end > 0 ? t_end * unit.per_s : 1, 8);

  std::vector<LegendEntry> legend;
  for (const auto& k : kKinds)
    if (std::any_of(d.bars.begin(), d.bars.end(), [&](const GanttBar& b) { return b.kind == k.kind; }))
      legend.push_back({std::string(k.name), std::string(k.colour)});
  if (std::any_of(d.bars.begin(), d.bars.end(), [&](const GanttBar& b) {
        return std::none_of(std::begin(kKinds), std::end(kKinds), [&](const KindColour& k) { return k.kind == b.kind; });
      }))
    legend.push_back({"unknown kind", "#999999"});
  if (any_reverse) legend.push_back({"reverse direction (hatched)", "#bbbbbb", true});

  double label_w = 0;
  for (const auto& r : d.rows) label_w = std::max(label_w, text_width(r));
  double legend_w = legend_width(legend);
  double rows_h = d.row_height * static_cast<double>(std::max<std::size_t>(d.rows.size(), 1));
  double height = std::max(52 + rows_h + 58, 52 + 20.0 * static_cast<double>(legend.size()) + 20);
  PlotArea area;
  area.left = std::max(72.0, label_w + 16);
  area.top = 52;
  area.width = std::max(80.0, d.width - area.left - 16 - legend_w);
  area.height = rows_h;
  LinearScale x{ticks.lo, ticks.hi, area.left, area.right()};

  SvgBuilder svg(d.id, "gantt", d.width, height, d.title);
  define_hatch(svg);
  draw_title(svg, d.width, d.title);
  // Row bands, then the rows as a category y axis (one tick and label per row).
  svg.open("g", {{"class", "rows"}});
  for (std::size_t r = 1; r < d.rows.size(); r += 2)
    svg.leaf("rect", {{"class", "row-band"}, {"x", area.left}, {"y", area.top + d.row_height * static_cast<double>(r)},
                      {"width", area.width}, {"height", d.row_height}, {"fill", "#f4f4f4"}});
  svg.close();
  svg.open("g", {{"class", "axis y"}});
  svg.leaf("line", {{"class", "domain"}, {"x1", area.left}, {"x2", area.left}, {"y1", area.top}, {"y2", area.bottom()},
                    {"stroke", std::string(kAxisColour)}});
  for (std::size_t r = 0; r < d.rows.size(); ++r) {
    double cy = area.top + d.row_height * (static_cast<double>(r) + 0.5);
    svg.open("g", {{"class", "tick"}});
    svg.leaf("line", {{"x1", area.left - 4}, {"x2", area.left}, {"y1", cy}, {"y2", cy}, {"stroke", std::string(kAxisColour)}});
    svg.text("text", {{"class", "tick-label row-label"}, {"x", area.left - 8}, {"y", cy + 4}, {"text-anchor", "end"}},
             d.rows[r]);
    svg.close();
  }
  svg.text("text", {{"class", "axis-label"}, {"x", area.left - 8}, {"y", area.top - 8}, {"text-anchor", "end"},
                    {"font-weight", "bold"}},
           d.y_label);
  svg.close();
  draw_x_axis(svg, area, ticks, x, std::string("time [") + unit.name + "]");
  // Bars of the same kind and direction less than a pixel apart on a row are drawn as one mark (a step
  // can hold tens of thousands of sub-pixel communication intervals); data-count says how many it holds.
  std::vector<std::size_t> order(d.bars.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return d.bars[a].row != d.bars[b].row ? d.bars[a].row < d.bars[b].row : d.bars[a].start_s < d.bars[b].start_s;
  });
  struct Drawn { const GanttBar* first; double x0, x1, end_s; int count; };
  std::vector<Drawn> drawn;
  for (std::size_t i : order) {
    const GanttBar& b = d.bars[i];
    double x0 = x(b.start_s * unit.per_s), x1 = x((b.start_s + b.duration_s) * unit.per_s);
    if (!drawn.empty()) {
      Drawn& last = drawn.back();
      if (last.first->row == b.row && last.first->kind == b.kind && last.first->direction == b.direction &&
          x0 <= last.x1 + 1.0 && (x1 - x0 < 1.0 || last.x1 - last.x0 < 1.0)) {
        last.x1 = std::max(last.x1, x1);
        last.end_s = std::max(last.end_s, b.start_s + b.duration_s);
        ++last.count;
        continue;
      }
    }
    drawn.push_back({&b, x0, x1, b.start_s + b.duration_s, 1});
  }
  svg.open("g", {{"class", "marks"}});
  for (const auto& m : drawn) {
    const GanttBar& b = *m.first;
    double bx = m.x0;
    double bw = std::max(m.x1 - m.x0, 0.5);
    double by = area.top + d.row_height * static_cast<double>(b.row) + 2;
    double bh = d.row_height - 4;
    std::vector<Attr> attrs = {{"class", fmt::format("mark kind-{} dir-{}", b.kind, b.direction)},
                               {"x", bx}, {"y", by}, {"width", bw}, {"height", bh},
                               {"fill", std::string(gantt_kind_colour(b.kind))},
                               {"data-row", b.row}, {"data-label", b.label},
                               {"data-start-s", fmt::format("{}", b.start_s)},
                               {"data-duration-s", fmt::format("{}", m.end_s - b.start_s)}};
    // A thin white outline separates adjacent bars; on bars a few pixels wide it would hide the colour.
    if (bw > 4) attrs.insert(attrs.end(), {{"stroke", "#ffffff"}, {"stroke-width", 0.5}});
    if (m.count > 1) attrs.push_back({"data-count", m.count});
    svg.leaf("rect", attrs);
    if (b.direction == 1)
      svg.leaf("rect", {{"class", "hatch"}, {"x", bx}, {"y", by}, {"width", bw}, {"height", bh},
                        {"fill", hatch_url(svg)}});
    if (m.count == 1 && !b.label.empty() && text_width(b.label, 10) + 4 < bw)
      svg.text("text", {{"class", "mark-label"}, {"x", bx + bw / 2}, {"y", by + bh / 2 + 3.5},
                        {"text-anchor", "middle"}, {"font-size", 10}},
               b.label);
  }
  svg.close();
  draw_legend(svg, area.right() + 16, area.top, legend);
  return svg.finish();
}

}  // namespace moeplan::reports::svg
