// Error bands on a run's headline figures (see run_bands.h).
#include "sim/validate/run_bands.h"

#include "sim/validate/validation_run.h"

namespace moeplan {
namespace {

// A figure that scales with time (a longer run costs more): the fast end of the speed band gives its P10.
FigureBand time_band(double x, const ErrorBand& b) { return {x / b.p90, x / b.p50, x / b.p10}; }
FigureBand speed_band(double x, const ErrorBand& b) { return {x * b.p10, x * b.p50, x * b.p90}; }

}  // namespace

BandKey band_key_of(const Scenario& s, const ProfileInfo& profile) {
  return BandKey{.generation = s.cluster.gpu.arch, .moe = s.model.is_moe(),
                 .measured_profile = profile_is_measured(profile)};
}

ErrorBands error_bands_for(const RunResult& r, const std::vector<Residual>& residuals, const BandKey& key,
                           const std::string& source) {
  ErrorBands out;
  out.source = source;
  const ErrorBand b = band_for(residuals, key);
  if (!b.valid) {
    out.why_absent = residuals.empty() ? "no validation residuals to draw a band from" : "no validation run to compare with";
    return out;
  }
  out.present = true;
  out.basis = b.basis;
  out.step_time_s = time_band(r.step.time_s, b);
  out.tokens_per_s = speed_band(r.step.tokens_per_s, b);
  out.gpu_hours = time_band(r.cost.gpu_hours, b);
  out.days = time_band(r.cost.wall_clock_days, b);
  out.rental_usd = time_band(r.cost.rental_usd, b);
  return out;
}

}  // namespace moeplan
