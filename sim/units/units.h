// Units: SI constants and parsers for quantities written with their unit in scenario files.
//
// moeplan keeps quantities as doubles in base SI units (seconds, bytes, FLOPs, bytes/s, FLOP/s, watts,
// US dollars) and puts the unit in the name (`step_time_s`, `hbm_bytes`, `link_Bps`). Parsers accept the
// forms people write ("80 GiB", "400 Gbps", "1.5 us", "$2/h", "2.0 $/h", "14.8T") and throw a user Error
// naming what was expected when the unit is wrong or missing. Decimal prefixes are powers of 1000, binary
// prefixes (KiB, MiB, GiB, TiB) powers of 1024; bits vs bytes is decided by a lower-case "b" (Gb, Gbps, Gbit)
// vs upper-case "B" (GB, GB/s).
#pragma once

#include <string>
#include <string_view>

namespace moeplan::units {

inline constexpr double kKilo = 1e3;
inline constexpr double kMega = 1e6;
inline constexpr double kGiga = 1e9;
inline constexpr double kTera = 1e12;
inline constexpr double kPeta = 1e15;
inline constexpr double kKiB = 1024.0;
inline constexpr double kMiB = 1024.0 * 1024.0;
inline constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
inline constexpr double kTiB = 1024.0 * 1024.0 * 1024.0 * 1024.0;
inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kHoursPerYear = 8766.0;  // 365.25 days

// "80 GiB", "80GB", "512 MB", "1.5e9" (plain number = bytes) -> bytes.
double parse_bytes(std::string_view text);
// "400 Gbps", "400 Gb/s", "50 GB/s", "3.35 TB/s" -> bytes per second.
double parse_bandwidth(std::string_view text);
// "1.5 us", "3 ms", "2 s", "4 h", "60 d", "60d", "2 weeks" -> seconds.
double parse_duration(std::string_view text);
// "989 TFLOPS", "1.979 PFLOPS", "989e12" -> FLOP/s.
double parse_flops_rate(std::string_view text);
// "700 W", "1.2 kW", "10.2 kW" -> watts.
double parse_power(std::string_view text);
// "$2/h", "2.0 $/h", "2 USD/h", "$2/GPU-h" -> US dollars per hour.
double parse_usd_per_hour(std::string_view text);
// "$5.5M", "6M$", "6 M USD", "1500 $", "$0.0826" -> US dollars.
double parse_usd(std::string_view text);
// "$0.0826/kWh", "0.08 $/kWh" -> US dollars per kWh.
double parse_usd_per_kwh(std::string_view text);
// "14.8T", "469B", "1e12", "4K", "4096" -> a plain count (K/M/B/T/G suffixes decimal; "Ki" binary).
double parse_count(std::string_view text);

// Formatting helpers for humans: 3 significant digits with an SI or binary prefix.
std::string format_bytes(double bytes);          // "71.3 GiB"
std::string format_bandwidth(double Bps);        // "160 GB/s"
std::string format_duration(double seconds);     // "13.2 ms", "54.2 days"
std::string format_flops_rate(double flops_s);   // "989 TFLOP/s"
std::string format_usd(double usd);              // "$5.58 M"
std::string format_count(double count);          // "2.79 M"

}  // namespace moeplan::units
