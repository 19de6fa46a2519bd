// Cost model implementation; see cost_model.h for the formulas and their sources.
#include "sim/cost/cost_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "sim/cost/failure_model.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {

double capex_usd_per_gpu(const GpuSpec& gpu, const PriceSpec& price) {
  if (price.capex_usd_per_gpu > 0) return price.capex_usd_per_gpu;
  if (gpu.purchase_usd <= 0) return 0;
  // Epoch [S22]: the rest of the server costs ~1.64x the GPUs; network per endpoint from ISCA'25 Table 3.
  return gpu.purchase_usd * price.server_cost_overhead + price.network_usd_per_gpu;
}

double facility_watts_per_gpu(const GpuSpec& gpu, const PriceSpec& price) {
  // Epoch [S22]: server power = TDP x 1.82 (DGX H100), 75% average draw while training, PUE 1.25.
  return gpu.tdp_w * price.server_power_factor * price.average_utilisation * price.pue;
}

double owned_capex_usd_per_gpu_hour(const GpuSpec& gpu, const PriceSpec& price) {
  // Straight-line depreciation over the server lifetime (5 years for >=2023 hardware, Epoch [S22]).
  return capex_usd_per_gpu(gpu, price) / (price.lifetime_years * units::kHoursPerYear);
}

double owned_power_usd_per_gpu_hour(const GpuSpec& gpu, const PriceSpec& price) {
  return facility_watts_per_gpu(gpu, price) / units::kKilo * price.usd_per_kwh;
}

CostResult compute_cost(double gpu_hours, int n_gpus, const GpuSpec& gpu, const PriceSpec& price) {
  if (!(gpu_hours >= 0) || !std::isfinite(gpu_hours)) {
    throw_user_error("GPU-hours must be a finite non-negative number, got " + std::to_string(gpu_hours),
                     ErrorContext{.key_path = "cost.gpu_hours"});
  }
  if (n_gpus <= 0) {
    throw_user_error("the run needs at least one GPU, got " + std::to_string(n_gpus),
                     ErrorContext{.key_path = "cluster"});
  }
  validate(price);
  if (price.server_power_factor <= 0) {
    throw_user_error("must be positive", ErrorContext{.key_path = "price.server_power_factor"});
  }
  if (price.usd_per_kwh < 0 || price.server_cost_overhead < 0 || price.network_usd_per_gpu < 0 ||
      price.capex_usd_per_gpu < 0) {
    throw_user_error("prices and cost factors must be >= 0", ErrorContext{.key_path = "price"});
  }

  CostResult r;
  r.gpu_hours = gpu_hours;
  r.wall_clock_days = gpu_hours / n_gpus / 24.0;

  r.price_note = price.note;
  if (price.usd_per_gpu_hour > 0) {
    r.usd_per_gpu_hour = price.usd_per_gpu_hour;
    // The loader fills a missing scenario price from the catalog and names it so; only a pinned one is the scenario's.
    r.price_source = price.source.empty()                   ? "scenario price"
                     : price.source.rfind("catalog ", 0) == 0 ? price.source
                                                              : "scenario price: " + price.source;
    r.price_date = price.date;
  } else if (gpu.rental.usd_per_gpu_hour > 0) {
    r.usd_per_gpu_hour = gpu.rental.usd_per_gpu_hour;
    r.price_source = "catalog rental price for " + gpu.name;
    if (!gpu.rental.date.empty()) r.price_source += " (" + gpu.rental.date + ")";
    if (!gpu.rental.source.empty()) r.price_source += ": " + gpu.rental.source;
    r.price_date = gpu.rental.date;
  } else {
    // No rate is "no price", not $0: the dollar figures stay 0 with has_price false, and time and energy
    // (which need no price) are still computed.
    r.price_source = "no price: the catalog has no rental quote for " + gpu.name +
                     " and the scenario gives none (set price.usd_per_gpu_hour)";
  }
  r.rental_usd = r.usd_per_gpu_hour * gpu_hours;
  r.price_age_months = months_between(r.price_date, price.as_of);
  r.price_stale = r.price_age_months > kStalePriceMonths;

  const double capex = capex_usd_per_gpu(gpu, price);
  if (capex <= 0 && price.mode == PriceSpec::Mode::kOwned) {
    throw_user_error("no purchase price for GPU `" + gpu.name + "` to compute owned cost",
                     ErrorContext{.key_path = "price.capex_per_gpu",
                                  .expected = "an all-in capex per GPU such as \"$50k\"",
                                  .hint = "set price.capex_per_gpu or the GPU's purchase price in the catalog"});
  }
  // Energy is reported whatever the price mode: it only needs the TDP.
  r.energy_mwh = facility_watts_per_gpu(gpu, price) * gpu_hours / units::kMega;
  if (capex > 0) {
    r.owned_capex_usd = owned_capex_usd_per_gpu_hour(gpu, price) * gpu_hours;
    r.owned_power_usd = owned_power_usd_per_gpu_hour(gpu, price) * gpu_hours;
    r.owned_usd = r.owned_capex_usd + r.owned_power_usd;
  }
  if (capex > 0) {
    r.owned_capex_outlay_usd = capex * n_gpus;
    r.owned_lifetime_years = price.lifetime_years;
    r.owned_power_usd_per_gpu_hour = owned_power_usd_per_gpu_hour(gpu, price);
    // Per GPU over its lifetime L hours used a share u of the time: owning costs capex + power x u L, renting
    // rate x u L. Owning wins for u > capex / (L (rate - power)), or after capex / (rate - power) hours of use.
    const double margin = r.usd_per_gpu_hour - r.owned_power_usd_per_gpu_hour;
    if (r.usd_per_gpu_hour > 0 && margin > 0) {
      const double lifetime_h = price.lifetime_years * units::kHoursPerYear;
      r.breakeven_utilisation = capex / (lifetime_h * margin);
      r.breakeven_months_full_use = capex / margin / (units::kHoursPerYear / 12.0);
    }
  }
  r.has_price = price.mode == PriceSpec::Mode::kRental ? r.usd_per_gpu_hour > 0 : capex > 0;
  return r;
}

