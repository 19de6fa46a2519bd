// Collectives decomposed into transfers on the topology and run on the engine (the `des-full` path).
//
// Each append_* adds one collective among `ranks` (GPU indices; ring order = list order) whose first
// transfers wait for `after` (engine::kNoTask: start at time 0), and returns a zero-duration task that
// finishes when every rank is done. Dependencies follow the algorithm's data flow per rank, not global
// barriers: in a ring, rank i forwards a chunk as soon as it has received it and its previous send is out.
// Byte conventions are those of collective_cost.h. Reduction arithmetic is not charged here (it is compute,
// costed by the workload layer).
#pragma once

#include <cstdint>
#include <span>

#include "sim/engine/ids.h"
#include "sim/network/network_sim.h"
#include "sim/network/topology.h"

namespace moeplan::network {

using engine::TaskId;

TaskId append_send_recv(NetworkSim& net, int src, int dst, double bytes, TaskId after = engine::kNoTask);
TaskId append_tree_broadcast(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after = engine::kNoTask);
TaskId append_ring_reduce_scatter(NetworkSim& net, std::span<const int> ranks, double bytes,
                                  TaskId after = engine::kNoTask);
TaskId append_ring_allgather(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after = engine::kNoTask);
TaskId append_ring_allreduce(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after = engine::kNoTask);
TaskId append_tree_allreduce(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after = engine::kNoTask);
TaskId append_alltoall(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after = engine::kNoTask);
// Two-level variants. `ranks` must be whole nodes of the topology, node after node (k * gpus_per_node
// consecutive entries per node); throws a user Error otherwise.
TaskId append_hierarchical_allreduce(NetworkSim& net, std::span<const int> ranks, double bytes,
                                     TaskId after = engine::kNoTask);
TaskId append_hierarchical_reduce_scatter(NetworkSim& net, std::span<const int> ranks, double bytes,
                                          TaskId after = engine::kNoTask);
TaskId append_hierarchical_allgather(NetworkSim& net, std::span<const int> ranks, double bytes,
                                     TaskId after = engine::kNoTask);

enum class Collective {
  kSendRecv,  // ranks[0] -> ranks[1]
  kBroadcast,
  kRingAllReduce,
  kTreeAllReduce,
  kReduceScatter,
  kAllGather,
  kAllToAll,
  kHierarchicalAllReduce,
  kHierarchicalReduceScatter,
  kHierarchicalAllGather,
};
const char* to_string(Collective c);

struct CollectiveRun {
  double time_s = 0;
  std::uint64_t events = 0;
  std::size_t tasks = 0;       // transfers plus join markers
  double scale_up_bytes = 0;   // bytes over scale-up links (each crossing)
  double scale_out_bytes = 0;  // bytes over NIC ports (each crossing: tx and rx)
};

// Builds a fresh simulator over `topo`, runs one collective from time 0 and reports its duration.
CollectiveRun simulate_collective(const Topology& topo, Collective kind, std::span<const int> ranks, double bytes);

}  // namespace moeplan::network
