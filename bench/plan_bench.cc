// Analytic plan search throughput: every layout of the DeepSeek-V3 scenario's 2048 GPUs enumerated,
// validated, checked for memory and the survivors costed with the analytic step, on one thread and without
// the DES re-rank, so the counters are per core. Run from the repository root: build/bench/plan_bench.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"
#include "sim/plan/plan_search.h"

namespace moeplan {
namespace {

void BM_PlanSearchAnalyticOneCore(benchmark::State& state) {
  const io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  const Scenario s = io::load_scenario("scenarios/deepseek-v3-h800.yaml", catalog);
  const auto calib = load_calibration(
      scenario_profile_path(s.calibration, s.file, s.cluster.gpu, "calibrate/profiles"), s.cluster.gpu);
  PlanSearchOptions o;
  o.threads = 1;
  o.des_rerank = 0;
  long long enumerated = 0, costed = 0;
  for (auto _ : state) {
    const PlanResult r = search_plans(s, *calib, o);
    enumerated += r.enumerated;
    costed += r.costed;
  }
  // Plans per CPU second of the one searching thread: all enumerated, and those that got an analytic step.
  state.counters["plans_per_s"] = benchmark::Counter(static_cast<double>(enumerated), benchmark::Counter::kIsRate);
  state.counters["costed_per_s"] = benchmark::Counter(static_cast<double>(costed), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_PlanSearchAnalyticOneCore)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace moeplan

BENCHMARK_MAIN();
