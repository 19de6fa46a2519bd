// Error bands from validation residuals (see error_band.h).
#include "sim/validate/error_band.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "sim/units/error.h"

namespace moeplan {

Residual residual_of(const ValidationRow& row) {
  return Residual{.file = row.file, .generation = row.generation, .moe = row.moe,
                  .measured_profile = row.measured_profile, .speed_error = row.speed_error};
}

double quantile_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) throw_internal_error("quantile_sorted: no values");
  const double pos = std::clamp(q * (sorted.size() + 1.0) - 1.0, 0.0, sorted.size() - 1.0);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

ErrorBand band_for(const std::vector<Residual>& residuals, const BandKey& key, const std::string& exclude_file) {
  // Criteria dropped in this order while too few runs match: profile kind, dense/MoE, generation.
  for (int relaxed = 0; relaxed <= 3; ++relaxed) {
    std::vector<double> ratios;
    for (const Residual& r : residuals) {
      if (r.file == exclude_file) continue;
      if (relaxed < 1 && r.measured_profile != key.measured_profile) continue;
      if (relaxed < 2 && r.moe != key.moe) continue;
      if (relaxed < 3 && r.generation != key.generation) continue;
      ratios.push_back(1.0 / (1.0 + r.speed_error));  // published speed / predicted speed
    }
    if (static_cast<int>(ratios.size()) < kMinBandRows && relaxed < 3) continue;
    if (ratios.empty()) return ErrorBand{};
    std::sort(ratios.begin(), ratios.end());
    ErrorBand b;
    b.valid = true;
    b.p10 = quantile_sorted(ratios, 0.1);
    b.p50 = quantile_sorted(ratios, 0.5);
    b.p90 = quantile_sorted(ratios, 0.9);
    b.n = static_cast<int>(ratios.size());
    std::vector<std::string> parts;
    if (relaxed < 3) parts.push_back(key.generation);
    if (relaxed < 2) parts.push_back(key.moe ? "MoE" : "dense");
    if (relaxed < 1) parts.push_back(key.measured_profile ? "profile measured" : "profile derived");
    if (parts.empty()) parts.push_back("all validation runs");
    std::string basis;
    for (const std::string& p : parts) basis += (basis.empty() ? "" : ", ") + p;
    b.basis = basis + " (" + std::to_string(b.n) + " runs)";
    return b;
  }
  return ErrorBand{};
}

std::string residuals_csv(const std::vector<Residual>& residuals) {
  std::ostringstream out;
  out << "file,generation,moe,measured_profile,speed_error\n";
  out.precision(6);
  for (const Residual& r : residuals)
    out << r.file << ',' << r.generation << ',' << (r.moe ? 1 : 0) << ',' << (r.measured_profile ? 1 : 0) << ','
        << r.speed_error << '\n';
  return out.str();
}

std::vector<Residual> parse_residuals_csv(const std::string& text, const std::string& file_for_messages) {
  std::vector<Residual> out;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1 || line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    auto bad = [&](const std::string& why) {
      throw_user_error("malformed residuals row: " + why,
                       ErrorContext{.file = file_for_messages, .line = line_no,
                                    .expected = "file,generation,moe,measured_profile,speed_error"});
    };
    if (cells.size() != 5) bad("expected 5 comma-separated cells");
    Residual r;
    r.file = cells[0];
    r.generation = cells[1];
    if ((cells[2] != "0" && cells[2] != "1") || (cells[3] != "0" && cells[3] != "1")) bad("moe and measured_profile are 0 or 1");
    r.moe = cells[2] == "1";
    r.measured_profile = cells[3] == "1";
    try {
      size_t used = 0;
      r.speed_error = std::stod(cells[4], &used);
      if (used != cells[4].size() || !std::isfinite(r.speed_error) || r.speed_error <= -1) bad("speed_error is a number above -1");
    } catch (const std::logic_error&) {
      bad("speed_error is a number above -1");
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace moeplan
