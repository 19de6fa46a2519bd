// Number formatting shared by the human-readable reports (text, Markdown, HTML, chart labels).
//
// Builds on sim/units format_* (three significant digits with a prefix) and adds the report's own forms:
// percentages, GPU-hours, days, prices per GPU-hour, fixed decimals.
#pragma once

#include <string>

namespace moeplan::reports {

std::string fixed(double value, int decimals);           // fixed(3.14159, 2) -> "3.14"
std::string sig3(double value);                          // three significant digits: "2.79", "56.7", "671"
std::string percent(double fraction, int decimals = 1);  // percent(0.432) -> "43.2%"
std::string gpu_hours(double hours);                     // "2.79 M GPU-h"
std::string days(double d);                              // "56.7 days"
std::string usd(double dollars);                         // "$5.58 M"
std::string usd_per_gpu_hour(double rate);               // "$2.00/GPU-h"
std::string bytes(double b);                             // "71.3 GiB"
std::string gib(double b, int decimals = 1);             // bytes shown as GiB without the unit: "71.3"
std::string duration(double seconds);                    // "13.2 ms", "54.2 days"
std::string count(double c);                             // "14.8 T", "671 B"
std::string yes_no(bool b);                              // "yes" / "no"

}  // namespace moeplan::reports
