// Each collective's DES time against its alpha-beta closed form on simple topologies (single switch, ring,
// two-level), and the bytes it moves.
#include <gtest/gtest.h>

#include <cstdio>
#include <numeric>
#include <vector>

#include "sim/network/collective_cost.h"
#include "sim/network/collectives.h"
#include "tests/network/test_clusters.h"

namespace moeplan::network {
namespace {

constexpr double kBps = 100e9;
constexpr double kLat = 2e-6;

std::vector<int> iota(int n, int first = 0) {
  std::vector<int> v(n);
  std::iota(v.begin(), v.end(), first);
  return v;
}

void expect_close(const char* what, double des, double closed, double tol = 0.01) {
  std::printf("%-28s des %.6e s  closed form %.6e s  error %+.3f%%\n", what, des, closed, 100 * (des / closed - 1));
  EXPECT_NEAR(des / closed, 1.0, tol) << what;
}

TEST(Collectives, SingleSwitchMatchesClosedForms) {
  const Topology t = Topology::single_switch(8, kBps, kLat);
  const auto r8 = iota(8);
  for (double bytes : {64e3, 16e6, 256e6}) {
    std::printf("-- %.0f bytes, 8 ranks on one switch\n", bytes);
    const int pair[2] = {2, 5};
    expect_close("send/recv", simulate_collective(t, Collective::kSendRecv, pair, bytes).time_s,
                 p2p_time_s(bytes, kBps, kLat));
    expect_close("ring all-reduce", simulate_collective(t, Collective::kRingAllReduce, r8, bytes).time_s,
                 ring_allreduce_time_s(bytes, 8, kBps, kLat));
    expect_close("ring reduce-scatter", simulate_collective(t, Collective::kReduceScatter, r8, bytes).time_s,
                 ring_reduce_scatter_time_s(bytes, 8, kBps, kLat));
    expect_close("ring all-gather", simulate_collective(t, Collective::kAllGather, r8, bytes).time_s,
                 ring_allgather_time_s(bytes, 8, kBps, kLat));
    expect_close("tree broadcast", simulate_collective(t, Collective::kBroadcast, r8, bytes).time_s,
                 tree_broadcast_time_s(bytes, 8, kBps, kLat));
    expect_close("tree all-reduce", simulate_collective(t, Collective::kTreeAllReduce, r8, bytes).time_s,
                 tree_allreduce_time_s(bytes, 8, kBps, kLat));
    expect_close("all-to-all", simulate_collective(t, Collective::kAllToAll, r8, bytes).time_s,
                 alltoall_time_s(bytes, 8, kBps, kLat));
  }
  // Non-power-of-two tree: ceil(log2 6) = 3 rounds.
  const auto r6 = iota(6);
  expect_close("tree all-reduce n=6", simulate_collective(t, Collective::kTreeAllReduce, r6, 8e6).time_s,
               tree_allreduce_time_s(8e6, 6, kBps, kLat));
}

TEST(Collectives, RingTopologyMatchesRingClosedForms) {
  const Topology t = Topology::ring(6, kBps, kLat);
  const auto r6 = iota(6);
  expect_close("ring all-reduce on a ring", simulate_collective(t, Collective::kRingAllReduce, r6, 48e6).time_s,
               ring_allreduce_time_s(48e6, 6, kBps, kLat));
  expect_close("all-gather on a ring", simulate_collective(t, Collective::kAllGather, r6, 48e6).time_s,
               ring_allgather_time_s(48e6, 6, kBps, kLat));
}

TEST(Collectives, HierarchicalMatchesTwoLevelClosedForms) {
  ClusterSpec c = testing::h800_cluster(4);
  c.topology.planes = 1;
  c.topology.kind = "single-switch";
  const Topology t = Topology::from_cluster(c);
  const auto all = iota(32);
  const TwoLevelLinks l{8, 4, 160e9, 3.33e-6, 50e9, 2.8e-6};
  const double bytes = 512e6;
  expect_close("hierarchical all-reduce",
               simulate_collective(t, Collective::kHierarchicalAllReduce, all, bytes).time_s,
               hierarchical_allreduce_time_s(bytes, l));
  expect_close("hierarchical reduce-scatter",
               simulate_collective(t, Collective::kHierarchicalReduceScatter, all, bytes).time_s,
               hierarchical_reduce_scatter_time_s(bytes, l));
  expect_close("hierarchical all-gather",
               simulate_collective(t, Collective::kHierarchicalAllGather, all, bytes).time_s,
               hierarchical_allgather_time_s(bytes, l));
  // A flat ring over 32 GPUs spanning nodes is limited by the NIC on every step: slower than two levels.
  const double flat = simulate_collective(t, Collective::kRingAllReduce, all, bytes).time_s;
  EXPECT_GT(flat, simulate_collective(t, Collective::kHierarchicalAllReduce, all, bytes).time_s);
}

TEST(Collectives, BytesMovedAreTheAlgorithmsBytes) {
  const Topology t = Topology::single_switch(8, kBps, kLat);
  const auto r8 = iota(8);
  const double bytes = 8e6;
  // Ring all-reduce: 2(n-1) steps x n ranks x bytes/n, each crossing an up and a down link.
  EXPECT_NEAR(simulate_collective(t, Collective::kRingAllReduce, r8, bytes).scale_up_bytes, 2 * 2 * 7 * bytes, 1.0);
  // All-to-all: each rank sends (n-1)/n of its buffer.
  EXPECT_NEAR(simulate_collective(t, Collective::kAllToAll, r8, bytes).scale_up_bytes, 2 * 8 * bytes * 7 / 8, 1.0);
}

TEST(Collectives, OversubscribedFabricSlowsCrossLeafAllToAll) {
  // 16 nodes, one plane, 8 NICs per node -> 128 NICs on 64-port leaves (32 down ports) -> 4 leaves.
  ClusterSpec c = testing::h800_cluster(16);
  c.topology.planes = 1;
  const Topology full = Topology::from_cluster(c);
  c.topology.oversubscription = 4.0;  // 51 down ports: 3 leaves, uplinks carry a quarter of the NIC total
  const Topology over = Topology::from_cluster(c);
  const auto all = iota(128);
  const double t_full = simulate_collective(full, Collective::kAllToAll, all, 64e6).time_s;
  const double t_over = simulate_collective(over, Collective::kAllToAll, all, 64e6).time_s;
  std::printf("all-to-all 128 GPUs: full bisection %.3e s, 4:1 oversubscribed %.3e s\n", t_full, t_over);
  // Full bisection: NIC-bound, each GPU sends its 120/128 off-node share over its own 50 GB/s NIC.
  EXPECT_NEAR(t_full / (64e6 * 120 / 128 / 50e9), 1.0, 0.02);
  EXPECT_GT(t_over, 1.5 * t_full);
}

}  // namespace
}  // namespace moeplan::network
