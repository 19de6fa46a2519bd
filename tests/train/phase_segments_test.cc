// Batch-ramp segmentation: tokens are conserved and the step count approaches the closed-form integral.
#include "sim/train/phase_segments.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moeplan {
namespace {

TEST(PhaseSegments, RampConservesTokensAndMatchesStepIntegral) {
  // DeepSeek-V3 §4.2: batch 3072 -> 15360 sequences over the first 469B tokens of 14.8T, seq 4096.
  TrainingPhase ph;
  ph.tokens = 14.8e12;
  ph.seq_len = 4096;
  ph.global_batch = 15360;
  ph.ramp = {3072, 469e9};
  const auto segs = phase_segments(ph, 1, 0, 256);
  double tokens = 0, steps = 0;
  for (const auto& s : segs) {
    tokens += s.tokens;
    steps += s.steps;
  }
  EXPECT_NEAR(tokens, 14.8e12, 1.0);
  // Closed form: ramp steps = R / (seq (B - B0)) ln(B / B0); then (T - R) / (seq B).
  const double ramp_steps = 469e9 / (4096.0 * (15360 - 3072)) * std::log(15360.0 / 3072.0);
  const double expected = ramp_steps + (14.8e12 - 469e9) / (4096.0 * 15360);
  std::printf("steps: segments %.1f, closed form %.1f\n", steps, expected);
  EXPECT_NEAR(steps / expected, 1.0, 1e-4);
}

TEST(PhaseSegments, MinimumBatchAndStepsPhase) {
  TrainingPhase ph;
  ph.steps = 1000;
  ph.seq_len = 32768;
  ph.global_batch = 1920;
  const auto segs = phase_segments(ph, 64, 0);
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_DOUBLE_EQ(segs[0].tokens, 1000.0 * 32768 * 1920);

  TrainingPhase ramp;
  ramp.tokens = 1e12;
  ramp.seq_len = 4096;
  ramp.global_batch = 15360;
  ramp.ramp = {3072, 469e9};
  for (const auto& s : phase_segments(ramp, 256, 4096)) EXPECT_GE(s.global_batch, 4096);
}

}  // namespace
}  // namespace moeplan
