// The validation suite: closed-form FLOPs conventions, every published run scored (prediction, target and error
// printed), leave-one-out coverage of the error bands, and the residuals file the bands ship with.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/units/error.h"
#include "sim/validate/error_band.h"
#include "sim/validate/run_bands.h"
#include "sim/validate/validation_suite.h"

namespace moeplan {
namespace {

const char* kDir = "scenarios/validation";

const ValidationSuite& suite() {
  static const ValidationSuite s = [] {
    const io::Catalog catalog = io::Catalog::load("scenarios/catalog");
    return run_validation_suite(kDir, catalog, "calibrate/profiles");
  }();
  return s;
}

TEST(FlopsConvention, MegatronFormulasInClosedForm) {
  // GPT-3 175B as Narayanan et al. (SC'21) count it: l 96, h 12288, V 51200, s 2048, batch 1536.
  Scenario s;
  s.model.n_layers = 96;
  s.model.hidden = 12288;
  s.model.n_heads = 96;
  s.model.head_dim = 128;
  s.model.vocab = 51200;
  const double base = 1536.0 * 2048 * 96 * 12288.0 * 12288.0;
  const double f21 = convention_flops_per_step(s, FlopsConvention::kMegatron2021, 2048, 1536);
  const double f22 = convention_flops_per_step(s, FlopsConvention::kMegatron2022, 2048, 1536);
  EXPECT_NEAR(f21 / (96 * base), 1 + 2048.0 / (6 * 12288) + 51200.0 / (16 * 96 * 12288.0), 1e-12);
  EXPECT_NEAR(f22 / (72 * base), 1 + 2048.0 / (6 * 12288) + 51200.0 / (12 * 96 * 12288.0), 1e-12);
  // 4.51e18 FLOPs per iteration (the recompute convention counts 4/3 of the model FLOPs' matmul term).
  EXPECT_NEAR(f21 / 1e18, 4.5110, 5e-4);
}

TEST(ValidationSuite, ScoresEveryPublishedRun) {
  const ValidationSuite& s = suite();
  EXPECT_EQ(s.rows.size(), validation_files(kDir).size());
  EXPECT_GE(s.rows.size(), 25u);
  for (const ValidationRow& r : s.rows) {
    std::printf("%-44s %-24s published %10.4g predicted %10.4g error %+6.1f%% (speed %+6.1f%%)\n", r.file.c_str(),
                to_string(r.metric), r.published, r.predicted, 100 * r.error, 100 * r.speed_error);
    EXPECT_TRUE(std::isfinite(r.predicted) && r.predicted > 0) << r.file;
    EXPECT_FALSE(r.source.empty()) << r.file;
  }
  const GroupStats& all = s.groups.front();
  ASSERT_EQ(all.group, "all");
  std::printf("all runs: MAE %.1f%%, bias %+.1f%%, worst %+.1f%% (%s)\n", 100 * all.mae, 100 * all.bias,
              100 * all.worst, all.worst_file.c_str());
  // Regression guard on the suite as a whole (the targets are MAE <= 10%, |bias| <= 5%; README lists where it
  // stands). A change that makes moeplan worse off its anchor fails here.
  EXPECT_LT(all.mae, 0.17);
  EXPECT_LT(std::abs(all.bias), 0.10);
}

TEST(ValidationSuite, DeepSeekV3StaysWithinTenPercent) {
  // DeepSeek-V3 report (arXiv:2412.19437) Table 1: 180K H800 GPU-hours per trillion tokens.
  for (const ValidationRow& r : suite().rows)
    if (r.file == "2024-deepseek-v3-h800-deepseek.yaml") {
      std::printf("DeepSeek-V3: predicted %.0f GPU-hours per 1T tokens, published 180000, error %+.1f%%\n",
                  r.predicted, 100 * r.error);
      EXPECT_LT(std::abs(r.error), 0.10);
      return;
    }
  FAIL() << "the DeepSeek-V3 validation run is missing";
}

TEST(ErrorBands, LeaveOneOutCoverage) {
  std::vector<Residual> residuals;
  for (const ValidationRow& r : suite().rows) residuals.push_back(residual_of(r));
  int covered = 0;
  for (const Residual& r : residuals) {
    const ErrorBand b = band_for(residuals, {r.generation, r.moe, r.measured_profile}, r.file);
    ASSERT_TRUE(b.valid) << r.file;
    const double ratio = 1.0 / (1.0 + r.speed_error);  // published speed / predicted speed
    const bool in = ratio >= b.p10 && ratio <= b.p90;
    covered += in;
    std::printf("%-44s ratio %.3f band [%.3f, %.3f] from %s%s\n", r.file.c_str(), ratio, b.p10, b.p90,
                b.basis.c_str(), in ? "" : "  OUTSIDE");
  }
  const double coverage = static_cast<double>(covered) / residuals.size();
  std::printf("leave-one-out P10-P90 coverage: %d of %zu (%.0f%%)\n", covered, residuals.size(), 100 * coverage);
  // The target is 80%; the suite stands at 75% (21 of 28): the DeepSeek-V3 runs on B200 and on GB200 (the
  // Megatron guide's) are further off than any run like them. This floor keeps it from getting worse.
  EXPECT_GE(coverage, 0.70);
}

TEST(ErrorBands, ShippedResidualsMatchTheSuite) {
  std::ifstream f(std::string(kDir) + "/residuals.csv");
  ASSERT_TRUE(f) << "scenarios/validation/residuals.csv is missing: run `moeplan validate --residuals ...`";
  std::stringstream text;
  text << f.rdbuf();
  const std::vector<Residual> shipped = parse_residuals_csv(text.str(), "residuals.csv");
  ASSERT_EQ(shipped.size(), suite().rows.size());
  for (size_t i = 0; i < shipped.size(); ++i) {
    EXPECT_EQ(shipped[i].file, suite().rows[i].file);
    EXPECT_NEAR(shipped[i].speed_error, suite().rows[i].speed_error, 1e-4)
        << shipped[i].file << ": regenerate scenarios/validation/residuals.csv with `moeplan validate --residuals`";
  }
}

TEST(ErrorBands, QuantilesAndBasisWidening) {
  std::vector<Residual> rs;
  for (int i = 0; i < 10; ++i) rs.push_back({"a" + std::to_string(i), "hopper", false, false, 0.1 * i});
  rs.push_back({"moe", "hopper", true, false, 0.5});
  // Ten dense hopper runs: the band comes from them alone.
  const ErrorBand dense = band_for(rs, {"hopper", false, false});
  EXPECT_EQ(dense.n, 10);
  EXPECT_NEAR(dense.p50, (1 / 1.4 + 1 / 1.5) / 2, 1e-12);
  // Type-6 positions: P10 of ten values sits at 0.1 x 11 = 1.1, a tenth of the way from the first to the second.
  EXPECT_NEAR(dense.p10, 1 / 1.9 + 0.1 * (1 / 1.8 - 1 / 1.9), 1e-12);
  // One MoE run is too few: the basis drops dense/MoE... after the profile kind, and says so.
  const ErrorBand moe = band_for(rs, {"hopper", true, false});
  EXPECT_EQ(moe.n, 11);
  EXPECT_EQ(moe.basis, "hopper (11 runs)");
  EXPECT_LE(moe.p10, moe.p50);
  EXPECT_LE(moe.p50, moe.p90);
}

TEST(ErrorBands, MalformedResidualsNameTheLine) {
  try {
    parse_residuals_csv("file,generation,moe,measured_profile,speed_error\nx,hopper,1,0,abc\n", "r.csv");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.context().line, 2);
    EXPECT_NE(std::string(e.what()).find("speed_error"), std::string::npos);
  }
}

TEST(ErrorBands, RunBandsScaleTimeAndSpeedFiguresOppositeWays) {
  // Ten Hopper dense runs whose published speed was 1/1.0 .. 1/1.9 of the predicted one.
  std::vector<Residual> rs;
  for (int i = 0; i < 10; ++i) rs.push_back({"a" + std::to_string(i), "hopper", false, false, 0.1 * i});
  RunResult r;
  r.step.time_s = 10;
  r.step.tokens_per_s = 1000;
  r.cost.gpu_hours = 500;
  r.cost.wall_clock_days = 2;
  r.cost.rental_usd = 1000;
  const ErrorBands b = error_bands_for(r, rs, {"hopper", false, false}, "residuals.csv");
  ASSERT_TRUE(b.present);
  const ErrorBand f = band_for(rs, {"hopper", false, false});
  EXPECT_NEAR(b.step_time_s.p10, 10 / f.p90, 1e-12);
  EXPECT_NEAR(b.step_time_s.p90, 10 / f.p10, 1e-12);
  EXPECT_NEAR(b.tokens_per_s.p10, 1000 * f.p10, 1e-9);
  EXPECT_NEAR(b.gpu_hours.p50, 500 / f.p50, 1e-9);
  EXPECT_NEAR(b.rental_usd.p90 / b.rental_usd.p10, f.p90 / f.p10, 1e-12);
  // Every run here was slower than predicted, so the whole time band lies above the prediction.
  EXPECT_GE(b.step_time_s.p10, r.step.time_s);
  EXPECT_LE(b.step_time_s.p10, b.step_time_s.p50);
  EXPECT_LE(b.step_time_s.p50, b.step_time_s.p90);
  EXPECT_FALSE(error_bands_for(r, {}, {"hopper", false, false}, "x").present);
}

}  // namespace
}  // namespace moeplan
