// The shipped published profiles: every catalog GPU has one, every point is sourced, the curves are the
// fit of the points, and the H800 profile reproduces DeepGEMM's table (published-numbers.md §4.2).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "sim/calib/curve_fit.h"
#include "sim/calib/profile_calibration.h"
#include "sim/calib/profile_yaml.h"

namespace moeplan {
namespace {

const char* kGpus[] = {"h800-sxm", "h100-sxm", "h100-pcie", "h200",     "h20",      "a100-80g", "a800",
                       "b200",     "gb200",    "rtx-3090",  "rtx-4090", "rtx-5090", "l40s",     "mi300x",
                       "b300",     "mi355x",   "rtx-pro-6000"};

Profile load(const std::string& gpu) { return read_profile("calibrate/profiles/" + gpu + ".yaml"); }

TEST(PublishedProfiles, EveryGpuHasASourcedProfileWithCurves) {
  for (const char* gpu : kGpus) {
    SCOPED_TRACE(gpu);
    const Profile p = load(gpu);
    EXPECT_EQ(p.header.gpu, gpu);
    EXPECT_EQ(p.header.method, "published");
    EXPECT_FALSE(p.header.sources.empty());
    for (const auto& g : p.gemm_points) {
      EXPECT_FALSE(g.src.source.empty());
      if (!g.src.derived.empty()) {
        EXPECT_TRUE(g.src.unverified);
      }
    }
    for (const auto& a : p.attention_points) {
      EXPECT_FALSE(a.src.source.empty());
      EXPECT_TRUE(a.kernel.has_value()) << "attention point at line " << a.src.line << " names no kernel";
    }
    // Measured: DeepSeek's own H800 kernels and the A100 / H100 SXM profiles built from their measurements.
    const std::string g = gpu;
    const bool measured = g == "h800-sxm" || g == "a100-80g" || g == "h100-sxm";
    EXPECT_EQ(p.header.provenance, measured ? "measured" : "derived");
    if (!measured) {
      EXPECT_FALSE(p.header.derived_from.empty());
    }
    for (const auto& c : p.comm_points) EXPECT_FALSE(c.src.source.empty());
    bool bf16 = false;
    for (const auto& c : p.gemm_curves) bf16 = bf16 || c.dtype == DType::kBf16;
    EXPECT_TRUE(bf16);
    EXPECT_GT(p.memory_curve.bytes_per_s, 0);
    EXPECT_FALSE(p.comm_curves.empty());
    EXPECT_FALSE(p.attention_points.empty());
  }
}

TEST(PublishedProfiles, StoredCurvesAreTheFitOfTheStoredPoints) {
  for (const char* gpu : kGpus) {
    SCOPED_TRACE(gpu);
    const Profile stored = load(gpu);
    Profile refit = stored;
    fit_profile(refit);
    ASSERT_EQ(refit.gemm_curves.size(), stored.gemm_curves.size());
    for (size_t i = 0; i < refit.gemm_curves.size(); ++i) {
      const GemmCurve& a = stored.gemm_curves[i];
      const GemmCurve& b = refit.gemm_curves[i];
      for (const GemmShape& s : {GemmShape{64, 4096, 7168, 8}, GemmShape{4096, 7168, 2048, 1}}) {
        EXPECT_NEAR(gemm_time_s(a, s) / gemm_time_s(b, s), 1.0, 1e-4);
      }
      EXPECT_NEAR(a.nrmse, b.nrmse, 1e-4);
    }
  }
}

TEST(H800Profile, ReproducesDeepGemmTableWithinFitError) {
  const Profile p = load("h800-sxm");
  GpuSpec gpu;
  gpu.name = "h800-sxm";
  gpu.peak_fp8_flops = 1979e12;  // hardware.md §1a
  gpu.peak_bf16_flops = 989e12;
  const ProfileCalibration cal(p, gpu);
  // Forward kernels: DeepGEMM README v-Apr; weight-gradient kernels: DeepGEMM PR #95.
  for (Pass pass : {Pass::kForward, Pass::kBackwardWeight})
  for (GemmKind kind : {GemmKind::kDense, GemmKind::kGrouped}) {
    const GemmCurve& c = cal.gemm_curve_for(kind, DType::kFp8, pass);
    ASSERT_EQ(c.pass, pass);
    ASSERT_EQ(c.kind, kind);
    std::printf("H800 FP8 %s %s curve: P %.0f TFLOP/s, B %.0f GB/s, t0 %.2f us, fit error %.1f%% RMS (%d points)\n",
                to_string(kind), to_string(pass), c.peak_flops_per_s / 1e12, c.bytes_per_s / 1e9,
                c.overhead_s * 1e6, 100 * c.nrmse, c.points);
    double sq = 0;
    int n = 0;
    for (const GemmPoint& g : p.gemm_points) {
      if (g.kind != kind || g.dtype != DType::kFp8 || g.pass != pass) continue;
      ASSERT_TRUE(g.src.derived.empty());  // DeepGEMM measurements, not derived
      // The curve of the point's own kind (a masked grouped GEMM with one group is still a grouped kernel).
      const GemmShape shape{g.m, g.n, g.k, g.groups};
      const double pred = gemm_flops(shape) / gemm_time_s(c, shape);
      const double err = pred / g.flops_per_s - 1;  // relative error of rate = -(time error)/(1 + it)
      const double time_err = g.flops_per_s / pred - 1;
      std::printf("  m %5.0f n %5.0f k %5.0f groups %d: DeepGEMM %5.0f  curve %5.0f TFLOPS  (%+.1f%%)\n", g.m, g.n,
                  g.k, g.groups, g.flops_per_s / 1e12, pred / 1e12, 100 * err);
      // Within three times the reported RMS fit error, point by point.
      EXPECT_LE(std::fabs(time_err), 3 * c.nrmse);
      sq += time_err * time_err;
      ++n;
    }
    if (pass == Pass::kForward) ASSERT_EQ(n, kind == GemmKind::kDense ? 18 : 10);
    else ASSERT_EQ(n, kind == GemmKind::kDense ? 9 : 5);
    // The reported fit error is the RMS of exactly these per-point time errors.
    EXPECT_NEAR(std::sqrt(sq / n), c.nrmse, 1e-4);
    EXPECT_LT(c.nrmse, 0.15);
  }
}

TEST(H100TeProfile, GemmsAreCublasLtRatesAndCurvesAreTheFit) {
  // Megatron's Transformer Engine runs cuBLASLt GEMMs. BF16: the same torch.mm / MAMF measurements as
  // h100-sxm.yaml (cuBLAS). FP8: MAMF's cuBLASLt best shape, 1402.6 TFLOPS at 1024x9216x14336 (kernel-rates.md
  // §3.1), with the shape dependence of DeepGEMM's H800 tables scaled to it. Attention, memory and links are
  // h100-sxm's.
  const Profile te = read_profile("calibrate/profiles/h100-sxm-te.yaml");
  EXPECT_EQ(te.header.gpu, "h100-sxm");
  EXPECT_EQ(te.header.provenance, "measured");
  GpuSpec gpu;
  gpu.name = "h100-sxm";
  const auto deepgemm = load_calibration("calibrate/profiles/h100-sxm.yaml", gpu);
  const auto cublas = load_calibration("calibrate/profiles/h100-sxm-te.yaml", gpu);
  const GemmShape mamf{1024, 9216, 14336, 1};
  const auto& te_cal = dynamic_cast<const ProfileCalibration&>(*cublas);
  const double fp8 = cublas->gemm_flops_per_s(mamf, DType::kFp8);
  EXPECT_NEAR(1402.6e12 / fp8 - 1, 0, 3 * te_cal.gemm_curve_for(GemmKind::kDense, DType::kFp8).nrmse);
  // DeepGEMM's best shape runs slower through cuBLASLt: by MAMF's best over DeepGEMM's best at most (the MAMF
  // point itself pulls the fit up a little).
  const GemmShape best{4096, 7168, 16384, 1};
  const double ratio = cublas->gemm_flops_per_s(best, DType::kFp8) / deepgemm->gemm_flops_per_s(best, DType::kFp8);
  EXPECT_GT(ratio, 1402.6 / 1520 - 0.01);
  EXPECT_LT(ratio, 1.0);
  EXPECT_NEAR(cublas->gemm_flops_per_s(best, DType::kBf16) / deepgemm->gemm_flops_per_s(best, DType::kBf16), 1.0,
              1e-9);
  for (AttentionKernel k : {AttentionKernel::kUnfused, AttentionKernel::kFa2, AttentionKernel::kFa3}) {
    for (Pass pass : {Pass::kForward, Pass::kBackwardInput}) {
      const AttentionQuery q{pass, DType::kBf16, 4096, k, 128, true};
      EXPECT_DOUBLE_EQ(cublas->attention_rate(q).flops_per_s, deepgemm->attention_rate(q).flops_per_s);
    }
  }
}

TEST(PublishedProfiles, NoGemmBeatsTheBestMeasuredPoint) {
  // The H100 BF16 fit's peak (about 827 TFLOPS) lies above every measurement; torch.mm's best, 797.51 TFLOPS at
  // 8192^3 (kernel-rates.md §3.1), bounds every shape. Large Megatron GEMMs (GPT-177B's TP8 MLP, a 4096 x 6144
  // x 12288 qkv) therefore run at that bound, not above it.
  GpuSpec gpu;
  gpu.name = "h100-sxm";
  const auto te = load_calibration("calibrate/profiles/h100-sxm-te.yaml", gpu);
  for (const GemmShape& s : {GemmShape{4096, 6144, 12288, 1}, GemmShape{4096, 12288, 6144, 1},
                             GemmShape{16384, 16384, 16384, 1}}) {
    const double rate = te->gemm_flops_per_s(s, DType::kBf16);
    std::printf("h100-sxm-te BF16 %gx%gx%g: %.1f TFLOPS\n", s.m, s.n, s.k, rate / 1e12);
    EXPECT_LE(rate, 797.51e12 * (1 + 1e-9));
  }
  const auto& cal = dynamic_cast<const ProfileCalibration&>(*te);
  EXPECT_GT(cal.gemm_curve_for(GemmKind::kDense, DType::kBf16).peak_flops_per_s, 797.51e12);  // why the bound matters
  // FP8 through cuBLASLt: MAMF's best shape bounds every shape.
  EXPECT_LE(te->gemm_flops_per_s(GemmShape{8192, 8192, 8192, 1}, DType::kFp8), 1402.6e12 * (1 + 1e-6));
}

TEST(H800Profile2024, PointsAreTheCutlassBaselineDeepGemmReports) {
  // DeepGEMM's first README (v-Feb, published-numbers.md §4.2) prints each shape's TFLOPS and its speedup
  // over DeepSeek's in-house CUTLASS 3.6 kernels; the 2024 profile's points are the quotient.
  const Profile p = read_profile("calibrate/profiles/h800-sxm-2024.yaml");
  EXPECT_EQ(p.header.gpu, "h800-sxm");
  struct Row { double m, n, k; int groups; double tflops, speedup; };
  const Row rows[] = {{4096, 7168, 16384, 1, 1358, 1.2}, {4096, 24576, 1536, 1, 990, 1.0},
                      {128, 4096, 7168, 1, 533, 2.0},    {8192, 4096, 7168, 4, 1297, 1.2}};
  for (const Row& r : rows) {
    bool found = false;
    for (const GemmPoint& g : p.gemm_points) {
      if (g.dtype != DType::kFp8 || g.m != r.m || g.n != r.n || g.k != r.k || g.groups != r.groups) continue;
      EXPECT_NEAR(g.flops_per_s / 1e12 / (r.tflops / r.speedup), 1.0, 1e-3) << r.m << "x" << r.n << "x" << r.k;
      found = true;
    }
    EXPECT_TRUE(found) << r.m << "x" << r.n << "x" << r.k;
  }
  // Slower than the DeepGEMM v-Apr default at the large training shapes (speedups 1.2-1.4x).
  GpuSpec gpu;
  gpu.name = "h800-sxm";
  const auto old_kernels = load_calibration("calibrate/profiles/h800-sxm-2024.yaml", gpu);
  const auto current = load_calibration("calibrate/profiles/h800-sxm.yaml", gpu);
  const GemmShape big{4096, 7168, 16384, 1};
  const double ratio = current->gemm_flops_per_s(big, DType::kFp8) / old_kernels->gemm_flops_per_s(big, DType::kFp8);
  std::printf("4096x7168x16384 FP8: DeepGEMM v-Apr profile / 2024 profile = %.2f\n", ratio);
  EXPECT_GT(ratio, 1.1);
  EXPECT_LT(ratio, 1.6);
}

TEST(H800Profile, SmallTokenGemmsAreMuchLessEfficient) {
  const Profile p = load("h800-sxm");
  GpuSpec gpu;
  gpu.name = "h800-sxm";
  gpu.peak_fp8_flops = 1979e12;
  const ProfileCalibration cal(p, gpu);
  // Every DeepGEMM dense shape: m = 64 and 128 at least 2x below m = 4096 (the table itself shows 3-6x).
  for (const GemmPoint& g : p.gemm_points) {
    if (g.kind != GemmKind::kDense || g.m != 4096 || g.dtype != DType::kFp8) continue;
    const double big = cal.gemm_flops_per_s({4096, g.n, g.k, 1}, DType::kFp8);
    for (double m : {64.0, 128.0}) {
      const double small = cal.gemm_flops_per_s({m, g.n, g.k, 1}, DType::kFp8);
      std::printf("n %5.0f k %5.0f: m=%4.0f %4.0f TFLOPS vs m=4096 %4.0f (%.1fx)\n", g.n, g.k, m, small / 1e12,
                  big / 1e12, big / small);
      EXPECT_GE(big / small, 2.0);
    }
  }
  // Per-expert grouped GEMMs of DeepSeek-V3 (8 experts per GPU, gate_up 4096x7168, down 7168x2048).
  for (const GemmShape& s : {GemmShape{0, 4096, 7168, 8}, GemmShape{0, 7168, 2048, 8}}) {
    GemmShape big = s, small = s;
    big.m = 4096;
    for (double m : {64.0, 128.0}) {
      small.m = m;
      const double ratio = cal.gemm_flops_per_s(big, DType::kFp8) / cal.gemm_flops_per_s(small, DType::kFp8);
      std::printf("experts n %5.0f k %5.0f: %3.0f tokens/expert is %.1fx slower per FLOP than 4096\n", s.n, s.k,
                  m, ratio);
      EXPECT_GE(ratio, 2.0);
    }
  }
}

TEST(PublishedProfiles, OrderingFollowsHardware) {
  // Same shape on different GPUs: B200 > H200 >= H100 = H800 > RTX 4090 for FP8; A100 runs FP8 as BF16.
  auto rate = [](const char* name, DType dt, bool has_fp8) {
    GpuSpec gpu;
    gpu.name = name;
    gpu.peak_fp8_flops = has_fp8 ? 1 : 0;
    const ProfileCalibration cal(load(name), gpu);
    return cal.gemm_flops_per_s({4096, 7168, 2048, 1}, dt);
  };
  EXPECT_GT(rate("b200", DType::kFp8, true), rate("h200", DType::kFp8, true));
  // B300's own MAMF FP8 best (3353.3) sits just under B200's (3432.5): Blackwell Ultra adds FP4, not FP8 rate.
  EXPECT_LT(rate("b300", DType::kFp8, true), rate("b200", DType::kFp8, true));
  EXPECT_GT(rate("b300", DType::kFp8, true), 0.95 * rate("b200", DType::kFp8, true));
  EXPECT_GT(rate("mi355x", DType::kBf16, true), 1.7 * rate("mi300x", DType::kBf16, true));  // peak 2300 vs 1307
  EXPECT_GT(rate("rtx-pro-6000", DType::kBf16, true), rate("rtx-5090", DType::kBf16, true));
  EXPECT_GE(rate("h200", DType::kFp8, true), rate("h100-sxm", DType::kFp8, true));
  EXPECT_NEAR(rate("h100-sxm", DType::kFp8, true) / rate("h800-sxm", DType::kFp8, true), 1.0, 1e-4);
  EXPECT_GT(rate("h800-sxm", DType::kFp8, true), 4 * rate("rtx-4090", DType::kFp8, true));
  EXPECT_DOUBLE_EQ(rate("a100-80g", DType::kFp8, false), rate("a100-80g", DType::kBf16, false));
  EXPECT_GT(rate("h800-sxm", DType::kFp8, true), 1.5 * rate("h800-sxm", DType::kBf16, true));
}

}  // namespace
}  // namespace moeplan
