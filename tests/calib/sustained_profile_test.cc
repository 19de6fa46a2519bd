// A profile's sustained-load runs: read and written with the other points, rejected when implausible, and
// applied to compute rates only (closed forms below), never to bandwidth, launch overhead or memory-bound ops.
#include <gtest/gtest.h>

#include <string>

#include "sim/calib/curve_fit.h"
#include "profile_error.h"
#include "sim/calib/profile_calibration.h"
#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

const char* kBase = R"(moeplan_profile: 1
header:
  gpu: test-gpu
  device: Test GPU
  date: "2025-01-01"
  method: measured-cuda
  sources: ["unit test"]
gemm:
  - {op: gemm, dtype: fp8, m: 64, n: 4096, k: 7168, tflops: 300, source: "t"}
  - {op: gemm, dtype: fp8, m: 4096, n: 4096, k: 7168, tflops: 1400, source: "t"}
  - {op: gemm, dtype: fp8, m: 128, n: 7168, k: 2048, tflops: 500, source: "t"}
  - {op: gemm, dtype: bf16, m: 64, n: 4096, k: 7168, tflops: 160, source: "t"}
  - {op: gemm, dtype: bf16, m: 4096, n: 4096, k: 7168, tflops: 750, source: "t"}
  - {op: gemm, dtype: bf16, m: 128, n: 7168, k: 2048, tflops: 260, source: "t"}
attention:
  - {pass: forward, tokens: 4096, tflops: 600, source: "t"}
memory:
  - {kernel: copy, gb_per_s: 3000, source: "t"}
comm:
  - {fabric: nvlink, message_bytes: 268435456, efficiency: 0.99, source: "t"}
)";

// BF16 sustained at 0.8 of burst, with the sensor fields a CUDA run writes.
const char* kBf16Run = R"(sustained:
  - {dtype: bf16, m: 8192, n: 8192, k: 8192, seconds: 60, burst_tflops: 750, sustained_tflops: 600, sm_clock_mhz_burst: 1980, sm_clock_mhz_sustained: 1590, power_w: 699, temperature_c: 74, throttle: sw-power-cap, source: "measured: t"}
)";

GpuSpec test_gpu() {
  GpuSpec g;
  g.name = "test-gpu";
  g.peak_fp8_flops = 1979e12;
  g.peak_bf16_flops = 989e12;
  return g;
}

TEST(SustainedProfile, RoundTripKeepsEveryField) {
  const Profile p = parse_profile(std::string(kBase) + kBf16Run, "p.yaml");
  ASSERT_EQ(p.sustained_points.size(), 1u);
  const Profile q = parse_profile(profile_to_yaml(p), "q.yaml");
  ASSERT_EQ(q.sustained_points.size(), 1u);
  const SustainedPoint& s = q.sustained_points[0];
  EXPECT_EQ(s.dtype, DType::kBf16);
  EXPECT_DOUBLE_EQ(s.m, 8192);
  EXPECT_DOUBLE_EQ(s.seconds, 60);
  EXPECT_DOUBLE_EQ(s.burst_flops_per_s, 750e12);
  EXPECT_DOUBLE_EQ(s.sustained_flops_per_s, 600e12);
  EXPECT_DOUBLE_EQ(s.ratio(), 0.8);
  EXPECT_DOUBLE_EQ(s.sm_clock_mhz_burst, 1980);
  EXPECT_DOUBLE_EQ(s.sm_clock_mhz_sustained, 1590);
  EXPECT_DOUBLE_EQ(s.power_w, 699);
  EXPECT_DOUBLE_EQ(s.temperature_c, 74);
  EXPECT_EQ(s.throttle, "sw-power-cap");
  EXPECT_EQ(s.src.source, "measured: t");
}

