// Network layer costs: closed-form collective evaluation (analytic fidelity) and the MoE EP64 dispatch DES.
#include <benchmark/benchmark.h>

#include <numeric>
#include <string>
#include <vector>

#include "sim/units/random.h"
#include "sim/network/collective_cost.h"
#include "sim/network/moe_alltoall.h"
#include "sim/network/topology.h"

namespace moeplan {
namespace {

void BM_ClosedFormAllReduce(benchmark::State& state) {
  double bytes = 1e6;
  for (auto _ : state) {
    benchmark::DoNotOptimize(network::ring_allreduce_time_s(bytes, 64, 50e9, 3e-6));
    bytes += 1.0;
  }
}
BENCHMARK(BM_ClosedFormAllReduce);

void BM_MoeDispatchEp64DesFull(benchmark::State& state) {
  ClusterSpec c;
  c.n_nodes = 8;
  c.gpus_per_node = 8;
  c.scale_up = FabricSpec{"nvlink4-h800", FabricKind::kNvlink, 200e9, 160e9, 3.33e-6, ""};
  c.scale_out = FabricSpec{"ib-ndr", FabricKind::kInfiniband, 50e9, 50e9, 2.8e-6, ""};
  c.nics_per_node = 8;
  c.topology.planes = 8;
  const network::Topology topo = network::Topology::from_cluster(c);
  std::vector<int> ranks(64);
  std::iota(ranks.begin(), ranks.end(), 0);
  network::MoeCommSpec spec;
  spec.bytes_per_token = network::fp8_dispatch_bytes_per_token(7168);
  network::MoeCommResult r;
  for (auto _ : state) {
    Rng rng(1);
    r = network::simulate_moe_alltoall(topo, ranks, spec, network::MoeDirection::kDispatch, rng);
  }
  state.SetLabel(std::to_string(r.rate_solves) + " rate solves, simulated " + std::to_string(r.time_s * 1e6) + " us");
}
BENCHMARK(BM_MoeDispatchEp64DesFull)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace moeplan

BENCHMARK_MAIN();
