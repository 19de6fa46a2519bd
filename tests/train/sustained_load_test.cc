// A profile's sustained-load factor reaches the whole step: compute slows by at most 1/factor (only the
// compute terms of GEMMs and attention scale; bandwidth-bound kernels and exposed communication do not), and
// the run's inputs say which factor was applied.
#include <gtest/gtest.h>

#include <cstdio>

#include "loaded_scenarios.h"
#include "sim/calib/profile_yaml.h"

namespace moeplan {
namespace {

TEST(SustainedLoad, SlowsTheDeepSeekStepByAtMostTheInverseFactor) {
  test::Loaded l;
  const Scenario s = l.load("scenarios/deepseek-v3-h800.yaml");
  const std::string path = scenario_profile_path(s.calibration, s.file, s.cluster.gpu, "calibrate/profiles");
  const Profile base = read_profile(path);
  Profile steady = base;
  SustainedPoint run;  // a made-up run at 0.9 of burst, as a measured profile would carry
  run.dtype = DType::kBf16;
  run.m = run.n = run.k = 8192;
  run.seconds = 60;
  run.burst_flops_per_s = 700e12;
  run.sustained_flops_per_s = 630e12;
  run.src.source = "unit test";
  steady.sustained_points.push_back(run);
  const ProfileCalibration burst_cal(base, s.cluster.gpu), steady_cal(steady, s.cluster.gpu);

  const StepResult a = simulate_step(s, burst_cal, test::main_shape(s));
  const StepResult b = simulate_step(s, steady_cal, test::main_shape(s));
  const double slow = b.time_s / a.time_s;
  std::printf("DeepSeek-V3 step with a 0.9 sustained factor: %.3f s vs %.3f s (x%.4f, bound x%.4f)\n", b.time_s,
              a.time_s, slow, 1 / 0.9);
  EXPECT_GT(slow, 1.0);
  EXPECT_LE(slow, 1 / 0.9 + 1e-9);

  EXPECT_TRUE(run_training(s, burst_cal).inputs.calibration_sustained.empty());
  EXPECT_NE(run_training(s, steady_cal).inputs.calibration_sustained.find("bf16 0.900"), std::string::npos);
}

}  // namespace
}  // namespace moeplan
