// One DeepSeek-V3 training step (scenarios/deepseek-v3-h800.yaml, batch 15360 x 4096) at the analytic and
// des fidelities, and the whole `run` (every batch of the ramp and the context-extension phases).
// Run from the repository root: build/bench/train_bench.
#include <benchmark/benchmark.h>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"
#include "sim/train/training_run.h"

namespace moeplan {
namespace {

struct Fixture {
  io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  Scenario s = io::load_scenario("scenarios/deepseek-v3-h800.yaml", catalog);
  std::unique_ptr<Calibration> calib =
      load_calibration(scenario_profile_path(s.calibration, s.file, s.cluster.gpu, "calibrate/profiles"), s.cluster.gpu);
};

void step(benchmark::State& state, Fidelity fidelity) {
  Fixture f;
  f.s.fidelity = fidelity;
  const TrainingPhase& ph = f.s.training.phases.front();
  const StepShape shape{f.s.parallel, ph.seq_len, ph.global_batch, true};
  double t = 0;
  for (auto _ : state) t += simulate_step(f.s, *f.calib, shape).time_s;
  state.counters["step_s"] = t / static_cast<double>(state.iterations());
}

void BM_DeepSeekV3StepAnalytic(benchmark::State& state) { step(state, Fidelity::kAnalytic); }
void BM_DeepSeekV3StepDes(benchmark::State& state) { step(state, Fidelity::kDes); }

void BM_DeepSeekV3WholeRun(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) benchmark::DoNotOptimize(run_training(f.s, *f.calib).gpu_hours);
}

BENCHMARK(BM_DeepSeekV3StepAnalytic)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeepSeekV3StepDes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeepSeekV3WholeRun)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace moeplan

BENCHMARK_MAIN();
