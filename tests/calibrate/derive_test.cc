// Derivation of published profiles: scaling factors act on the right terms and every point is marked.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "calibrate/derive_profile.h"
#include "sim/calib/curve_fit.h"
#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

const GemmCurve* find_curve(const Profile& p, GemmKind k, DType d, Pass pass = Pass::kForward) {
  for (const auto& c : p.gemm_curves)
    if (c.kind == k && c.dtype == d && c.pass == pass) return &c;
  return nullptr;
}

const GemmCurve& curve(const Profile& p, GemmKind k, DType d, Pass pass = Pass::kForward) {
  if (const GemmCurve* c = find_curve(p, k, d, pass)) return *c;
  throw std::runtime_error("missing curve");
}

TEST(DeriveProfiles, ScalesComputeAndBandwidthByTheCitedRatios) {
  const auto profiles = derive_profiles("calibrate/profiles/published/derivations.yaml", "test");
  ASSERT_EQ(profiles.size(), 15u);  // a100-80g, h100-sxm and a800 are not derived from the H800; b200 twice; b300, mi355x, rtx-pro-6000
  const Profile& h800 = profiles[0];
  ASSERT_EQ(h800.header.gpu, "h800-sxm");
  const GemmCurve& base = curve(h800, GemmKind::kDense, DType::kFp8);
  for (const Profile& p : profiles) {
    SCOPED_TRACE(p.header.gpu);
    for (const auto& g : p.gemm_points) {
      const bool anchor = p.header.gpu == "gb200" && g.src.derived.empty();  // its measured point (test below)
      if (!anchor && (p.header.gpu != "h800-sxm" || g.dtype == DType::kBf16)) {
        EXPECT_TRUE(g.src.unverified && !g.src.derived.empty());
      }
    }
    if (p.header.gpu == "rtx-4090") {
      // FP8 FP32-accumulate peak 330.3 vs 1979 (hardware.md §1a, §4), memory 1008 vs 3350 GB/s.
      const GemmCurve& c = curve(p, GemmKind::kDense, DType::kFp8);
      EXPECT_NEAR(c.peak_flops_per_s / base.peak_flops_per_s, 330.3 / 1979, 1e-6);
      EXPECT_NEAR(c.bytes_per_s / base.bytes_per_s, 1008.0 / 3350, 1e-6);
      EXPECT_NEAR(c.overhead_s, base.overhead_s, 1e-12);
    }
    EXPECT_EQ(p.header.provenance, p.header.gpu == "h800-sxm" ? "measured" : "derived");
    if (p.header.gpu != "h800-sxm") {
      EXPECT_EQ(p.header.derived_from, "h800-sxm");
    }
    for (const auto& a : p.attention_points) EXPECT_EQ(a.kernel, AttentionKernel::kFlashMla);
    // Every target carries a launch-overhead measurement: its own die's (RRZE gpu-small-kernels: H200 2.433 us,
    // L40 1.6 us, A40 2.05 us, MI210 1.956 us) or a stated stand-in; none is left at zero.
    EXPECT_TRUE(p.overheads.present);
    const double gap_us = p.overheads.kernel_gap_s * 1e6;
    if (p.header.gpu == "rtx-4090" || p.header.gpu == "l40s") EXPECT_NEAR(gap_us, 1.6, 1e-9);
    if (p.header.gpu == "h200" || p.header.gpu == "b200" || p.header.gpu == "h800-sxm") EXPECT_NEAR(gap_us, 2.433, 1e-9);
    if (p.header.gpu == "mi300x") EXPECT_NEAR(gap_us, 1.956, 1e-9);
    EXPECT_FALSE(p.overheads.src.derived.empty());
  }
  // b200-te.yaml: Transformer Engine's cuBLASLt FP8, whose best shape (MAMF 3432.5 TFLOPS, kernel-rates.md §8.1)
  // stands where DeepGEMM's best H800 point (1520) stands; b200.yaml scales DeepGEMM by the B200/H100 MAMF ratio.
  const Profile* b200 = nullptr;
  const Profile* b200_te = nullptr;
  for (const Profile& p : profiles)
    if (p.header.gpu == "b200") (p.path == "b200-te.yaml" ? b200_te : b200) = &p;
  ASSERT_TRUE(b200 && b200_te);
  EXPECT_NEAR(curve(*b200_te, GemmKind::kDense, DType::kFp8).peak_flops_per_s / base.peak_flops_per_s, 3432.5 / 1520, 1e-6);
  EXPECT_NEAR(curve(*b200, GemmKind::kDense, DType::kFp8).peak_flops_per_s / base.peak_flops_per_s, 3432.5 / 1402.6, 1e-6);
}

