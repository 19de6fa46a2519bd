// Transfer graphs of the collectives (see collectives.h).
#include "sim/network/collectives.h"

#include <vector>

#include "sim/network/collective_cost.h"
#include "sim/units/error.h"

namespace moeplan::network {

namespace {

using engine::kNoTask;

// `steps` ring steps of `chunk` bytes among ranks (ring order). ready[i]: when rank i's data for step 0 is
// ready. Returns, per rank, the last transfer into it (its data for the following phase).
std::vector<TaskId> ring_steps(NetworkSim& net, std::span<const int> ranks, double chunk, int steps,
                               std::vector<TaskId> ready) {
  const int n = static_cast<int>(ranks.size());
  if (n == 1 || steps == 0) return ready;
  std::vector<PathRef> paths;
  for (int i = 0; i < n; ++i) paths.push_back(net.path(ranks[i], ranks[(i + 1) % n]));
  std::vector<TaskId> last_send(n, kNoTask), sends(n, kNoTask);
  for (int s = 0; s < steps; ++s) {
    for (int i = 0; i < n; ++i) sends[i] = net.transfer(paths[i], chunk, {ready[i], last_send[i]});
    for (int i = 0; i < n; ++i) ready[(i + 1) % n] = sends[i];
    last_send = sends;
  }
  return ready;
}

TaskId join_all(NetworkSim& net, const std::vector<TaskId>& tasks) { return net.join(tasks); }

// Binomial-tree broadcast from relative rank 0; have[r] is when rank r holds the data.
std::vector<TaskId> binomial_broadcast(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId root_ready) {
  const int n = static_cast<int>(ranks.size());
  std::vector<TaskId> have(n, kNoTask), last_send(n, kNoTask);
  have[0] = root_ready;
  for (int step = 1; step < n; step <<= 1) {
    for (int r = 0; r < step && r + step < n; ++r) {
      const TaskId t = net.transfer(net.path(ranks[r], ranks[r + step]), bytes, {have[r], last_send[r]});
      have[r + step] = t;
      last_send[r] = t;
    }
  }
  return have;
}

void check_ranks(const NetworkSim& net, std::span<const int> ranks) {
  if (ranks.empty()) throw_user_error("a collective needs at least one rank");
  for (int r : ranks)
    if (r < 0 || r >= net.topology().n_gpus())
      throw_user_error("collective rank " + std::to_string(r) + " is not a GPU of the topology",
                       ErrorContext{.expected = "0.." + std::to_string(net.topology().n_gpus() - 1)});
}

struct TwoLevel {
  int g;                              // ranks per node
  int n_nodes;
  std::vector<std::vector<int>> intra;  // per node
  std::vector<std::vector<int>> inter;  // per local index
};

TwoLevel split_two_level(const NetworkSim& net, std::span<const int> ranks) {
  check_ranks(net, ranks);
  const Topology& t = net.topology();
  const int g = t.gpus_per_node();
  if (ranks.size() % g != 0)
    throw_user_error("a hierarchical collective needs whole nodes (" + std::to_string(g) + " GPUs each)");
  TwoLevel tl{g, static_cast<int>(ranks.size()) / g, {}, std::vector<std::vector<int>>(g)};
  for (int n = 0; n < tl.n_nodes; ++n) {
    std::vector<int> node(ranks.begin() + n * g, ranks.begin() + (n + 1) * g);
    for (int k = 0; k < g; ++k) {
      if (t.node_of(node[k]) != t.node_of(node[0]))
        throw_user_error("a hierarchical collective lists each node's GPUs consecutively");
      tl.inter[k].push_back(node[k]);
    }
    tl.intra.push_back(std::move(node));
  }
  return tl;
}

enum class Phase { kReduceScatter, kAllGather, kAllReduce };

// Runs one ring phase on each group in `groups`; ready/returned vectors are indexed [group][member].
std::vector<std::vector<TaskId>> ring_on_groups(NetworkSim& net, const std::vector<std::vector<int>>& groups,
                                                double bytes, Phase phase,
                                                const std::vector<std::vector<TaskId>>& ready) {
  std::vector<std::vector<TaskId>> out;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const int n = static_cast<int>(groups[i].size());
    const int steps = phase == Phase::kAllReduce ? 2 * (n - 1) : n - 1;
    out.push_back(ring_steps(net, groups[i], bytes / n, steps, ready[i]));
  }
  return out;
}

// Completion tasks indexed [node][local] become the ready tasks of rings indexed [local][node], and back.
std::vector<std::vector<TaskId>> transpose(const std::vector<std::vector<TaskId>>& in) {
  std::vector<std::vector<TaskId>> out(in.empty() ? 0 : in[0].size(), std::vector<TaskId>(in.size()));
  for (size_t a = 0; a < in.size(); ++a)
    for (size_t b = 0; b < in[a].size(); ++b) out[b][a] = in[a][b];
  return out;
}

TaskId join_all(NetworkSim& net, const std::vector<std::vector<TaskId>>& groups) {
  std::vector<TaskId> all;
  for (const auto& v : groups) all.insert(all.end(), v.begin(), v.end());
  return net.join(all);
}

}  // namespace

