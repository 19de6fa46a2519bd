// Error bands on a run's headline figures (DESIGN.md, "Error bands"): the validation residuals of the runs most
// like this scenario (same GPU generation, dense or MoE, profile measured or derived; error_band.h widens the
// basis when too few match) turned into P10/P50/P90 of step time, tokens/s, GPU-hours, days and rental cost.
#pragma once

#include <string>
#include <vector>

#include "sim/calib/calibration.h"
#include "sim/spec/scenario.h"
#include "sim/train/run_result.h"
#include "sim/validate/error_band.h"

namespace moeplan {

// The band key of a scenario run on a profile: its GPU's architecture, dense or MoE, profile kind.
BandKey band_key_of(const Scenario& s, const ProfileInfo& profile);

// Bands for `result` from `residuals` (read from `source`, named in the result). A time or cost figure x gets
// [x / p90, x / p50, x / p10] of the speed factors (published over predicted speed), a speed figure
// [x p10, x p50, x p90]. Without residuals the bands stay absent and say why.
ErrorBands error_bands_for(const RunResult& result, const std::vector<Residual>& residuals, const BandKey& key,
                           const std::string& source);

}  // namespace moeplan
