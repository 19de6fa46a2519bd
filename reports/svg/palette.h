// Colour-blind-safe palette for charts.
//
// Okabe & Ito, "Color Universal Design (CUD): how to make figures and presentations that are friendly to
// colorblind people" (2008), https://jfly.uni-koeln.de/color/ — eight colours distinguishable under the
// common colour-vision deficiencies. Black is left last: it is used for reference lines and text.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace moeplan::reports::svg {

inline constexpr std::array<std::string_view, 8> kOkabeIto = {
    "#E69F00",  // orange
    "#56B4E9",  // sky blue
    "#009E73",  // bluish green
    "#F0E442",  // yellow
    "#0072B2",  // blue
    "#D55E00",  // vermillion
    "#CC79A7",  // reddish purple
    "#000000",  // black
};

// The i-th series colour, cycling through the seven non-black colours.
inline std::string_view series_colour(std::size_t i) { return kOkabeIto[i % 7]; }

inline constexpr std::string_view kAxisColour = "#333333";
inline constexpr std::string_view kGridColour = "#dddddd";
inline constexpr std::string_view kReferenceColour = "#000000";

}  // namespace moeplan::reports::svg
