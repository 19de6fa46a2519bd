// Profile files are user input: round trip, fitting on load, and positioned errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "profile_error.h"
#include "sim/calib/profile_calibration.h"
#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

const char* kMinimal = R"(moeplan_profile: 1
header:
  gpu: test-gpu
  device: Test GPU
  date: "2025-01-01"
  method: measured-cpu
  sources: ["unit test"]
gemm:
  - {op: gemm, dtype: fp8, m: 64, n: 4096, k: 7168, tflops: 300, source: "t"}
  - {op: gemm, dtype: fp8, m: 4096, n: 4096, k: 7168, tflops: 1400, source: "t"}
  - {op: gemm, dtype: fp8, m: 128, n: 7168, k: 2048, tflops: 500, source: "t"}
attention:
  - {pass: forward, tokens: 1, tflops: 600, source: "t"}
  - {pass: forward, tokens: 4096, tflops: 700, source: "t", derived: "by hand"}
memory:
  - {kernel: copy, gb_per_s: 3000, source: "t"}
comm:
  - {fabric: nvlink, message_bytes: 65536, efficiency: 0.2, source: "t"}
  - {fabric: nvlink, message_bytes: 268435456, efficiency: 0.99, source: "t"}
)";

TEST(ProfileLoader, FitsCurvesWhenFileHasNone) {
  const Profile p = parse_profile(kMinimal, "p.yaml");
  ASSERT_EQ(p.gemm_points.size(), 3u);
  ASSERT_EQ(p.gemm_curves.size(), 1u);
  EXPECT_GT(p.gemm_curves[0].peak_flops_per_s, 0);
  EXPECT_NEAR(p.memory_curve.bytes_per_s, 3000e9, 1);
  ASSERT_EQ(p.comm_curves.size(), 1u);
  EXPECT_TRUE(p.attention_points[1].src.unverified);  // derived implies unverified
  EXPECT_EQ(p.gemm_points[1].src.line, 10);
}

TEST(ProfileLoader, RoundTripKeepsPointsAndCurves) {
  const Profile p = parse_profile(kMinimal, "p.yaml");
  const Profile q = parse_profile(profile_to_yaml(p), "q.yaml");
  ASSERT_EQ(q.gemm_points.size(), p.gemm_points.size());
  EXPECT_DOUBLE_EQ(q.gemm_points[2].flops_per_s, p.gemm_points[2].flops_per_s);
  ASSERT_EQ(q.gemm_curves.size(), 1u);
  EXPECT_NEAR(q.gemm_curves[0].peak_flops_per_s / p.gemm_curves[0].peak_flops_per_s, 1.0, 1e-5);
  EXPECT_NEAR(q.gemm_curves[0].nrmse, p.gemm_curves[0].nrmse, 1e-6);
  EXPECT_EQ(q.header.sources, p.header.sources);
  EXPECT_EQ(q.attention_points[1].src.derived, "by hand");
}

TEST(ProfileLoader, GemmPassIsReadFittedAndWritten) {
  // Weight-gradient points get their own curve, with the forward fit's bandwidth; forward is the default
  // and is not written out.
  std::string text = kMinimal;
  const std::string wgrad =
      "  - {op: gemm, pass: backward_weight, dtype: fp8, m: 7168, n: 4096, k: 4096, tflops: 900, source: \"t\"}\n"
      "  - {op: gemm, pass: backward_weight, dtype: fp8, m: 2048, n: 7168, k: 8192, tflops: 1000, source: \"t\"}\n";
  text.insert(text.find("attention:"), wgrad);
  const Profile p = parse_profile(text, "p.yaml");
  ASSERT_EQ(p.gemm_points.size(), 5u);
  EXPECT_EQ(p.gemm_points[0].pass, Pass::kForward);
  EXPECT_EQ(p.gemm_points[3].pass, Pass::kBackwardWeight);
  ASSERT_EQ(p.gemm_curves.size(), 2u);
  EXPECT_EQ(p.gemm_curves[0].pass, Pass::kForward);
  EXPECT_EQ(p.gemm_curves[1].pass, Pass::kBackwardWeight);
  EXPECT_EQ(p.gemm_curves[1].points, 2);
  EXPECT_DOUBLE_EQ(p.gemm_curves[1].bytes_per_s, p.gemm_curves[0].bytes_per_s);
  const std::string yaml = profile_to_yaml(p);
  EXPECT_EQ(yaml.find("gemm, pass: forward"), std::string::npos);  // attention points always name theirs
  EXPECT_NE(yaml.find("gemm, pass: backward_weight"), std::string::npos);
  const Profile q = parse_profile(yaml, "q.yaml");
  ASSERT_EQ(q.gemm_curves.size(), 2u);
  EXPECT_EQ(q.gemm_curves[1].pass, Pass::kBackwardWeight);
  EXPECT_EQ(q.gemm_points[4].pass, Pass::kBackwardWeight);
  // The calibration prices a wgrad GEMM on its own curve, a forward one on the forward curve.
  GpuSpec gpu;
  gpu.name = "test-gpu";
  const ProfileCalibration cal(p, gpu);
  EXPECT_EQ(&cal.gemm_curve_for(GemmKind::kDense, DType::kFp8, Pass::kBackwardWeight), &cal.profile().gemm_curves[1]);
  EXPECT_EQ(&cal.gemm_curve_for(GemmKind::kGrouped, DType::kFp8, Pass::kBackwardWeight),
            &cal.profile().gemm_curves[1]);
  EXPECT_EQ(&cal.gemm_curve_for(GemmKind::kDense, DType::kFp8, Pass::kBackwardInput), &cal.profile().gemm_curves[0]);

  std::string bad = text;
  bad.replace(bad.find("pass: backward_weight"), 21, "pass: wgrad");
  const std::string err = profile_error_of(bad);
  EXPECT_NE(err.find("unknown pass `wgrad`"), std::string::npos) << err;
  EXPECT_NE(err.find("gemm[3].pass"), std::string::npos) << err;
  EXPECT_NE(err.find("forward, backward_input or backward_weight"), std::string::npos) << err;
}

