// One DeepSeek-V3 training step (scenarios/deepseek-v3-h800.yaml, batch 15360 x 4096) at the analytic, des
// and des-full fidelities, the whole `run` (every batch of the ramp and the context-extension phases), and
// one Llama 3 405B step on 16,384 GPUs at des-full (scenarios/llama3-405b-16k-h100.yaml).
// Run from the repository root: build/bench/train_bench.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"
#include "sim/train/training_run.h"

namespace moeplan {
namespace {

struct Fixture {
  explicit Fixture(const std::string& path = "scenarios/deepseek-v3-h800.yaml") : s(io::load_scenario(path, catalog)) {}
  io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  Scenario s;
  std::unique_ptr<Calibration> calib =
      load_calibration(scenario_profile_path(s.calibration, s.file, s.cluster.gpu, "calibrate/profiles"), s.cluster.gpu);
};

// Peak resident memory of the process so far (Linux reports ru_maxrss in KiB).
double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

void step(benchmark::State& state, Fidelity fidelity, const std::string& path = "scenarios/deepseek-v3-h800.yaml") {
  Fixture f(path);
  f.s.fidelity = fidelity;
  const TrainingPhase& ph = f.s.training.phases.front();
  const StepShape shape{f.s.parallel, ph.seq_len, ph.global_batch, true};
  double t = 0;
  for (auto _ : state) t += simulate_step(f.s, *f.calib, shape).time_s;
  state.counters["step_s"] = t / static_cast<double>(state.iterations());
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

void BM_DeepSeekV3StepAnalytic(benchmark::State& state) { step(state, Fidelity::kAnalytic); }
void BM_DeepSeekV3StepDes(benchmark::State& state) { step(state, Fidelity::kDes); }
// Every one of the 2048 ranks simulated (peak RSS is the process's, so run this one alone for its figure:
// --benchmark_filter=DesFull).
void BM_DeepSeekV3StepDesFull(benchmark::State& state) { step(state, Fidelity::kDesFull); }
void BM_Llama405BStepDesFull(benchmark::State& state) {
  step(state, Fidelity::kDesFull, "scenarios/llama3-405b-16k-h100.yaml");
}

void BM_DeepSeekV3WholeRun(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) benchmark::DoNotOptimize(run_training(f.s, *f.calib).gpu_hours);
}

BENCHMARK(BM_DeepSeekV3StepAnalytic)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeepSeekV3StepDes)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeepSeekV3StepDesFull)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Llama405BStepDesFull)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_DeepSeekV3WholeRun)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace moeplan

BENCHMARK_MAIN();
