// End-to-end training runs: the analytic and DES fidelities agree where their assumptions coincide, and
// the DeepSeek-V3 reference run is compared with the published GPU-hours (prediction, target, error).
#include "sim/train/training_run.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"

namespace moeplan {
namespace {

struct Loaded {
  io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  Scenario load(const std::string& path, const std::vector<std::string>& overrides = {}) {
    return io::load_scenario(path, catalog, overrides);
  }
  std::unique_ptr<Calibration> calib(const Scenario& s) {
    return load_calibration(default_profile_path(s.cluster.gpu, "calibrate/profiles"), s.cluster.gpu);
  }
};

TEST(TrainingRun, AnalyticAndDesAgreeForOneF1BWithoutOverlap) {
  // A dense model with 1F1B on one NVLink node has no communication to overlap and near-free pipeline
  // sends, so the DES replays the chunks the closed form (PP-1)(F+B) + m(F+B) sums; they agree within 2%.
  Loaded l;
  Scenario s = l.load("scenarios/small-dense.yaml", {"cluster.nodes=1", "parallel.pp=4", "parallel.schedule=1f1b"});
  auto calib = l.calib(s);
  const TrainingPhase& ph = s.training.phases.front();
  const StepShape shape{s.parallel, ph.seq_len, ph.global_batch, true};
  s.fidelity = Fidelity::kAnalytic;
  const StepResult a = simulate_step(s, *calib, shape);
  s.fidelity = Fidelity::kDes;
  const StepResult d = simulate_step(s, *calib, shape);
  std::printf("small-dense 1F1B step: analytic %.4f s, des %.4f s, difference %+.2f%%\n", a.time_s, d.time_s,
              100 * (d.time_s / a.time_s - 1));
  EXPECT_NEAR(d.time_s / a.time_s, 1.0, 0.02);
}

TEST(TrainingRun, DeepSeekV3PredictionAgainstPublishedGpuHours) {
  // Published: 180K H800 GPU-hours per trillion pre-training tokens and 2.788M GPU-hours in total
  // (arXiv:2412.19437 §1 and Table 1). This is a prediction from the published-measurement profile,
  // with no constant fitted to these figures.
  Loaded l;
  const Scenario s = l.load("scenarios/deepseek-v3-h800.yaml");
  auto calib = l.calib(s);
  const RunResult r = run_training(s, *calib);
  ASSERT_FALSE(r.phases.empty());
  const double per_trillion = r.phases.front().gpu_hours / (r.phases.front().tokens / 1e12);
  std::printf("pre-training GPU-hours per 1T tokens: predicted %.0f, published 180000, error %+.1f%%\n",
              per_trillion, 100 * (per_trillion / 180e3 - 1));
  std::printf("whole run GPU-hours: predicted %.0f, published 2788000, error %+.1f%%\n", r.gpu_hours,
              100 * (r.gpu_hours / 2.788e6 - 1));
  std::printf("step: %.2f s, MFU %.1f%%, bubble %.1f%%\n", r.step.time_s, 100 * r.step.mfu,
              100 * r.step.bubble_fraction);
  // Regression band around the current first-principles prediction (see the issue notes: the model is
  // still optimistic against the published run, so the 10% target is not asserted yet).
  EXPECT_GT(per_trillion / 180e3, 0.6);
  EXPECT_LT(per_trillion / 180e3, 1.4);
  EXPECT_TRUE(r.memory_fits);
  // GPU-hours are the sum of the phases; days follow from 2048 GPUs.
  double sum = 0;
  for (const PhaseResult& p : r.phases) sum += p.gpu_hours;
  EXPECT_NEAR(r.gpu_hours, sum, 1e-6 * sum);
  EXPECT_NEAR(r.days, r.gpu_hours / 2048 / 24, 1e-9 * r.days);
}

TEST(TrainingRun, DesTimelineCoversEveryChunk) {
  Loaded l;
  Scenario s = l.load("scenarios/small-dense.yaml", {"parallel.pp=4"});
  auto calib = l.calib(s);
  const TrainingPhase& ph = s.training.phases.front();
  Timeline tl;
  const StepResult d = simulate_step(s, *calib, StepShape{s.parallel, ph.seq_len, ph.global_batch, true}, &tl);
  const int m = d.micro_batches;
  int forwards = 0;
  for (const TimelineEvent& e : tl.events) {
    EXPECT_GE(e.start_s, 0);
    EXPECT_LE(e.start_s + e.duration_s, d.time_s * (1 + 1e-9));
    if (e.kind == "F") ++forwards;
  }
  EXPECT_EQ(forwards, m * s.parallel.pp);  // one forward per micro-batch per stage
}

}  // namespace
}  // namespace moeplan
