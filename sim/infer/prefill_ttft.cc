// Prefill TTFT queueing model; the derivation is in prefill_ttft.h.
#include "sim/infer/prefill_ttft.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

// The affine step line T = a + b X and the busy cycle it gives at the unit's arrival rate.
struct Cycle {
  bool stable = false;
  double a = 0, b = 0;       // step time at zero tokens, seconds per computed token
  double rho_m = 0;          // lambda b m: the per-token part of the load
  double mean_s = 0;         // E[T]
  double var_s2 = 0;         // Var[T]
  double mean_requests = 0;  // E[n]
  double p_empty = 0;        // P0: no arrival during a step
};

double computed_mean(const PrefillLoad& l) { return std::max(1.0, (1.0 - l.hit_fraction) * l.prompt_mean); }

Cycle busy_cycle(const PrefillLoad& load, const PrefillUnit& unit, double lambda) {
  Cycle c;
  const double h = load.hit_fraction;
  const double m = computed_mean(load);
  const double x2 = std::max(m * m, (1.0 - h) * (1.0 - h) * load.prompt_second_moment);
  const double t1 = unit.step_s(m);
  double x_op = 2.0 * m;
  // The line goes through a lone mean request and the operating batch; the operating batch depends on the
  // line, so iterate (the step curve is nearly affine: a few rounds settle it).
  for (int round = 0; round < 8; ++round) {
    const double x_hi = std::max(x_op, 2.0 * m);
    c.b = std::max(0.0, (unit.step_s(x_hi) - t1) / (x_hi - m));
    c.a = std::max(0.0, t1 - c.b * m);
    c.rho_m = lambda * c.b * m;
    if (c.rho_m >= 1.0) return c;
    // E[T] solves T = a + b m (lambda T + exp(-lambda T)); the right side grows slower than T (slope
    // <= rho_m < 1), so bisection between 0 and (a + b m) / (1 - rho_m) finds the one root.
    double lo = 0.0, hi = (c.a + c.b * m) / (1.0 - c.rho_m);
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
      const double mid = 0.5 * (lo + hi);
      const double g = mid - c.a - c.b * m * (lambda * mid + std::exp(-lambda * mid));
      (g < 0 ? lo : hi) = mid;
    }
    c.mean_s = 0.5 * (lo + hi);
    c.p_empty = std::exp(-lambda * c.mean_s);
    c.mean_requests = lambda * c.mean_s + c.p_empty;
    const double x_new = m * c.mean_requests;
    const bool settled = std::abs(x_new - x_op) <= 1e-9 * x_op;
    x_op = x_new;
    if (settled) break;
  }
  // Var[n] = E[Var(n | T)] + Var(lambda T) with T = a + b X: the busy chain's stationary variance.
  c.var_s2 = c.b * c.b * lambda * x2 * c.mean_s / (1.0 - c.rho_m * c.rho_m);
  c.stable = true;
  return c;
}

struct Moments {
  double mean = 0, var = 0;
};

// TTFT of a request that finds its unit idle: its own step and handoff.
Moments lone_request(const PrefillLoad& load, const PrefillUnit& unit, const Cycle& c) {
  const double h = load.hit_fraction;
  const double var_p = std::max(0.0, load.prompt_second_moment - load.prompt_mean * load.prompt_mean);
  const double beta = c.b * (1.0 - h) + unit.handoff_s_per_token;  // own cost per prompt token
  return Moments{c.a + beta * load.prompt_mean + unit.handoff_latency_s, beta * beta * var_p};
}

}  // namespace

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw_internal_error("normal_quantile: percentile must be in (0, 1)");
  const double q = p < 0.5 ? p : 1.0 - p;  // upper-tail probability of |z|
  const double t = std::sqrt(-2.0 * std::log(q));
  const double z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                           (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  return p < 0.5 ? -z : z;
}

double gamma_quantile(double mean, double sd, double percentile) {
  if (!(sd > 1e-12 * std::max(1e-300, mean))) return mean;
  const double k = (mean / sd) * (mean / sd);
  const double w = 1.0 / (9.0 * k);
  const double base = 1.0 - w + normal_quantile(percentile) * std::sqrt(w);
  return base <= 0 ? 0.0 : mean * base * base * base;
}

