// Tests of the cost model: rental arithmetic against DeepSeek-V3's Table 1 and the owned-hardware worked
// example of shared/reference/hardware.md §3.
#include "sim/cost/cost_model.h"

#include <cstdio>

#include <gtest/gtest.h>

#include "sim/cost/failure_model.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

GpuSpec h800() {
  GpuSpec g;
  g.name = "h800-sxm";
  g.tdp_w = 700;            // SXM5 board (hardware.md §1b)
  g.purchase_usd = 30000;   // illustrative purchase price for the arithmetic below
  g.rental = PriceQuote{2.0, "2024-12", "DeepSeek-V3 Table 1 assumption"};
  return g;
}

TEST(CostModel, DeepSeekV3RentalMatchesTable1) {
  // DeepSeek-V3 Table 1 (published-numbers.md §1.1): 2,788K H800 GPU-hours at $2/h = $5.576M.
  PriceSpec price;
  price.usd_per_gpu_hour = 2.0;
  const CostResult c = compute_cost(2.788e6, 2048, h800(), price);
  std::printf("DeepSeek-V3 rental: predicted $%.4fM, published $5.576M\n", c.rental_usd / 1e6);
  EXPECT_DOUBLE_EQ(c.rental_usd, 5.576e6);
  EXPECT_DOUBLE_EQ(c.usd_per_gpu_hour, 2.0);
  EXPECT_EQ(c.price_source, "scenario price");
  // Pre-training alone: 2,664K GPU-hours on 2,048 GPUs = 54.2 days (published-numbers.md §1.1 [D]).
  const CostResult pre = compute_cost(2.664e6, 2048, h800(), price);
  EXPECT_NEAR(pre.wall_clock_days, 54.2, 0.05);
  EXPECT_DOUBLE_EQ(pre.rental_usd, 5.328e6);  // Table 1, pre-training column
}

TEST(CostModel, RentalScalesWithPredictedGpuHours) {
  // cost = $5.576M x (predicted / published GPU-hours) for any prediction.
  PriceSpec price;
  price.usd_per_gpu_hour = 2.0;
  for (double predicted : {1.0e6, 2.5e6, 2.788e6, 3.1e6}) {
    const CostResult c = compute_cost(predicted, 2048, h800(), price);
    EXPECT_NEAR(c.rental_usd, 5.576e6 * predicted / 2.788e6, 1e-6);
    EXPECT_DOUBLE_EQ(c.wall_clock_days, predicted / 2048 / 24);
  }
}

TEST(CostModel, CatalogPriceUsedWhenScenarioHasNone) {
  PriceSpec price;  // usd_per_gpu_hour = 0
  const CostResult c = compute_cost(1000, 8, h800(), price);
  EXPECT_DOUBLE_EQ(c.usd_per_gpu_hour, 2.0);
  EXPECT_DOUBLE_EQ(c.rental_usd, 2000);
  EXPECT_NE(c.price_source.find("catalog"), std::string::npos);
  EXPECT_NE(c.price_source.find("2024-12"), std::string::npos);

  GpuSpec unpriced = h800();
  unpriced.rental = PriceQuote{};
  EXPECT_FALSE(compute_cost(1000, 8, unpriced, price).has_price);  // "no price", not an error
  price.mode = PriceSpec::Mode::kOwned;
  const CostResult owned = compute_cost(1000, 8, unpriced, price);
  EXPECT_EQ(owned.rental_usd, 0);
  EXPECT_GT(owned.owned_usd, 0);
}

TEST(CostModel, OwnedH100WorkedExample) {
  // hardware.md §3 worked example: $50k all-in / 5 years = $1.14/GPU-h; power 0.7 kW x 1.82 x 0.75 x 1.25
  // = 1.19 kW x $0.0826/kWh = $0.10/GPU-h (Epoch [S22] defaults, which PriceSpec carries).
  GpuSpec h100 = h800();
  h100.name = "h100-sxm";
  PriceSpec price;
  price.mode = PriceSpec::Mode::kOwned;
  price.capex_usd_per_gpu = 50000;
  EXPECT_NEAR(owned_capex_usd_per_gpu_hour(h100, price), 50000.0 / (5 * 8766.0), 1e-12);
  EXPECT_NEAR(owned_capex_usd_per_gpu_hour(h100, price), 1.14, 0.005);
  EXPECT_NEAR(facility_watts_per_gpu(h100, price), 700 * 1.82 * 0.75 * 1.25, 1e-9);
  EXPECT_NEAR(owned_power_usd_per_gpu_hour(h100, price), 1.194375 * 0.0826, 1e-12);
  EXPECT_NEAR(owned_power_usd_per_gpu_hour(h100, price), 0.10, 0.005);

  // One year of one GPU at 100% utilisation: capex share is exactly 1/5 of $50k.
  const CostResult year = compute_cost(8766, 1, h100, price);
  EXPECT_NEAR(year.owned_capex_usd, 10000, 1e-6);
  EXPECT_NEAR(year.owned_power_usd, 8766 * 1.194375 * 0.0826, 1e-6);
  EXPECT_NEAR(year.owned_usd, year.owned_capex_usd + year.owned_power_usd, 1e-9);
  EXPECT_NEAR(year.energy_mwh, 8766 * 1.194375 / 1000, 1e-9);
  std::printf("H100 owned: $%.3f/GPU-h capex + $%.4f/GPU-h power (worked example: ~$1.14 + ~$0.10)\n",
              owned_capex_usd_per_gpu_hour(h100, price), owned_power_usd_per_gpu_hour(h100, price));
}

