// Request streams for the request-level simulation: Poisson arrivals with sampled prompt/output lengths
// (Rng::exponential, Rng::lognormal: platform-independent), or a CSV trace.
#pragma once

#include <string>
#include <vector>

#include "sim/infer/serve_scenario.h"
#include "sim/units/random.h"

namespace moeplan {

struct Request {
  double arrival_s = 0;
  int prompt_tokens = 0;
  int output_tokens = 0;
  int hit_tokens = 0;  // prompt tokens found in the prefix cache (not computed)
};

// One length drawn from `d` (>= 1, rounded to the nearest token). Lognormal is parameterised by its mean:
// mu = ln(mean) - sigma^2 / 2.
int sample_length(const LengthDist& d, Rng& rng);

// Poisson arrivals at `rate_per_s` over [0, duration_s).
std::vector<Request> poisson_requests(double rate_per_s, const LengthDist& prompt, const LengthDist& output,
                                      double prefix_hit_fraction, double duration_s, Rng& rng);

// Reads a CSV with a header naming the columns arrival_s, prompt_tokens, output_tokens (any order; other
// columns are errors). Rows must be sorted by arrival. Errors name the file and line.
std::vector<Request> read_trace_csv(const std::string& path, double prefix_hit_fraction);

// The requests a scenario's `arrivals` describe (trace, or Poisson over the scenario's duration).
std::vector<Request> scenario_requests(const ServeScenario& s);

}  // namespace moeplan