TaskId append_send_recv(NetworkSim& net, int src, int dst, double bytes, TaskId after) {
  const int r[2] = {src, dst};
  check_ranks(net, r);
  return net.transfer(net.path(src, dst), bytes, {after});
}

TaskId append_tree_broadcast(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after) {
  check_ranks(net, ranks);
  return join_all(net, binomial_broadcast(net, ranks, bytes, after));
}

TaskId append_ring_reduce_scatter(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after) {
  check_ranks(net, ranks);
  const int n = static_cast<int>(ranks.size());
  return join_all(net, ring_steps(net, ranks, bytes / n, n - 1, std::vector<TaskId>(n, after)));
}

TaskId append_ring_allgather(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after) {
  return append_ring_reduce_scatter(net, ranks, bytes, after);  // same transfer pattern
}

TaskId append_ring_allreduce(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after) {
  check_ranks(net, ranks);
  const int n = static_cast<int>(ranks.size());
  return join_all(net, ring_steps(net, ranks, bytes / n, 2 * (n - 1), std::vector<TaskId>(n, after)));
}

TaskId append_tree_allreduce(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after) {
  check_ranks(net, ranks);
  const int n = static_cast<int>(ranks.size());
  // Binomial reduce toward relative rank 0: in round k, ranks with bit k set (lower bits clear) send their
  // partial sum to rank - 2^k once everything destined to them has arrived.
  std::vector<std::vector<TaskId>> inbound(n);
  for (int step = 1; step < n; step <<= 1) {
    for (int r = step; r < n; r += 2 * step) {
      std::vector<TaskId> deps = inbound[r];
      deps.push_back(after);
      const TaskId t = net.transfer(net.path(ranks[r], ranks[r - step]), bytes, deps);
      inbound[r - step].push_back(t);
    }
  }
  inbound[0].push_back(after);
  const TaskId reduced = net.join(inbound[0]);
  return join_all(net, binomial_broadcast(net, ranks, bytes, reduced));
}

TaskId append_alltoall(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after) {
  check_ranks(net, ranks);
  const int n = static_cast<int>(ranks.size());
  const double per_peer = bytes / n;
  std::vector<TaskId> all;
  all.reserve(static_cast<std::size_t>(n) * (n - 1) + 1);
  all.push_back(after);
  for (int i = 0; i < n; ++i)
    for (int k = 1; k < n; ++k) {
      const int j = (i + k) % n;  // shifted order spreads a rank's first messages over distinct peers
      all.push_back(net.transfer(net.path(ranks[i], ranks[j]), per_peer, {after}));
    }
  return net.join(all);
}

TaskId append_hierarchical_reduce_scatter(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after) {
  const TwoLevel tl = split_two_level(net, ranks);
  const auto intra_ready = std::vector<std::vector<TaskId>>(tl.n_nodes, std::vector<TaskId>(tl.g, after));
  const auto intra_done = ring_on_groups(net, tl.intra, bytes, Phase::kReduceScatter, intra_ready);
  const auto inter_done = ring_on_groups(net, tl.inter, bytes / tl.g, Phase::kReduceScatter, transpose(intra_done));
  return join_all(net, inter_done);
}