int months_between(const std::string& from, const std::string& as_of) {
  auto parse = [](const std::string& d, int& months) {
    int y = 0, m = 12;
    char dash = 0;
    const int n = std::sscanf(d.c_str(), "%4d%c%2d", &y, &dash, &m);
    if (n == 1 && d.size() == 4) m = 12;  // a year alone: its last month
    else if (n != 3 || dash != '-' || d.size() != 7) return false;
    if (y < 1990 || y > 2200 || m < 1 || m > 12) return false;
    months = y * 12 + (m - 1);
    return true;
  };
  int a = 0, b = 0;
  if (!parse(from, a) || !parse(as_of, b)) return -1;
  return std::max(0, b - a);
}

CostResult include_failures(const CostResult& ff, const GoodputResult& goodput) {
  CostResult r = ff;
  r.failure_free_gpu_hours = ff.gpu_hours;
  r.failure_free_wall_clock_days = ff.wall_clock_days;
  r.failure_free_rental_usd = ff.rental_usd;
  r.failure_free_owned_usd = ff.owned_usd;
  r.failure_free_energy_mwh = ff.energy_mwh;
  r.failures_included = goodput.enabled;
  if (!goodput.enabled || ff.gpu_hours <= 0) return r;
  // Every per-GPU-hour rate (rental, depreciation, power, energy) applies to the overhead hours as well.
  const double scale = (ff.gpu_hours + goodput.extra_gpu_hours) / ff.gpu_hours;
  r.gpu_hours = ff.gpu_hours * scale;
  r.wall_clock_days = goodput.effective_time_fraction > 0 ? ff.wall_clock_days / goodput.effective_time_fraction
                                                          : ff.wall_clock_days;
  r.rental_usd = ff.rental_usd * scale;
  r.owned_usd = ff.owned_usd * scale;
  r.owned_capex_usd = ff.owned_capex_usd * scale;
  r.owned_power_usd = ff.owned_power_usd * scale;
  r.energy_mwh = ff.energy_mwh * scale;
  return r;
}

FailureFactors failure_factors(const FailureSpec& spec, int n_gpus, int gpus_per_node, double checkpoint_bytes) {
  FailureFactors f;
  if (!spec.enabled) return f;
  // compute_goodput's overhead is proportional to the useful GPU-hours (the fractions do not depend on them and
  // the hot spares idle for the elapsed time), so one GPU-hour gives the factor for every run length.
  const GoodputResult g = compute_goodput(spec, n_gpus, gpus_per_node, checkpoint_bytes, 1.0, 0.0);
  f.gpu_hours = 1.0 + g.extra_gpu_hours;
  f.elapsed = 1.0 / g.effective_time_fraction;
  return f;
}

}  // namespace moeplan