TEST(CostModel, CapexFromPurchasePriceWhenNotGiven) {
  // Purchase x 1.64 server overhead (Epoch [S22]) + $4,390 network per endpoint (ISCA'25 Table 3).
  PriceSpec price;
  EXPECT_DOUBLE_EQ(capex_usd_per_gpu(h800(), price), 30000 * 1.64 + 4390);
  price.capex_usd_per_gpu = 42000;
  EXPECT_DOUBLE_EQ(capex_usd_per_gpu(h800(), price), 42000);
  GpuSpec free_gpu = h800();
  free_gpu.purchase_usd = 0;
  EXPECT_DOUBLE_EQ(capex_usd_per_gpu(free_gpu, PriceSpec{}), 0);
  PriceSpec owned;
  owned.mode = PriceSpec::Mode::kOwned;
  EXPECT_THROW(compute_cost(10, 1, free_gpu, owned), Error);
}

TEST(CostModel, DeepSeekV3EnergyAndOwnedCost) {
  // 2.788M H800 GPU-hours with Epoch's defaults: 1.194 kW per GPU at the facility -> 3,330 MWh.
  PriceSpec price;
  price.usd_per_gpu_hour = 2.0;
  const CostResult c = compute_cost(2.788e6, 2048, h800(), price);
  EXPECT_NEAR(c.energy_mwh, 2.788e6 * 1.194375 / 1000, 1e-6);
  const double per_h = (30000 * 1.64 + 4390) / (5 * 8766.0) + 1.194375 * 0.0826;
  EXPECT_NEAR(c.owned_usd, 2.788e6 * per_h, 1e-3);
  std::printf("DeepSeek-V3 owned: $%.3fM, energy %.0f MWh\n", c.owned_usd / 1e6, c.energy_mwh);
}

TEST(CostModel, TotalsIncludeTheFailureOverhead) {
  // 1000 failure-free GPU-hours on 8 GPUs at $2/h with 10% goodput loss and 100 extra GPU-hours: the totals
  // are 1100 GPU-h, 1000/8/24/0.9 days and $2200; the failure-free figures stay beside them.
  PriceSpec price;
  price.usd_per_gpu_hour = 2.0;
  const CostResult ff = compute_cost(1000, 8, h800(), price);
  GoodputResult g;
  g.enabled = true;
  g.effective_time_fraction = 0.9;
  g.extra_gpu_hours = 100;
  const CostResult c = include_failures(ff, g);
  EXPECT_TRUE(c.failures_included);
  EXPECT_DOUBLE_EQ(c.gpu_hours, 1100);
  EXPECT_DOUBLE_EQ(c.wall_clock_days, 1000.0 / 8 / 24 / 0.9);
  EXPECT_DOUBLE_EQ(c.rental_usd, 2200);
  EXPECT_DOUBLE_EQ(c.owned_usd, ff.owned_usd * 1.1);
  EXPECT_DOUBLE_EQ(c.energy_mwh, ff.energy_mwh * 1.1);
  EXPECT_DOUBLE_EQ(c.failure_free_gpu_hours, 1000);
  EXPECT_DOUBLE_EQ(c.failure_free_rental_usd, 2000);
  EXPECT_DOUBLE_EQ(c.failure_free_wall_clock_days, 1000.0 / 8 / 24);
  // Failures off: totals equal the failure-free figures.
  const CostResult off = include_failures(ff, GoodputResult{});
  EXPECT_FALSE(off.failures_included);
  EXPECT_DOUBLE_EQ(off.gpu_hours, 1000);
  EXPECT_DOUBLE_EQ(off.failure_free_gpu_hours, 1000);
}

TEST(CostModel, FailureFactorsScaleAnyRunLength) {
  // The planner's per-GPU-hour factors reproduce compute_goodput for a run of any length (the overhead is
  // linear in the useful GPU-hours), hot spares included.
  FailureSpec spec;
  spec.hot_spare_nodes = 2;
  const FailureFactors f = failure_factors(spec, 2048, 8, 5e12);
  for (double useful : {1e3, 2.6e6}) {
    const GoodputResult g = compute_goodput(spec, 2048, 8, 5e12, useful, 2.0);
    EXPECT_NEAR(f.gpu_hours * useful, useful + g.extra_gpu_hours, 1e-9 * useful);
    EXPECT_NEAR(f.elapsed, 1.0 / g.effective_time_fraction, 1e-12);
  }
  EXPECT_GT(f.gpu_hours, 1.0);
  spec.enabled = false;
  EXPECT_DOUBLE_EQ(failure_factors(spec, 2048, 8, 5e12).gpu_hours, 1.0);
}

