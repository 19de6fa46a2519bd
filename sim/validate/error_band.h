// Error bands: how far off a prediction like this one has been on published runs. The band is the spread of
// the ratio published speed / predicted speed over the validation runs most like the scenario (same GPU
// generation, dense or MoE, profile measured or derived), as P10/P50/P90 factors. It widens its basis one
// criterion at a time (profile kind, then dense/MoE, then generation) until it holds kMinBandRows runs. It
// never moves the point estimate: reports print it beside the prediction.
#pragma once

#include <string>
#include <vector>

#include "sim/validate/validation_run.h"

namespace moeplan {

inline constexpr int kMinBandRows = 6;

// One validation run's residual, as kept in scenarios/validation/residuals.csv.
struct Residual {
  std::string file;
  std::string generation;
  bool moe = false;
  bool measured_profile = false;
  double speed_error = 0;     // predicted speed / published speed - 1
};

struct BandKey {
  std::string generation;
  bool moe = false;
  bool measured_profile = false;
};

// Factors on speed: the published speed was p10..p90 times the predicted one on the basis runs. A time figure's
// band is its prediction divided by these (p90 gives the short end).
struct ErrorBand {
  bool valid = false;
  double p10 = 1, p50 = 1, p90 = 1;
  int n = 0;
  std::string basis;          // which runs: "hopper, dense, profile derived (7 runs)"
};

Residual residual_of(const ValidationRow& row);
// The band for `key` from `residuals`, leaving out the run named `exclude_file` (leave-one-out checks).
ErrorBand band_for(const std::vector<Residual>& residuals, const BandKey& key, const std::string& exclude_file = "");
// Quantile q of sorted values at the Weibull plotting position q (n + 1) (Hyndman and Fan's type 6),
// interpolated between order statistics and clamped to the extremes. With n runs the interval between two such
// quantiles covers the next run with the probability they name, which the usual (n - 1) position does not: on
// a handful of runs it would give bands too narrow to be believed.
double quantile_sorted(const std::vector<double>& sorted, double q);

// residuals.csv: a header line, then file,generation,moe,measured_profile,speed_error per run.
std::string residuals_csv(const std::vector<Residual>& residuals);
// Parses residuals_csv's output; throws a user Error naming the line on a malformed row.
std::vector<Residual> parse_residuals_csv(const std::string& text, const std::string& file_for_messages);

}  // namespace moeplan