TEST(SustainedProfile, ImplausibleOrRepeatedRunsAreUserErrors) {
  std::string t = std::string(kBase) + kBf16Run;
  t.replace(t.find("sustained_tflops: 600"), 21, "sustained_tflops: 90");  // 0.12 x burst
  std::string msg = profile_error_of(t);
  EXPECT_NE(msg.find("sustained[0].sustained_tflops"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a plausible sustained rate"), std::string::npos) << msg;
  t = std::string(kBase) + kBf16Run;
  t.replace(t.find("sustained_tflops: 600"), 21, "sustained_tflops: 1000");  // 1.33 x burst
  EXPECT_NE(profile_error_of(t).find("sustained[0].sustained_tflops"), std::string::npos);
  t = std::string(kBase) + kBf16Run + "  " + std::string(kBf16Run).substr(std::string(kBf16Run).find('{') - 2);
  msg = profile_error_of(t);
  EXPECT_NE(msg.find("sustained[1].dtype"), std::string::npos) << msg;
  EXPECT_NE(msg.find("one sustained run per dtype"), std::string::npos) << msg;
  t = std::string(kBase) + kBf16Run;
  t.replace(t.find("power_w"), 7, "power");
  msg = profile_error_of(t);
  EXPECT_NE(msg.find("did you mean `power_w`"), std::string::npos) << msg;
  t = std::string(kBase) + kBf16Run;
  t.replace(t.find("seconds: 60"), 11, "seconds: 0");
  EXPECT_NE(profile_error_of(t).find("sustained[0].seconds"), std::string::npos);
}

TEST(SustainedProfile, SlowsOnlyTheComputeTerm) {
  const ProfileCalibration burst(parse_profile(kBase, "p.yaml"), test_gpu());
  const ProfileCalibration steady(parse_profile(std::string(kBase) + kBf16Run, "p.yaml"), test_gpu());
  EXPECT_DOUBLE_EQ(burst.sustained_factor(DType::kBf16), 1.0);
  EXPECT_DOUBLE_EQ(steady.sustained_factor(DType::kBf16), 0.8);
  // FP8 has no run of its own: the chip's clock limit is taken from the BF16 run.
  EXPECT_DOUBLE_EQ(steady.sustained_factor(DType::kFp8), 0.8);
  EXPECT_NE(steady.info().sustained.find("bf16 0.800"), std::string::npos) << steady.info().sustained;
  EXPECT_TRUE(burst.info().sustained.empty());

  // time = flops / P + bytes / B + t0: only flops / P grows, by 1/0.8. Where the best measured point bounds
  // the curve (no shape beats it), the whole time is that compute bound, and it grows by 1/0.8 too.
  for (const GemmShape& s : {GemmShape{8192, 8192, 8192, 1}, GemmShape{64, 4096, 7168, 1}}) {
    const GemmCurve& c = burst.gemm_curve_for(GemmKind::kDense, DType::kBf16);
    const double burst_t = burst.gemm_time_s(s, DType::kBf16);
    const double steady_t = steady.gemm_time_s(s, DType::kBf16);
    if (burst_t > gemm_time_s(c, s) * (1 + 1e-12)) {
      EXPECT_NEAR(steady_t, burst_t / 0.8, 1e-9 * burst_t);
      continue;
    }
    const double compute = c.peak_flops_per_s > 0 ? gemm_flops(s) / c.peak_flops_per_s : 0;
    EXPECT_NEAR(steady_t - burst_t, compute * (1 / 0.8 - 1), 1e-12 + 1e-9 * compute);
  }
  EXPECT_NEAR(steady.attention_rate(AttentionQuery{Pass::kForward, DType::kBf16, 4096}).flops_per_s, 0.8 * 600e12, 1);
  // Memory-bound ops move bytes at the HBM rate, which the SM clock does not set.
  Op norm;
  norm.cls = OpClass::kMemoryBound;
  norm.bytes = 1e9;
  EXPECT_DOUBLE_EQ(steady.op_time_s(norm, Pass::kForward), burst.op_time_s(norm, Pass::kForward));
}

TEST(SustainedProfile, OwnRunPerDtypeAndNoSpeedUp) {
  // An FP8 run of its own wins over the BF16 one; a ratio above 1 (the first window caught the clock
  // ramping up) is applied as 1, never as a speed-up.
  const std::string fp8_run =
      "  - {dtype: fp8, m: 8192, n: 8192, k: 8192, seconds: 60, burst_tflops: 1300, sustained_tflops: 1365, "
      "source: \"measured: t\"}\n";
  const ProfileCalibration c(parse_profile(std::string(kBase) + kBf16Run + fp8_run, "p.yaml"), test_gpu());
  EXPECT_DOUBLE_EQ(c.sustained_factor(DType::kFp8), 1.0);
  EXPECT_DOUBLE_EQ(c.sustained_factor(DType::kBf16), 0.8);
  EXPECT_DOUBLE_EQ(c.sustained_factor(DType::kFp16), 0.8);
  EXPECT_NE(c.info().sustained.find("fp8 1.000"), std::string::npos) << c.info().sustained;
}

}  // namespace
}  // namespace moeplan