TEST(CostModel, NoPriceIsNoPriceAndEnergyNeedsNone) {
  // A GPU with no rental quote and no scenario price: no error, has_price false, dollars 0 meaning "no price";
  // energy is the same as with a price (TDP x server factor x utilisation x PUE x GPU-hours).
  GpuSpec g = h800();
  g.rental = PriceQuote{};
  const CostResult none = compute_cost(1000, 8, g, PriceSpec{});
  EXPECT_FALSE(none.has_price);
  EXPECT_DOUBLE_EQ(none.rental_usd, 0);
  EXPECT_NE(none.price_source.find("no price"), std::string::npos);
  const CostResult priced = compute_cost(1000, 8, h800(), PriceSpec{});
  EXPECT_TRUE(priced.has_price);
  EXPECT_GT(none.energy_mwh, 0);
  EXPECT_DOUBLE_EQ(none.energy_mwh, priced.energy_mwh);
  EXPECT_DOUBLE_EQ(none.energy_mwh, 700 * 1.82 * 0.75 * 1.25 * 1000 / 1e6);
}

TEST(CostModel, PriceAgeAndStaleness) {
  EXPECT_EQ(months_between("2024-12", "2026-12"), 24);
  EXPECT_EQ(months_between("2026-02", "2026-12"), 10);
  EXPECT_EQ(months_between("2025", "2026-12"), 12);  // a year alone counts as its December
  EXPECT_EQ(months_between("", "2026-12"), -1);
  EXPECT_EQ(months_between("2025-03", ""), -1);
  EXPECT_EQ(months_between("March 2025", "2026-12"), -1);
  PriceSpec p;
  p.as_of = "2026-12";
  const CostResult old_quote = compute_cost(1000, 8, h800(), p);  // catalog quote dated 2024-12
  EXPECT_EQ(old_quote.price_date, "2024-12");
  EXPECT_EQ(old_quote.price_age_months, 24);
  EXPECT_TRUE(old_quote.price_stale);
  GpuSpec fresh = h800();
  fresh.rental.date = "2026-06";
  EXPECT_FALSE(compute_cost(1000, 8, fresh, p).price_stale);
  p.as_of.clear();  // not judged
  EXPECT_FALSE(compute_cost(1000, 8, h800(), p).price_stale);
}

TEST(CostModel, OwnedOutlayAndRentVsBuyBreakEven) {
  // H800 at $30k purchase: capex = 30k x 1.64 + 4390 = $53,590 per GPU; power = 700 W x 1.82 x 0.75 x 1.25 =
  // 1194.4 W -> $0.09866/h at $0.0826/kWh. Against $2/h: owning wins after 53590 / (2 - 0.09866) h of use
  // (= 28,185 h, 38.6 months round the clock), i.e. above 28185 / (5 x 8766) = 64.3% utilisation over 5 years.
  PriceSpec price;
  price.usd_per_gpu_hour = 2.0;
  const CostResult c = compute_cost(1000, 2048, h800(), price);
  const double capex = 30000 * 1.64 + 4390;
  const double power_h = 700 * 1.82 * 0.75 * 1.25 / 1000 * 0.0826;
  EXPECT_DOUBLE_EQ(c.owned_capex_outlay_usd, capex * 2048);
  EXPECT_DOUBLE_EQ(c.owned_lifetime_years, 5);
  EXPECT_NEAR(c.owned_power_usd_per_gpu_hour, power_h, 1e-12);
  const double hours = capex / (2.0 - power_h);
  EXPECT_NEAR(c.breakeven_months_full_use, hours / (units::kHoursPerYear / 12), 1e-9);
  EXPECT_NEAR(c.breakeven_utilisation, hours / (5 * units::kHoursPerYear), 1e-12);
  std::printf("H800 rent vs buy at $2/h: owning wins after %.1f months of full use, or above %.1f%% utilisation\n",
              c.breakeven_months_full_use, 100 * c.breakeven_utilisation);
  // No rental rate: no break-even to quote.
  GpuSpec unpriced = h800();
  unpriced.rental = PriceQuote{};
  EXPECT_LT(compute_cost(1000, 8, unpriced, PriceSpec{}).breakeven_utilisation, 0);
}

TEST(CostModel, RejectsBadInput) {
  PriceSpec price;
  price.usd_per_gpu_hour = 2;
  EXPECT_THROW(compute_cost(-1, 8, h800(), price), Error);
  EXPECT_THROW(compute_cost(10, 0, h800(), price), Error);
  price.pue = 0.9;
  EXPECT_THROW(compute_cost(10, 8, h800(), price), Error);
}

}  // namespace
}  // namespace moeplan
