// Gantt chart of a pipeline timeline: one row per (rank, track), one bar per interval, coloured by kind
// (F, B, W, FB, comm, opt, other); DualPipe's reverse direction (direction 1) is hatched so the two
// directions stay distinguishable without relying on colour.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace moeplan::reports::svg {

struct GanttBar {
  int row = 0;               // index into GanttData::rows
  double start_s = 0;
  double duration_s = 0;
  std::string kind;          // "F" | "B" | "W" | "FB" | "comm" | "opt" | "other"
  int direction = 0;         // 1 is drawn hatched
  std::string label;         // "F3"; drawn inside the bar when it fits
};

struct GanttData {
  std::string id = "gantt";
  std::string title;
  std::string y_label = "rank / track";  // heading over the row labels
  std::vector<std::string> rows;  // top to bottom
  std::vector<GanttBar> bars;
  double width = 960;
  double row_height = 20;
};

// Fill colour of a bar kind (Okabe-Ito; unknown kinds grey).
std::string_view gantt_kind_colour(std::string_view kind);

// Standalone <svg> whose height follows the row count. Bars are <rect class="mark kind-<K> dir-<D>">
// with data-row, data-label, data-start-s and data-duration-s; same-kind bars under a pixel wide and under
// a pixel apart on one row are merged into one mark with data-count; the time axis is in s, ms or us by the span. Throws an
// internal Error for a bar whose row is out of range or whose times are negative or not finite.
std::string render_gantt(const GanttData& data);

}  // namespace moeplan::reports::svg
