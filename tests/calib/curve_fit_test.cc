// Curve fitting: NNLS exactness, recovery of known GEMM/memory/comm models, dropping non-physical terms.
#include "sim/calib/curve_fit.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/units/error.h"

namespace moeplan {
namespace {

TEST(NnlsSmall, MatchesUnconstrainedWhenFeasible) {
  Eigen::MatrixXd a(4, 2);
  a << 1, 0, 0, 1, 1, 1, 2, 1;
  const Eigen::VectorXd x_true = (Eigen::VectorXd(2) << 0.5, 2.0).finished();
  const Eigen::VectorXd x = nnls_small(a, a * x_true);
  EXPECT_NEAR(x(0), 0.5, 1e-12);
  EXPECT_NEAR(x(1), 2.0, 1e-12);
}

TEST(NnlsSmall, ClampsNegativeComponentToZero) {
  // Unconstrained solution has x1 < 0; NNLS must return x1 = 0 and the best x0 alone.
  Eigen::MatrixXd a(3, 2);
  a << 1, 1, 1, 2, 1, 3;
  const Eigen::VectorXd b = (Eigen::VectorXd(3) << 3, 2, 1).finished();
  const Eigen::VectorXd x = nnls_small(a, b);
  EXPECT_EQ(x(1), 0.0);
  EXPECT_NEAR(x(0), 2.0, 1e-12);  // mean of b
  EXPECT_GE(x(0), 0.0);
}

TEST(GemmFit, RecoversExactModel) {
  // Points generated from P = 1000 TFLOP/s, B = 3000 GB/s, t0 = 2 us must be recovered with zero error.
  GemmCurve truth{GemmKind::kDense, DType::kFp8, 1000e12, 3000e9, 2e-6, 0, 0};
  std::vector<GemmPoint> pts;
  for (double m : {64.0, 128.0, 1024.0, 4096.0})
    for (double n : {2048.0, 7168.0})
      for (double k : {512.0, 7168.0}) {
        GemmPoint p;
        p.dtype = DType::kFp8;
        p.m = m, p.n = n, p.k = k;
        const GemmShape s{m, n, k, 1};
        p.flops_per_s = gemm_flops(s) / gemm_time_s(truth, s);
        pts.push_back(p);
      }
  const GemmCurve c = fit_gemm_curve(pts, GemmKind::kDense, DType::kFp8);
  EXPECT_NEAR(c.peak_flops_per_s / 1e12, 1000, 1e-6);
  EXPECT_NEAR(c.bytes_per_s / 1e9, 3000, 1e-6);
  EXPECT_NEAR(c.overhead_s * 1e6, 2.0, 1e-9);
  EXPECT_LT(c.nrmse, 1e-9);
  EXPECT_EQ(c.points, 16);
}

TEST(GemmFit, ImposedBandwidthLeavesComputeAndOverheadToTheFit) {
  // Weight-gradient tables have no bandwidth-bound point; with B imposed the other terms are still exact.
  GemmCurve truth{GemmKind::kDense, DType::kFp8, 1100e12, 3000e9, 10e-6, 0, 0, Pass::kBackwardWeight};
  std::vector<GemmPoint> pts;
  for (double m : {512.0, 2048.0, 7168.0})
    for (double k : {4096.0, 8192.0}) {
      GemmPoint p;
      p.dtype = DType::kFp8;
      p.pass = Pass::kBackwardWeight;
      p.m = m, p.n = 7168, p.k = k;
      const GemmShape s{m, 7168, k, 1};
      p.flops_per_s = gemm_flops(s) / gemm_time_s(truth, s);
      pts.push_back(p);
    }
  const std::vector<GemmCurve> c = fit_gemm_curves(pts, DType::kFp8, Pass::kBackwardWeight, 3000e9);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].pass, Pass::kBackwardWeight);
  EXPECT_NEAR(c[0].peak_flops_per_s / 1e12, 1100, 1e-6);
  EXPECT_DOUBLE_EQ(c[0].bytes_per_s, 3000e9);
  EXPECT_NEAR(c[0].overhead_s * 1e6, 10.0, 1e-9);
  EXPECT_LT(c[0].nrmse, 1e-9);
  // Forward points are not weight-gradient points.
  EXPECT_THROW(fit_gemm_curves(pts, DType::kFp8, Pass::kForward), Error);
}

TEST(GemmFit, SinglePointGivesComputeOnlyCurve) {
  GemmPoint p;
  p.dtype = DType::kBf16;
  p.m = p.n = p.k = 8192;
  p.flops_per_s = 794.5e12;
  const GemmCurve c = fit_gemm_curve({p}, GemmKind::kDense, DType::kBf16);
  EXPECT_NEAR(c.peak_flops_per_s, 794.5e12, 1e3);
  EXPECT_EQ(c.bytes_per_s, 0.0);
  EXPECT_EQ(c.overhead_s, 0.0);
}

TEST(GemmFit, NoPointsIsUserError) {
  EXPECT_THROW(fit_gemm_curve({}, GemmKind::kGrouped, DType::kFp8), Error);
}

TEST(GemmBytes, CountsInputsInDtypeAndBf16Output) {
  // (m k + n k) in_bytes + m n 2, per group: 64x2112x7168 FP8 = 15.9 MB, DeepGEMM's 1688 GB/s at 206 TFLOPS.
  const GemmShape s{64, 2112, 7168, 1};
  EXPECT_DOUBLE_EQ(gemm_bytes(s, DType::kFp8), (64.0 * 7168 + 2112.0 * 7168) * 1 + 64.0 * 2112 * 2);
  const double t = gemm_flops(s) / 206e12;
  EXPECT_NEAR(gemm_bytes(s, DType::kFp8) / t / 1e9, 1688, 10);  // published-numbers.md §4.2
  // Grouped: every group reads its own activations and weights and writes its own output.
  EXPECT_DOUBLE_EQ(gemm_bytes({64, 2112, 7168, 4}, DType::kBf16), 4 * gemm_bytes(s, DType::kBf16));
}

TEST(MemoryFit, SeparatesBandwidthAndOverhead) {
  std::vector<MemoryPoint> pts;
  for (double bytes : {1e6, 1e7, 1e8}) {
    MemoryPoint m;
    m.bytes = bytes;
    m.bytes_per_s = bytes / (bytes / 2e12 + 5e-6);
    pts.push_back(m);
  }
  const MemoryCurve c = fit_memory_curve(pts);
  EXPECT_NEAR(c.bytes_per_s / 1e9, 2000, 1e-6);
  EXPECT_NEAR(c.overhead_s * 1e6, 5, 1e-9);
}

TEST(CommFit, AlphaBetaEfficiency) {
  std::vector<CommPoint> pts;
  const double half = 174e3;  // 3.7 us x 47 GB/s
  for (double s : {65536.0, 1048576.0, 268435456.0}) {
    CommPoint p;
    p.fabric = FabricKind::kInfiniband;
    p.message_bytes = s;
    p.efficiency = s / (s + half);
    pts.push_back(p);
  }
  const CommCurve c = fit_comm_curve(pts, FabricKind::kInfiniband);
  EXPECT_NEAR(c.half_bytes, half, 1e-3);
  EXPECT_NEAR(c.inv_peak, 1.0, 1e-9);
  EXPECT_NEAR(comm_efficiency(c, half), 0.5, 1e-9);
  EXPECT_NEAR(comm_efficiency(c, 1e12), 1.0, 1e-6);
  EXPECT_LE(comm_efficiency(c, 1e15), 1.0);
}

}  // namespace
}  // namespace moeplan
