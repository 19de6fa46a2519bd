// SVG charts: well-formed XML, axes with nice ticks, one mark per datum, escaped text, legends, and
// errors on malformed chart data.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "reports/run_charts.h"
#include "reports/svg/bar_charts.h"
#include "reports/svg/donut_chart.h"
#include "reports/svg/gantt_chart.h"
#include "reports/svg/line_chart.h"
#include "reports/svg/scale.h"
#include "sim/units/error.h"
#include "tests/reports/sample_result.h"
#include "tests/reports/xml_check.h"

namespace moeplan::reports {
namespace {

using testing::parse_xml;
using testing::XmlNode;

std::vector<std::string> tick_labels(const XmlNode& root, const std::string& axis) {
  std::vector<std::string> out;
  for (const XmlNode* a : root.find_all([&](const XmlNode& n) { return n.has_class("axis") && n.has_class(axis); }))
    for (const XmlNode* t : a->with_class("tick-label")) out.push_back(t->text);
  return out;
}

TEST(NiceTicks, HeckbertLabels) {
  // 0..71.3 in about 6 intervals: step 20 (range 100 / 6 = 16.7 rounds to 20), axis 0..80.
  auto t = svg::nice_ticks(0, 71.3, 6);
  EXPECT_DOUBLE_EQ(t.step, 20);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 80);
  EXPECT_EQ(t.values.size(), 5u);
  // 0.013..0.027: range 0.014 -> 0.02; 0.02 / 5 = 0.004 rounds to step 0.005; axis 0.010..0.030.
  auto u = svg::nice_ticks(0.013, 0.027, 5);
  EXPECT_DOUBLE_EQ(u.step, 0.005);
  EXPECT_NEAR(u.lo, 0.010, 1e-12);
  EXPECT_NEAR(u.hi, 0.030, 1e-12);
  EXPECT_EQ(svg::format_tick(0.015, 0.005), "0.015");
  EXPECT_EQ(svg::format_tick(2e6, 1e6), "2 M");
  EXPECT_EQ(svg::format_tick(40, 20), "40");
  EXPECT_EQ(svg::format_tick(0.5, 0.5), "0.5");
  // Degenerate and non-finite ranges still give a valid axis.
  auto z = svg::nice_ticks(0, 0);
  EXPECT_GT(z.hi, z.lo);
  auto n = svg::nice_ticks(std::nan(""), 1);
  EXPECT_GT(n.hi, n.lo);
}

TEST(SvgCharts, MemoryStackedBarHasAxesMarksAndCapacityLine) {
  auto result = testing::sample_run_result();
  std::string svg = svg::render_stacked_bar(memory_chart_data(result));
  auto root = parse_xml(svg);
  EXPECT_EQ(root->name, "svg");
  EXPECT_EQ(root->attr("xmlns"), "http://www.w3.org/2000/svg");
  EXPECT_EQ(root->attr("id"), "memory");
  // 4 stages x 7 categories.
  EXPECT_EQ(root->with_class("mark").size(), 28u);
  EXPECT_EQ(tick_labels(*root, "x"), (std::vector<std::string>{"stage 0", "stage 1", "stage 2", "stage 3"}));
  // Tallest stack 64.5 GiB, capacity 80 GiB -> 0..90 by 20? nice_ticks(0, 81.6, 6): step 20, top 100.
  auto y = tick_labels(*root, "y");
  ASSERT_FALSE(y.empty());
  EXPECT_EQ(y.front(), "0");
  EXPECT_EQ(y.back(), "100");
  EXPECT_EQ(root->with_class("ref-line").size(), 1u);
  EXPECT_NE(root->with_class("ref-label")[0]->text.find("80.0 GiB"), std::string::npos);
  EXPECT_EQ(root->with_class("legend-item").size(), 7u);
  auto labels = root->with_class("axis-label");
  ASSERT_EQ(labels.size(), 2u);
  // The capacity line sits at 80/100 of the plot height above the x axis; the stage-0 bar top at 64.5/100.
  auto marks = root->with_class("mark");
  double bottom = std::stod(marks[0]->attr("y")) + std::stod(marks[0]->attr("height"));
  double top0 = std::stod(marks[6]->attr("y"));
  auto ref = root->with_class("ref-line")[0]->children[0].get();
  double ref_y = std::stod(ref->attr("y1"));
  EXPECT_NEAR((bottom - top0) / (bottom - ref_y), 64.5 / 80.0, 0.01);
}

TEST(SvgCharts, GroupedBarChartForCompare) {
  svg::BarChartData d;
  d.title = "Cost by GPU <type> & price";
  d.y_label = "cost [$M]";
  d.categories = {"H800", "H100", "B200"};
  d.series = {{"rental", {5.58, 6.1, 4.2}, ""}, {"owned", {3.2, 3.5, 2.9}, ""}};
  auto root = parse_xml(svg::render_bar_chart(d));
  EXPECT_EQ(root->with_class("mark").size(), 6u);
  EXPECT_EQ(root->with_class("value-label").size(), 6u);
  EXPECT_EQ(root->with_class("legend-item").size(), 2u);
  EXPECT_EQ(root->with_class("title")[0]->text, "Cost by GPU <type> & price");  // escaped, then decoded
  // A simple (one-series) bar chart needs no legend.
  d.series.pop_back();
  auto simple = parse_xml(svg::render_bar_chart(d));
  EXPECT_TRUE(simple->with_class("legend").empty());
  EXPECT_EQ(simple->with_class("mark").size(), 3u);
}

TEST(SvgCharts, LineAndLatencyCharts) {
  svg::LineChartData d;
  d.title = "MFU vs micro-batch size";
  d.x_label = "micro-batch size";
  d.y_label = "MFU [%]";
  d.series = {{"DualPipe", {1, 2, 4, 8}, {38, 41, 43, std::nan("")}, ""}};
  auto root = parse_xml(svg::render_line_chart(d));
  EXPECT_EQ(root->with_class("line").size(), 1u);
  EXPECT_EQ(root->with_class("point").size(), 3u);  // the NaN point is skipped
  // The x axis spans only the finite points, 1..4, in steps of 1.
  EXPECT_EQ(tick_labels(*root, "x"), (std::vector<std::string>{"1", "2", "3", "4"}));

  svg::LatencyChartData l;
  l.title = "TTFT vs load";
  l.metric = "TTFT";
  l.load = {1, 2, 4, 8};
  l.percentiles = {{"p50", {100, 110, 140, 300}}, {"p99", {200, 240, 400, 1200}}};
  l.slo = svg::ReferenceLine{"SLO 500 ms", 500};
  auto lat = parse_xml(svg::render_latency_chart(l));
  EXPECT_TRUE(lat->has_class("latency-chart"));
  EXPECT_EQ(lat->with_class("line").size(), 2u);
  EXPECT_EQ(lat->with_class("point").size(), 8u);
  EXPECT_EQ(lat->with_class("ref-line").size(), 1u);
  auto y = tick_labels(*lat, "y");
  EXPECT_EQ(y.back(), "1500");  // 1224: range 2000 / 6 = 333 rounds to step 500; axis 0..1500
}

TEST(SvgCharts, GanttShowsEveryEventAndBothDirections) {
  auto result = testing::sample_run_result();
  auto data = gantt_chart_data(result);
  // Rows: rank 0 compute, comm; rank 1 compute, comm.
  EXPECT_EQ(data.rows, (std::vector<std::string>{"stage 0 compute", "stage 0 comm", "stage 1 compute", "stage 1 comm"}));
  auto root = parse_xml(svg::render_gantt(data));
  auto marks = root->with_class("mark");
  ASSERT_EQ(marks.size(), result.timeline.events.size());
  EXPECT_EQ(root->with_class("dir-1").size(), 2u);
  EXPECT_EQ(root->with_class("hatch").size(), 2u);
  EXPECT_EQ(root->with_class("kind-FB").size(), 1u);
  // The "&" in "F1&B4" survives escaping.
  bool found = false;
  for (auto* m : marks) found = found || m->attr("data-label") == "F1&B4";
  EXPECT_TRUE(found);
  // The span is 0.5 s -> axis in ms, 0..500.
  auto x_axis = root->find_all([](const XmlNode& n) { return n.has_class("axis") && n.has_class("x"); });
  ASSERT_EQ(x_axis.size(), 1u);
  EXPECT_EQ(x_axis[0]->with_class("axis-label")[0]->text, "time [ms]");
  // Rows are the y axis' tick labels.
  EXPECT_EQ(tick_labels(*root, "y"), data.rows);
  EXPECT_EQ(tick_labels(*root, "x").back(), "500");
  // Legend: the six kinds present (F, B, W, FB, comm, opt) plus the hatched reverse direction.
  EXPECT_EQ(root->with_class("legend-item").size(), 7u);
  EXPECT_EQ(root->with_class("swatch-hatch").size(), 1u);
  // The pattern id is scoped by the chart id so several charts can share one HTML page.
  EXPECT_EQ(root->find_all([](const XmlNode& n) { return n.attr("id") == "pipeline-hatch"; }).size(), 1u);
}

TEST(SvgCharts, GanttRowLimit) {
  auto result = testing::sample_run_result();
  auto data = gantt_chart_data(result, 3);
  EXPECT_EQ(data.rows.size(), 3u);
  EXPECT_NE(data.title.find("first 3 of 4 rows"), std::string::npos) << data.title;
  EXPECT_EQ(data.bars.size(), result.timeline.events.size() - 1);  // the one "stage 1 comm" event is left out
}

TEST(SvgCharts, GanttMergesSubPixelBars) {
  // 1000 back-to-back 1 ms comm intervals over 1 s on a ~800 px axis are each under a pixel: one mark
  // holding all 1000. A 200 ms forward bar on the same row and a wide bar after a gap stay separate.
  svg::GanttData g;
  g.rows = {"stage 0"};
  for (int i = 0; i < 1000; ++i) g.bars.push_back({0, i * 1e-3, 1e-3, "comm", 0, "c"});
  g.bars.push_back({0, 1.2, 0.2, "F", 0, "F0"});
  g.bars.push_back({0, 1.6, 0.2, "F", 0, "F1"});
  auto root = parse_xml(svg::render_gantt(g));
  auto marks = root->with_class("mark");
  ASSERT_EQ(marks.size(), 3u);
  EXPECT_EQ(marks[0]->attr("data-count"), "1000");
  EXPECT_NEAR(std::stod(marks[0]->attr("data-duration-s")), 1.0, 1e-9);
  EXPECT_EQ(marks[1]->attr("data-count"), "");
  EXPECT_EQ(root->with_class("mark-label").size(), 2u);  // F0, F1 are wide enough for their labels
}

TEST(SvgCharts, GoodputDonut) {
  auto root = parse_xml(svg::render_donut(goodput_chart_data(testing::sample_run_result())));
  EXPECT_EQ(root->with_class("slice").size(), 4u);
  EXPECT_EQ(root->with_class("centre-label")[0]->text, "95.0%");
  EXPECT_EQ(root->with_class("legend-item").size(), 4u);
  // One slice holding everything is drawn as a full ring, still well-formed.
  svg::DonutData all{"donut", "all", {{"useful", 1, ""}, {"lost", 0, ""}}, "100%", "", 520, 320};
  EXPECT_EQ(parse_xml(svg::render_donut(all))->with_class("slice").size(), 1u);
}

TEST(SvgCharts, EveryRunChartParses) {
  auto charts = render_run_charts(testing::sample_run_result());
  ASSERT_EQ(charts.size(), 4u);
  EXPECT_EQ(charts[0].id, "memory");
  EXPECT_EQ(charts[1].id, "pipeline");
  EXPECT_EQ(charts[2].id, "memory-timeline");
  EXPECT_EQ(charts[3].id, "goodput");
  for (const auto& c : charts) {
    auto root = parse_xml(c.svg);
    EXPECT_EQ(root->attr("id"), c.id);
    EXPECT_FALSE(root->with_class("mark").empty()) << c.id;
  }
  // Without timeline and goodput only the memory chart applies.
  auto bare = testing::sample_run_result();
  bare.timeline = {};
  bare.goodput.enabled = false;
  EXPECT_EQ(render_run_charts(bare).size(), 1u);
}

TEST(SvgCharts, HostileTextIsEscaped) {
  svg::StackedBarData d;
  d.title = "</svg><script>alert(1)</script>";
  d.categories = {"a\"b", "c'd"};
  d.series = {{"x & y", {1, 2}, ""}};
  std::string out = svg::render_stacked_bar(d);
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  auto root = parse_xml(out);
  EXPECT_EQ(root->with_class("title")[0]->text, d.title);
  EXPECT_EQ(tick_labels(*root, "x"), (std::vector<std::string>{"a\"b", "c'd"}));
}

TEST(SvgCharts, MalformedDataIsAnInternalError) {
  svg::StackedBarData d;
  d.categories = {"a", "b"};
  d.series = {{"x", {1}, ""}};
  EXPECT_THROW(svg::render_stacked_bar(d), Error);
  d.series = {{"x", {1, -2}, ""}};
  EXPECT_THROW(svg::render_stacked_bar(d), Error);
  svg::GanttData g;
  g.rows = {"r"};
  g.bars = {{3, 0, 1, "F", 0, "F0"}};
  EXPECT_THROW(svg::render_gantt(g), Error);
}

TEST(XmlChecker, RejectsMalformedDocuments) {
  // The checker itself must fail on broken markup, or the tests above prove nothing.
  EXPECT_THROW(parse_xml("<svg><g></svg>"), std::runtime_error);
  EXPECT_THROW(parse_xml("<svg a=1/>"), std::runtime_error);
  EXPECT_THROW(parse_xml("<svg>a & b</svg>"), std::runtime_error);
  EXPECT_THROW(parse_xml("<svg a=\"1\" a=\"2\"/>"), std::runtime_error);
  EXPECT_THROW(parse_xml("<svg/><svg/>"), std::runtime_error);
  EXPECT_THROW(parse_xml("<svg>"), std::runtime_error);
  EXPECT_NO_THROW(parse_xml("<?xml version=\"1.0\"?>\n<svg><!-- c --><text>&lt;&amp;&#39;</text></svg>"));
}

}  // namespace
}  // namespace moeplan::reports
