// Charts of a RunResult.
#include "reports/run_charts.h"

#include <algorithm>
#include <map>
#include <set>

#include "reports/format.h"
#include "reports/run_tables.h"
#include "reports/svg/palette.h"
#include "sim/units/units.h"

namespace moeplan::reports {
namespace {

constexpr std::size_t kMaxMemoryLines = 6;     // more lines than this are unreadable
constexpr std::size_t kMaxMarkedPoints = 60;   // denser series are drawn as plain lines

}  // namespace

svg::StackedBarData memory_chart_data(const RunResult& r) {
  svg::StackedBarData d;
  d.id = "memory";
  d.title = "Memory per GPU by pipeline stage";
  d.x_label = "pipeline stage";
  d.y_label = "memory per GPU [GiB]";
  struct Part { const char* name; double MemoryBreakdown::*field; };
  static constexpr Part kParts[] = {
      {"weights", &MemoryBreakdown::weights},         {"master weights", &MemoryBreakdown::master_weights},
      {"gradients", &MemoryBreakdown::gradients},     {"optimizer", &MemoryBreakdown::optimizer},
      {"activations", &MemoryBreakdown::activations}, {"comm buffers", &MemoryBreakdown::comm_buffers},
      {"reserve", &MemoryBreakdown::reserve}};
  // Compress the axis labels when there are many stages, so they do not overlap.
  bool many = r.memory.size() > 12;
  for (const auto& m : r.memory) d.categories.push_back(many ? std::to_string(m.stage) : "stage " + std::to_string(m.stage));
  for (std::size_t p = 0; p < std::size(kParts); ++p) {
    svg::BarSeries s{kParts[p].name, {}, std::string(svg::series_colour(p))};
    for (const auto& m : r.memory) s.values.push_back(m.*(kParts[p].field) / units::kGiB);
    d.series.push_back(std::move(s));
  }
  int peak = peak_stage_index(r);
  if (peak >= 0) {
    double capacity = r.memory[static_cast<std::size_t>(peak)].capacity;
    d.reference = svg::ReferenceLine{"HBM capacity " + bytes(capacity), capacity / units::kGiB};
  }
  return d;
}

svg::GanttData gantt_chart_data(const RunResult& r, int max_rows) {
  svg::GanttData d;
  d.id = "pipeline";
  d.title = "Pipeline timeline of one step (" + r.step.method + ")";
  // Rows: ranks ascending; within a rank, tracks in order of first appearance.
  std::map<int, std::vector<std::string>> tracks;
  for (const auto& e : r.timeline.events) {
    auto& list = tracks[e.rank];
    if (std::find(list.begin(), list.end(), e.track) == list.end()) list.push_back(e.track);
  }
  bool one_track = std::all_of(tracks.begin(), tracks.end(), [](const auto& t) { return t.second.size() == 1; });
  const std::string& who = r.timeline.rank_label;
  d.y_label = one_track ? (who == "stage" ? "pipeline stage" : who) : who + " / track";
  std::map<std::pair<int, std::string>, int> row_of;
  std::size_t all_rows = 0;
  for (const auto& [rank, list] : tracks)
    for (const auto& track : list) {
      ++all_rows;
      if (static_cast<int>(d.rows.size()) >= max_rows) continue;
      row_of[{rank, track}] = static_cast<int>(d.rows.size());
      d.rows.push_back(one_track ? who + " " + std::to_string(rank) : who + " " + std::to_string(rank) + " " + track);
    }
  if (all_rows > d.rows.size())
    d.title += " - first " + std::to_string(d.rows.size()) + " of " + std::to_string(all_rows) + " rows";
  for (const auto& e : r.timeline.events) {
    auto row = row_of.find({e.rank, e.track});
    if (row != row_of.end()) d.bars.push_back({row->second, e.start_s, e.duration_s, e.kind, e.direction, e.name});
  }
  return d;
}

svg::DonutData goodput_chart_data(const RunResult& r) {
  const auto& g = r.goodput;
  svg::DonutData d;
  d.id = "goodput";
  d.title = "Where the elapsed time goes";
  d.slices = {{"useful training", g.effective_time_fraction, "#009E73"},
              {"checkpointing", g.fraction_checkpointing, "#56B4E9"},
              {"lost work", g.fraction_lost_work, "#D55E00"},
              {"restarting", g.fraction_restarting, "#E69F00"}};
  d.centre_text = percent(g.effective_time_fraction);
  d.centre_caption = "goodput";
  return d;
}

svg::LineChartData memory_timeline_chart_data(const RunResult& r) {
  svg::LineChartData d;
  d.id = "memory-timeline";
  d.title = "Memory in use during one step";
  double t_end = 0;
  for (const auto& m : r.timeline.memory) t_end = std::max(t_end, m.time_s);
  double scale = t_end >= 2 ? 1 : 1e3;
  d.x_label = scale == 1 ? "time [s]" : "time [ms]";
  d.y_label = "memory per GPU [GiB]";
  std::map<int, svg::LineSeries> by_rank;
  for (const auto& m : r.timeline.memory) {
    auto& s = by_rank[m.rank];
    s.name = r.timeline.rank_label + " " + std::to_string(m.rank);
    s.x.push_back(m.time_s * scale);
    s.y.push_back(m.bytes / units::kGiB);
  }
  // Sixteen overlapping lines in seven colours cannot be told apart: with many ranks, draw the first,
  // the middle, the last and the peak-memory stage.
  std::set<int> shown;
  if (by_rank.size() <= kMaxMemoryLines) {
    for (const auto& [rank, s] : by_rank) shown.insert(rank);
  } else {
    auto middle = by_rank.begin();
    std::advance(middle, static_cast<long>(by_rank.size() / 2));
    shown = {by_rank.begin()->first, middle->first, by_rank.rbegin()->first};
    int peak = peak_stage_index(r);
    if (peak >= 0 && by_rank.count(r.memory[static_cast<std::size_t>(peak)].stage))
      shown.insert(r.memory[static_cast<std::size_t>(peak)].stage);
    std::string list;
    for (int rank : shown) list += (list.empty() ? "" : ", ") + std::to_string(rank);
    d.title += " (stages " + list + " of " + std::to_string(by_rank.size()) + ")";
  }
  std::size_t most_points = 0;
  for (auto& [rank, s] : by_rank)
    if (shown.count(rank)) {
      most_points = std::max(most_points, s.x.size());
      d.series.push_back(std::move(s));
    }
  d.markers = most_points <= kMaxMarkedPoints;
  int peak = peak_stage_index(r);
  if (peak >= 0) {
    double capacity = r.memory[static_cast<std::size_t>(peak)].capacity;
    d.reference = svg::ReferenceLine{"HBM capacity " + bytes(capacity), capacity / units::kGiB};
  }
  return d;
}

std::vector<RenderedChart> render_run_charts(const RunResult& r) {
  std::vector<RenderedChart> charts;
  auto memory = memory_chart_data(r);
  charts.push_back({memory.id, memory.title, svg::render_stacked_bar(memory)});
  if (!r.timeline.events.empty()) {
    auto gantt = gantt_chart_data(r);
    charts.push_back({gantt.id, gantt.title, svg::render_gantt(gantt)});
  }
  if (!r.timeline.memory.empty()) {
    auto mem_t = memory_timeline_chart_data(r);
    charts.push_back({mem_t.id, mem_t.title, svg::render_line_chart(mem_t)});
  }
  if (r.goodput.enabled) {
    auto goodput = goodput_chart_data(r);
    charts.push_back({goodput.id, goodput.title, svg::render_donut(goodput)});
  }
  return charts;
}

}  // namespace moeplan::reports