TEST(DeriveProfiles, A800CarriesTheMeasuredA100ProfileOverUnchangedButItsLinks) {
  const auto profiles = derive_profiles("calibrate/profiles/published/derivations-a800.yaml", "test");
  ASSERT_EQ(profiles.size(), 1u);
  const Profile& a800 = profiles[0];
  const Profile a100 = read_profile("calibrate/profiles/a100-80g.yaml");
  EXPECT_EQ(a800.header.gpu, "a800");
  EXPECT_EQ(a800.header.provenance, "derived");
  EXPECT_EQ(a800.header.derived_from, "a100-80g");
  for (const auto& c : a800.gemm_curves) EXPECT_EQ(c.dtype, DType::kBf16);  // no FP8 tensor cores
  const GemmCurve& c = curve(a800, GemmKind::kDense, DType::kBf16);
  const GemmCurve& b = curve(a100, GemmKind::kDense, DType::kBf16);
  EXPECT_NEAR(c.peak_flops_per_s / b.peak_flops_per_s, 1.0, 1e-6);
  EXPECT_NEAR(c.bytes_per_s / b.bytes_per_s, 1.0, 1e-6);
  // Attention points keep their kernel, head dim, mask and rate; kernel gaps carry over, marked derived.
  ASSERT_EQ(a800.attention_points.size(), a100.attention_points.size());
  for (size_t i = 0; i < a800.attention_points.size(); ++i) {
    EXPECT_EQ(a800.attention_points[i].kernel, a100.attention_points[i].kernel);
    EXPECT_EQ(a800.attention_points[i].forward_backward, a100.attention_points[i].forward_backward);
    EXPECT_DOUBLE_EQ(a800.attention_points[i].head_dim, a100.attention_points[i].head_dim);
    EXPECT_DOUBLE_EQ(a800.attention_points[i].flops_per_s, a100.attention_points[i].flops_per_s);
  }
  EXPECT_TRUE(a800.overheads.present);
  EXPECT_DOUBLE_EQ(a800.overheads.kernel_gap_s, a100.overheads.kernel_gap_s);
  EXPECT_FALSE(a800.overheads.src.derived.empty());
}

TEST(DeriveProfiles, WeightGradientRatesCarryOnlyWhereTheRecipeNamesThem) {
  // The FP8 weight-gradient points (DeepGEMM PR #95, H800) carry to the SM90 GPUs whose recipe lists
  // `passes: [forward, backward_weight]`, scaled like the forward curve; never to BF16 or other architectures.
  const auto profiles = derive_profiles("calibrate/profiles/published/derivations.yaml", "test");
  const Profile& h800 = profiles[0];
  const GemmCurve& base_w = curve(h800, GemmKind::kDense, DType::kFp8, Pass::kBackwardWeight);
  const GemmCurve& base_f = curve(h800, GemmKind::kDense, DType::kFp8);
  for (const Profile& p : profiles) {
    SCOPED_TRACE(p.header.gpu);
    const std::string& g = p.header.gpu;
    const bool sm90 = g == "h800-sxm" || g == "h200" || g == "h100-pcie" || g == "h20";
    EXPECT_EQ(find_curve(p, GemmKind::kDense, DType::kFp8, Pass::kBackwardWeight) != nullptr, sm90);
    EXPECT_EQ(find_curve(p, GemmKind::kGrouped, DType::kFp8, Pass::kBackwardWeight) != nullptr, sm90);
    EXPECT_EQ(find_curve(p, GemmKind::kDense, DType::kBf16, Pass::kBackwardWeight), nullptr);
    if (!sm90 || g == "h800-sxm") continue;
    // Same compute factor on both kernels: the wgrad/forward peak ratio is the H800's.
    const GemmCurve& w = curve(p, GemmKind::kDense, DType::kFp8, Pass::kBackwardWeight);
    const GemmCurve& f = curve(p, GemmKind::kDense, DType::kFp8);
    EXPECT_NEAR(w.peak_flops_per_s / f.peak_flops_per_s, base_w.peak_flops_per_s / base_f.peak_flops_per_s, 1e-6);
    EXPECT_NEAR(w.bytes_per_s, f.bytes_per_s, 1e-6 * f.bytes_per_s);
  }
}

