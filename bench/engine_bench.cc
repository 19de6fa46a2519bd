// Engine throughput: events per second on one core, and a 2048-rank all-to-all at des-full.
#include <benchmark/benchmark.h>

#include <numeric>
#include <string>
#include <vector>

#include "sim/engine/simulator.h"
#include "sim/network/collectives.h"
#include "sim/network/topology.h"

namespace moeplan {
namespace {

// A pipeline-like graph: `streams` in-order streams, each task depends on its stream predecessor (implicit)
// and on one task of the neighbouring stream; durations vary so the queue is really ordered by time.
void BM_EngineEvents(benchmark::State& state) {
  const int n_tasks = static_cast<int>(state.range(0));
  const int n_streams = 64;
  std::uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();  // graph construction is not event processing
    engine::Simulator sim;
    sim.reserve_tasks(n_tasks, n_tasks);
    std::vector<engine::StreamId> streams;
    for (int s = 0; s < n_streams; ++s) streams.push_back(sim.add_stream("s" + std::to_string(s)));
    std::vector<engine::TaskId> tasks;
    tasks.reserve(n_tasks);
    for (int i = 0; i < n_tasks; ++i) {
      const int s = i % n_streams;
      tasks.push_back(sim.add_task({.kind = engine::TaskKind::kFixed,
                                    .duration = 1000 + (i * 7919) % 5000,
                                    .stream = streams[s]}));
      if (i >= n_streams + 1) sim.add_dependency(tasks[i - n_streams - 1], tasks[i]);
    }
    state.ResumeTiming();
    sim.run();
    events += sim.events_processed();
    benchmark::DoNotOptimize(sim.now());
  }
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EngineEvents)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// Every rank sends to every other rank at once over a 256-node H800 multi-plane fat tree (DeepSeek-V3
// scale): 2048 x 2047 transfers with max-min sharing.
void BM_AllToAllDesFull(benchmark::State& state) {
  const int n_nodes = static_cast<int>(state.range(0)) / 8;
  ClusterSpec c;
  c.n_nodes = n_nodes;
  c.gpus_per_node = 8;
  c.scale_up = FabricSpec{"nvlink4-h800", FabricKind::kNvlink, 200e9, 160e9, 3.33e-6, ""};
  c.scale_out = FabricSpec{"ib-ndr", FabricKind::kInfiniband, 50e9, 50e9, 2.8e-6, ""};
  c.nics_per_node = 8;
  c.topology.planes = 8;
  const network::Topology topo = network::Topology::from_cluster(c);
  std::vector<int> ranks(c.n_gpus());
  std::iota(ranks.begin(), ranks.end(), 0);
  network::CollectiveRun run;
  for (auto _ : state) {
    run = network::simulate_collective(topo, network::Collective::kAllToAll, ranks, 256e6);
  }
  state.SetLabel(std::to_string(run.tasks - 1) + " transfers, simulated " + std::to_string(run.time_s * 1e3) + " ms");
}
BENCHMARK(BM_AllToAllDesFull)->Arg(256)->Arg(2048)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace moeplan

BENCHMARK_MAIN();
