// Donut chart: shares of a whole (goodput: useful work, checkpointing, lost work, restarting).
#pragma once

#include <string>
#include <vector>

namespace moeplan::reports::svg {

struct DonutSlice {
  std::string name;
  double value = 0;    // >= 0; slices are drawn in proportion to their sum
  std::string colour;  // empty: next Okabe-Ito colour
};

struct DonutData {
  std::string id = "donut";
  std::string title;
  std::vector<DonutSlice> slices;
  std::string centre_text;  // large label in the hole, e.g. "97.1%"
  std::string centre_caption;  // small line under it, e.g. "goodput"
  double width = 520;
  double height = 320;
};

// Standalone <svg>: slices are <path class="mark slice"> (a full circle when one slice holds everything)
// with data-series and data-value; the legend shows each slice's percentage. Throws an internal Error for
// a negative or non-finite value.
std::string render_donut(const DonutData& data);

}  // namespace moeplan::reports::svg