TtftPrediction predict_ttft(const PrefillLoad& load, const PrefillUnit& unit, int units, double percentile) {
  if (units < 1) throw_internal_error("predict_ttft: units must be >= 1");
  if (!unit.step_s) throw_internal_error("predict_ttft: step-time callback missing");
  TtftPrediction r;
  r.percentile = percentile;
  r.quantile_s = r.mean_s = std::numeric_limits<double>::infinity();
  const double lambda = load.rate_per_s / units;
  const double m = computed_mean(load);
  const double budget = std::max(unit.budget_tokens, m);
  r.utilisation = lambda * m * unit.step_s(budget) / budget;
  if (r.utilisation >= 1.0) return r;
  const Cycle c = busy_cycle(load, unit, lambda);
  if (!c.stable) return r;
  r.stable = true;
  r.mean_batch_requests = c.mean_requests;
  r.mean_step_s = c.mean_s;
  r.idle_share = c.p_empty / c.mean_requests;

  const Moments idle = lone_request(load, unit, c);
  // The interval between pickups that a request arrives in (length-biased), its first two moments.
  double ei = 0, ei2 = 0;
  if (units == 1) {
    // One unit: the interval is the unit's own step. With T ~ Gamma(k, theta) the length-biased step is
    // Gamma(k + 1, theta): E = E[T] (1 + cv^2), E[X^2] = E[T]^2 (1 + cv^2)(1 + 2 cv^2).
    const double cv2 = c.var_s2 / (c.mean_s * c.mean_s);
    ei = c.mean_s * (1.0 + cv2);
    ei2 = c.mean_s * c.mean_s * (1.0 + cv2) * (1.0 + 2.0 * cv2);
  } else {
    // Several units: pickups are the superposition of `units` cycles of E[T] at independent uniform phases,
    // so intervals are E[T] x Beta(1, units - 1): length-biased moments 2 E[T] / (u + 1) and
    // 6 E[T]^2 / ((u + 1)(u + 2)). The variance of a unit's own step is not added on top: in the shared
    // FIFO a unit that took a larger batch returns later and the next pickups take less, so the phases
    // carry the variability (the simulation agrees; adding it overstates the p90 by 15-25 %).
    const double u = units;
    ei = 2.0 * c.mean_s / (u + 1.0);
    ei2 = 6.0 * c.mean_s * c.mean_s / ((u + 1.0) * (u + 2.0));
  }
  const double var_i = std::max(0.0, ei2 - ei * ei);
  // Batch-mates: everyone arriving in that interval, at the pool's rate. Each adds its computed tokens to
  // the step and, on average, half of a 1/R share of its handoff ahead on the rank.
  const double rate = load.rate_per_s;
  const double gamma = c.b * (1.0 - load.hit_fraction) + unit.handoff_s_per_token / (2.0 * unit.ranks);
  const double ey = gamma * load.prompt_mean, ey2 = gamma * gamma * load.prompt_second_moment;
  const double slope = 0.5 + rate * ey;  // d E[TTFT | I] / dI: the residual half plus the mates' work
  const Moments busy{ei * slope + idle.mean, slope * slope * var_i + ei2 / 12.0 + rate * ey2 * ei + idle.var};
  const double q = r.idle_share;
  r.mean_s = q * idle.mean + (1.0 - q) * busy.mean;
  const double second = q * (idle.var + idle.mean * idle.mean) + (1.0 - q) * (busy.var + busy.mean * busy.mean);
  r.sd_s = std::sqrt(std::max(0.0, second - r.mean_s * r.mean_s));
  r.quantile_s = gamma_quantile(r.mean_s, r.sd_s, percentile);
  return r;
}

double empty_pool_ttft_s(const PrefillLoad& load, const PrefillUnit& unit) {
  return unit.step_s(computed_mean(load)) + unit.handoff_s_per_token * load.prompt_mean + unit.handoff_latency_s;
}

double empty_pool_ttft_quantile_s(const PrefillLoad& load, const PrefillUnit& unit, double percentile) {
  const Cycle c = busy_cycle(load, unit, 0.0);  // the line through a lone request; no load
  const Moments lone = lone_request(load, unit, c);
  return gamma_quantile(lone.mean, std::sqrt(lone.var), percentile);
}

int units_for_ttft(const PrefillLoad& load, const PrefillUnit& unit, double percentile, double slo_s, int min_units) {
  const double floor_s = empty_pool_ttft_quantile_s(load, unit, percentile);
  const std::string pct = fmt::format("p{:g}", 100.0 * percentile);
  if (floor_s > slo_s) {
    const double m = computed_mean(load);
    throw_user_error("the TTFT objective " + units::format_duration(slo_s) + " (" + pct +
                         ") is out of reach: the minimum achievable TTFT is " + units::format_duration(floor_s) +
                         ", what even an empty prefill pool takes (a lone prompt's prefill step " +
                         units::format_duration(unit.step_s(m)) + " + its KV handoff " +
                         units::format_duration(unit.handoff_s_per_token * load.prompt_mean + unit.handoff_latency_s) +
                         ")",
                     ErrorContext{.key_path = "slo.ttft",
                                  .expected = "at least " + units::format_duration(floor_s),
                                  .hint = "shorter prompts, more prefix-cache hits or faster GPUs lower the minimum"});
  }
  auto meets = [&](int n) { return predict_ttft(load, unit, n, percentile).quantile_s <= slo_s; };
  int lo = std::max(1, min_units);
  if (meets(lo)) return lo;
  // The prediction falls towards the empty-pool value as units grow: double, then bisect.
  constexpr int kMaxUnits = 1 << 30;
  int hi = lo;
  while (!meets(hi)) {
    if (hi >= kMaxUnits / 2)
      throw_user_error("the TTFT objective " + units::format_duration(slo_s) + " (" + pct +
                           ") is too close to the empty-pool minimum " + units::format_duration(floor_s) +
                           " to be met by any pool size",
                       ErrorContext{.key_path = "slo.ttft", .expected = "a looser TTFT objective"});
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    (meets(mid) ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace moeplan