TaskId append_hierarchical_allgather(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after) {
  const TwoLevel tl = split_two_level(net, ranks);
  const auto inter_ready = std::vector<std::vector<TaskId>>(tl.g, std::vector<TaskId>(tl.n_nodes, after));
  const auto inter_done = ring_on_groups(net, tl.inter, bytes / tl.g, Phase::kAllGather, inter_ready);
  const auto intra_done = ring_on_groups(net, tl.intra, bytes, Phase::kAllGather, transpose(inter_done));
  return join_all(net, intra_done);
}

TaskId append_hierarchical_allreduce(NetworkSim& net, std::span<const int> ranks, double bytes, TaskId after) {
  const TwoLevel tl = split_two_level(net, ranks);
  const auto ready = std::vector<std::vector<TaskId>>(tl.n_nodes, std::vector<TaskId>(tl.g, after));
  const auto rs = ring_on_groups(net, tl.intra, bytes, Phase::kReduceScatter, ready);
  const auto ar = ring_on_groups(net, tl.inter, bytes / tl.g, Phase::kAllReduce, transpose(rs));
  const auto ag = ring_on_groups(net, tl.intra, bytes, Phase::kAllGather, transpose(ar));
  return join_all(net, ag);
}

const char* to_string(Collective c) {
  switch (c) {
    case Collective::kSendRecv: return "send-recv";
    case Collective::kBroadcast: return "broadcast";
    case Collective::kRingAllReduce: return "ring-all-reduce";
    case Collective::kTreeAllReduce: return "tree-all-reduce";
    case Collective::kReduceScatter: return "reduce-scatter";
    case Collective::kAllGather: return "all-gather";
    case Collective::kAllToAll: return "all-to-all";
    case Collective::kHierarchicalAllReduce: return "hierarchical-all-reduce";
    case Collective::kHierarchicalReduceScatter: return "hierarchical-reduce-scatter";
    case Collective::kHierarchicalAllGather: return "hierarchical-all-gather";
  }
  return "?";
}

CollectiveRun simulate_collective(const Topology& topo, Collective kind, std::span<const int> ranks, double bytes) {
  engine::Simulator sim;
  NetworkSim net(sim, topo);
  TaskId done = kNoTask;
  switch (kind) {
    case Collective::kSendRecv:
      if (ranks.size() != 2) throw_user_error("send-recv takes exactly two ranks");
      done = append_send_recv(net, ranks[0], ranks[1], bytes);
      break;
    case Collective::kBroadcast: done = append_tree_broadcast(net, ranks, bytes); break;
    case Collective::kRingAllReduce: done = append_ring_allreduce(net, ranks, bytes); break;
    case Collective::kTreeAllReduce: done = append_tree_allreduce(net, ranks, bytes); break;
    case Collective::kReduceScatter: done = append_ring_reduce_scatter(net, ranks, bytes); break;
    case Collective::kAllGather: done = append_ring_allgather(net, ranks, bytes); break;
    case Collective::kAllToAll: done = append_alltoall(net, ranks, bytes); break;
    case Collective::kHierarchicalAllReduce: done = append_hierarchical_allreduce(net, ranks, bytes); break;
    case Collective::kHierarchicalReduceScatter: done = append_hierarchical_reduce_scatter(net, ranks, bytes); break;
    case Collective::kHierarchicalAllGather: done = append_hierarchical_allgather(net, ranks, bytes); break;
  }
  sim.run();
  CollectiveRun r;
  r.time_s = engine::time_to_seconds(sim.finish_time(done));
  r.events = sim.events_processed();
  r.tasks = sim.n_tasks();
  r.scale_up_bytes = net.bytes_on(LinkClass::kScaleUp);
  r.scale_out_bytes = net.bytes_on(LinkClass::kNic);
  return r;
}

}  // namespace moeplan::network
