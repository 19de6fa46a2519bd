// Derivation of published profiles: scaling factors act on the right terms and every point is marked.
#include <gtest/gtest.h>

#include "calibrate/derive_profile.h"
#include "sim/calib/curve_fit.h"

namespace moeplan {
namespace {

const GemmCurve& curve(const Profile& p, GemmKind k, DType d) {
  for (const auto& c : p.gemm_curves)
    if (c.kind == k && c.dtype == d) return c;
  throw std::runtime_error("missing curve");
}

TEST(DeriveProfiles, ScalesComputeAndBandwidthByTheCitedRatios) {
  const auto profiles = derive_profiles("calibrate/profiles/published/derivations.yaml", "test");
  ASSERT_EQ(profiles.size(), 14u);
  const Profile& h800 = profiles[0];
  ASSERT_EQ(h800.header.gpu, "h800-sxm");
  const GemmCurve& base = curve(h800, GemmKind::kDense, DType::kFp8);
  for (const Profile& p : profiles) {
    SCOPED_TRACE(p.header.gpu);
    for (const auto& g : p.gemm_points) {
      if (p.header.gpu != "h800-sxm" || g.dtype == DType::kBf16) {
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
    if (p.header.gpu == "a100-80g") {
      for (const auto& c : p.gemm_curves) EXPECT_EQ(c.dtype, DType::kBf16);  // no FP8 tensor cores
      EXPECT_NEAR(curve(p, GemmKind::kDense, DType::kBf16).peak_flops_per_s / base.peak_flops_per_s, 271 / 1520.0,
                  1e-6);
    }
  }
}

}  // namespace
}  // namespace moeplan
