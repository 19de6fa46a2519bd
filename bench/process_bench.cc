// Whole-process runs of the moeplan executable, as a user sees them: start-up (`--version`), one training
// run, the plan search with its DES re-rank, and a six-GPU comparison. Each iteration spawns the binary and
// waits for it; the counters are the child's CPU time (user + system) and peak RSS from wait4(), which on a
// shared machine say more than the wall time. Run from the repository root: build/bench/process_bench.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct ChildUsage {
  double cpu_s = 0;
  double max_rss_mib = 0;
  int status = 0;
};

// Runs MOEPLAN_EXE with `args`, stdout and stderr to /dev/null, and returns its resource use.
ChildUsage run_moeplan(const std::vector<std::string>& args) {
  std::vector<std::string> argv_s{MOEPLAN_EXE};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ChildUsage u;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
    u.status = -1;
    return u;
  }
  posix_spawn_file_actions_destroy(&fa);
  rusage ru{};
  wait4(pid, &u.status, 0, &ru);
  u.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  u.max_rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
  return u;
}

void run_process(benchmark::State& state, const std::vector<std::string>& args) {
  double cpu = 0, rss = 0;
  for (auto _ : state) {
    const ChildUsage u = run_moeplan(args);
    if (u.status != 0) {
      state.SkipWithError("moeplan exited with an error");
      return;
    }
    cpu += u.cpu_s;
    rss = std::max(rss, u.max_rss_mib);
  }
  state.counters["child_cpu_ms"] = 1e3 * cpu / static_cast<double>(state.iterations());
  state.counters["child_max_rss_MiB"] = rss;
}

void BM_Version(benchmark::State& state) { run_process(state, {"--version"}); }
void BM_RunDeepSeekV3(benchmark::State& state) {
  run_process(state, {"run", "scenarios/deepseek-v3-h800.yaml"});
}
void BM_PlanDeepSeekV3(benchmark::State& state) {
  run_process(state, {"plan", "scenarios/deepseek-v3-h800.yaml"});
}
void BM_Compare6Gpus(benchmark::State& state) {
  run_process(state, {"compare", "scenarios/deepseek-v3-h800.yaml", "--gpus",
                      "h800-sxm,h100-sxm,h200,b200,a100-80g,rtx-4090"});
}

BENCHMARK(BM_Version)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RunDeepSeekV3)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK(BM_PlanDeepSeekV3)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_Compare6Gpus)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