TEST(ProfileLoader, UnknownKeyNamesLineAndClosestKey) {
  std::string t = kMinimal;
  t.replace(t.find("tflops: 1400"), 6, "tflop");
  const std::string msg = profile_error_of(t);
  EXPECT_NE(msg.find("p.yaml:10"), std::string::npos) << msg;
  EXPECT_NE(msg.find("gemm[1].tflop"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean `tflops`"), std::string::npos) << msg;
}

TEST(ProfileLoader, BadValuesAreUserErrors) {
  std::string t = kMinimal;
  t.replace(t.find("dtype: fp8"), 10, "dtype: fp4");
  EXPECT_NE(profile_error_of(t).find("fp8, bf16, fp16 or fp32"), std::string::npos);
  t = kMinimal;
  t.replace(t.find("tflops: 300"), 11, "tflops: -3");
  EXPECT_NE(profile_error_of(t).find("gemm[0].tflops"), std::string::npos);
  t = kMinimal;
  t.replace(t.find("method: measured-cpu"), 20, "method: guessed");
  EXPECT_NE(profile_error_of(t).find("header.method"), std::string::npos);
  t = kMinimal;
  t.replace(t.find("efficiency: 0.2"), 15, "efficiency: 1.5");
  EXPECT_NE(profile_error_of(t).find("comm[0].efficiency"), std::string::npos);
  t = kMinimal;
  t.replace(t.find(", source: \"t\"}"), 14, "}");
  EXPECT_NE(profile_error_of(t).find("gemm[0].source"), std::string::npos);
  EXPECT_NE(profile_error_of("moeplan_profile: 1\nheader: [\n").find("malformed YAML"), std::string::npos);
}

TEST(ProfileLoader, MissingFileNamesPathAndHint) {
  try {
    read_profile("/nonexistent/x.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.yaml"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("MOEPLAN_PROFILES"), std::string::npos);
  }
}

TEST(ProfileLoader, PublishedProfileForAnotherGpuIsRejected) {
  std::string t = kMinimal;
  t.replace(t.find("method: measured-cpu"), 20, "method: published");
  GpuSpec gpu;
  gpu.name = "h100-sxm";
  EXPECT_THROW(ProfileCalibration(parse_profile(t, "p.yaml"), gpu), Error);
  gpu.name = "test-gpu";
  EXPECT_NO_THROW(ProfileCalibration(parse_profile(t, "p.yaml"), gpu));
}

TEST(ProfileFinder, DefaultPathAndEnvOverride) {
  GpuSpec gpu;
  gpu.name = "h800-sxm";
  EXPECT_EQ(default_profile_path(gpu, "calibrate/profiles"), "calibrate/profiles/h800-sxm.yaml");
  gpu.profile = "h100-sxm";
  EXPECT_EQ(default_profile_path(gpu, "d"), "d/h100-sxm.yaml");
  // Tests run from the repository root, where the source-dir and ./calibrate/profiles candidates exist.
  const std::string dir = find_profiles_dir();
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir) / "h800-sxm.yaml")) << dir;
  // A scenario's `calibration` key: a bare name is a profile in the profiles directory, a path is taken
  // beside the scenario file when it exists there, and an empty key is the GPU's default.
  gpu.profile.clear();
  EXPECT_EQ(scenario_profile_path("h800-sxm-2024", "scenarios/x.yaml", gpu, "d"), "d/h800-sxm-2024.yaml");
  EXPECT_EQ(scenario_profile_path("", "scenarios/x.yaml", gpu, "d"), "d/h800-sxm.yaml");
  EXPECT_EQ(scenario_profile_path("catalog/gpus.yaml", "scenarios/x.yaml", gpu, "d"), "scenarios/catalog/gpus.yaml");
  EXPECT_EQ(scenario_profile_path("my/p.yaml", "scenarios/x.yaml", gpu, "d"), "my/p.yaml");
  setenv("MOEPLAN_PROFILES", "/nonexistent-profiles", 1);
  EXPECT_THROW(find_profiles_dir(), Error);
  unsetenv("MOEPLAN_PROFILES");
}

}  // namespace
}  // namespace moeplan