TEST(DeriveProfiles, AnAnchorMakesTheCurvePassThroughTheMeasuredRate) {
  // GB200's FP8 rate is anchored on Megatron's measured MXFP8 grouped GEMM: 2672 TFLOP/s at K=7168 N=2048
  // (8 groups of 4096 rows). The fitted grouped curve reproduces it, and the measurement is a published point.
  const auto profiles = derive_profiles("calibrate/profiles/published/derivations.yaml", "test");
  const Profile* gb200 = nullptr;
  for (const Profile& p : profiles)
    if (p.header.gpu == "gb200") gb200 = &p;
  ASSERT_NE(gb200, nullptr);
  const GemmShape shape{4096, 2048, 7168, 8};
  const GemmCurve& grouped = curve(*gb200, GemmKind::kGrouped, DType::kFp8);
  EXPECT_NEAR(gemm_flops(shape) / gemm_time_s(grouped, shape) / 1e12, 2672, 2672 * 1e-6);
  int measured = 0;
  for (const GemmPoint& g : gb200->gemm_points)
    if (!g.src.unverified && g.dtype == DType::kFp8) {
      ++measured;
      EXPECT_EQ(g.kind, GemmKind::kGrouped);
      EXPECT_DOUBLE_EQ(g.flops_per_s, 2672e12);
    }
  EXPECT_EQ(measured, 1);
  // Dense FP8 GEMMs take the same compute factor as the grouped curve it was solved on.
  const Profile& h800 = profiles[0];
  const double dense_factor = curve(*gb200, GemmKind::kDense, DType::kFp8).peak_flops_per_s /
                              curve(h800, GemmKind::kDense, DType::kFp8).peak_flops_per_s;
  const double grouped_factor = grouped.peak_flops_per_s / curve(h800, GemmKind::kGrouped, DType::kFp8).peak_flops_per_s;
  EXPECT_NEAR(dense_factor, grouped_factor, 1e-9);
}

// The user Error message of deriving one target `x` from the published H800 base with these `gemm` lines
// ("" when the derivation succeeds).
std::string derive_error_of(const std::string& name, const std::string& gemm_lines) {
  const std::string dir = ::testing::TempDir() + name;
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file("calibrate/profiles/published/deepseek-h800.yaml", dir + "/base.yaml",
                             std::filesystem::copy_options::overwrite_existing);
  std::ofstream(dir + "/recipe.yaml") << R"(base: base.yaml
targets:
  - gpu: x
    device: X
    date: "2025-01-01"
    sources: ["test"]
    attention: {compute: 1, how: same}
    memory: {bandwidth: 1, how: same}
    gemm:
)" << gemm_lines;
  try {
    derive_profiles(dir + "/recipe.yaml", "test");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    return e.what();
  }
  return "";
}

TEST(DeriveProfiles, AnchorAndComputeTogetherIsAUserError) {
  const std::string what = derive_error_of(
      "derive_anchor",
      "      - {dtype: fp8, from: fp8, compute: 2, bandwidth: 1, how: both,\n"
      "         anchor: {op: grouped_gemm, m: 4096, n: 2048, k: 7168, groups: 8, tflops: 2000, source: test}}\n");
  EXPECT_NE(what.find("both `compute` and `anchor`"), std::string::npos) << what;
}

TEST(DeriveProfiles, BadPassesAreUserErrors) {
  for (const char* passes : {"wgrad", "[forward, wgrad]", "[forward, {a: 1}]", "[]"}) {
    SCOPED_TRACE(passes);
    const std::string what = derive_error_of(
        "derive_passes",
        std::string("      - {dtype: fp8, from: fp8, compute: 1, bandwidth: 1, how: same, passes: ") + passes + "}\n");
    EXPECT_NE(what.find("targets[0].gemm[0].passes"), std::string::npos) << what;
    EXPECT_NE(what.find("backward_weight"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace moeplan
