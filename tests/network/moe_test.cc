// MoE routing and dispatch/combine: sampler properties, closed-form expectations, DES against the closed
// form, and DeepEP's published H800 bandwidths (shared/reference/published-numbers.md §4.1).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>
#include <vector>

#include "sim/units/random.h"
#include "sim/network/moe_alltoall.h"
#include "sim/network/moe_routing.h"
#include "tests/network/test_clusters.h"

namespace moeplan::network {
namespace {

// DeepSeek-V3 routing: 256 experts, top-8, 8 groups, at most 4 groups (nodes) per token.
constexpr MoeRoutingSpec kV3{256, 8, 8, 4};

std::vector<int> iota(int n) {
  std::vector<int> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(MoeRouting, SamplesDistinctExpertsInsideAtMostMGroupsUniformly) {
  Rng rng(7);
  std::vector<int> experts;
  const int n = 20000;
  sample_routing(kV3, n, rng, experts);
  ASSERT_EQ(experts.size(), static_cast<std::size_t>(n) * 8);
  std::vector<int> load(256, 0);
  for (int t = 0; t < n; ++t) {
    std::set<int> e, g;
    for (int k = 0; k < 8; ++k) {
      const int x = experts[t * 8 + k];
      ASSERT_GE(x, 0);
      ASSERT_LT(x, 256);
      e.insert(x);
      g.insert(x / 32);
      ++load[x];
    }
    EXPECT_EQ(e.size(), 8u);
    EXPECT_LE(g.size(), 4u);
  }
  // Balanced: each expert expects n * 8 / 256 = 625 hits; binomial sd ~ 24.6; allow 5 sd.
  for (int l : load) EXPECT_NEAR(l, 625, 125);
  // Same seed, same routing.
  Rng a(99), b(99);
  std::vector<int> ea, eb;
  sample_routing(kV3, 100, a, ea);
  sample_routing(kV3, 100, b, eb);
  EXPECT_EQ(ea, eb);
}

TEST(MoeRouting, ExpectedBlocksHitMatchesSampling) {
  Rng rng(11);
  std::vector<int> experts;
  const int n = 40000;
  sample_routing(kV3, n, rng, experts);
  for (int blocks : {8, 64, 2}) {
    const int size = 256 / blocks;
    double hits = 0;
    for (int t = 0; t < n; ++t) {
      std::set<int> b;
      for (int k = 0; k < 8; ++k) b.insert(experts[t * 8 + k] / size);
      hits += static_cast<double>(b.size());
    }
    const double expected = expected_blocks_hit(kV3, blocks);
    std::printf("blocks %2d: sampled %.4f, closed form %.4f distinct blocks per token\n", blocks, hits / n, expected);
    EXPECT_NEAR(hits / n, expected, 0.01 * expected);
  }
  // Unlimited routing over 8 ranks of 32 experts: 8 (1 - C(224,8)/C(256,8)).
  double miss = 1;
  for (int i = 0; i < 8; ++i) miss *= (224.0 - i) / (256.0 - i);
  EXPECT_NEAR(expected_blocks_hit({256, 8, 1, 1}, 8), 8 * (1 - miss), 1e-12);
}

MoeCommSpec deepep_spec(const MoeRoutingSpec& routing, MoeDirection dir) {
  // DeepEP normal-kernel benchmark: 4096 tokens per rank, hidden 7168, top-8 of 256, FP8 dispatch, BF16
  // combine (published-numbers.md §4.1).
  MoeCommSpec s;
  s.tokens_per_rank = 4096;
  s.bytes_per_token = dir == MoeDirection::kDispatch ? fp8_dispatch_bytes_per_token(7168) : bf16_combine_bytes_per_token(7168);
  s.routing = routing;
  return s;
}

void report(const char* what, double predicted, double target) {
  std::printf("%-34s prediction %6.1f GB/s  target %6.1f GB/s  error %+.1f%%\n", what, predicted / 1e9, target / 1e9,
              100 * (predicted / target - 1));
}

TEST(MoeAllToAll, DeepEpIntranodeEp8Dispatch) {
  // DeepEP's intranode test routes top-8 of 256 with no group limit (tests/test_intranode.py).
  const Topology topo = Topology::from_cluster(testing::h800_cluster(1));
  Rng rng(2025);
  const auto spec = deepep_spec({256, 8, 1, 1}, MoeDirection::kDispatch);
  const MoeCommResult r = simulate_moe_alltoall(topo, iota(8), spec, MoeDirection::kDispatch, rng);
  const double closed = moe_alltoall_time_s(spec, 8, 8, 160e9, 3.33e-6, 0, 0);
  std::printf("EP8 dispatch: DES %.1f us, closed form %.1f us\n", r.time_s * 1e6, closed * 1e6);
  // Bottleneck bandwidth = bytes over the bottleneck link class (NVLink) per rank / time. DeepEP: 153 GB/s.
  report("EP8 intranode dispatch (NVLink)", r.scale_up_Bps_per_rank, 153e9);
  // DeepEP's own counter also counts each rank's tokens to itself, which use no link.
  report("  same, DeepEP logical counter", r.logical_nvl_Bps, 153e9);
  EXPECT_NEAR(r.scale_up_Bps_per_rank / 153e9, 1.0, 0.15);
  EXPECT_NEAR(r.time_s / closed, 1.0, 0.05);
  EXPECT_GE(r.time_s, 0.99 * closed);  // sampled imbalance only slows the busiest rank
}

TEST(MoeAllToAll, DeepEpIntranodeEp8Combine) {
  const Topology topo = Topology::from_cluster(testing::h800_cluster(1));
  Rng rng(2025);
  const auto spec = deepep_spec({256, 8, 1, 1}, MoeDirection::kCombine);
  const MoeCommResult r = simulate_moe_alltoall(topo, iota(8), spec, MoeDirection::kCombine, rng);
  report("EP8 intranode combine (NVLink)", r.scale_up_Bps_per_rank, 158e9);
  EXPECT_NEAR(r.scale_up_Bps_per_rank / 158e9, 1.0, 0.15);
}

TEST(MoeAllToAll, Ep64OverEightNodesIsIbBoundSoNvlinkBandwidthDoesNotMoveIt) {
  // Why DeepSeek-V3's layout steps identically on H800 (NVLink 200 GB/s per direction) and H100 (450): its EP64
  // dispatch crosses 8 nodes with node-limited routing, the IB leg (50 GB/s per GPU) carries each token to up to
  // 4 other nodes, and the NVLink leg forwards it inside the node underneath. The all-to-all takes the longer
  // leg, which is IB whenever NVLink is faster than about twice IB. Only below that does NVLink set the time.
  const auto spec = deepep_spec(kV3, MoeDirection::kDispatch);
  const double h800 = moe_alltoall_time_s(spec, 64, 8, 160e9, 3.33e-6, 50e9, 2.8e-6);
  const double h100 = moe_alltoall_time_s(spec, 64, 8, 360e9, 3.33e-6, 50e9, 2.8e-6);
  const double slow_nvlink = moe_alltoall_time_s(spec, 64, 8, 40e9, 3.33e-6, 50e9, 2.8e-6);
  std::printf("EP64 dispatch: %.1f us at H800 NVLink, %.1f us at H100 NVLink, %.1f us at 40 GB/s NVLink\n",
              h800 * 1e6, h100 * 1e6, slow_nvlink * 1e6);
  EXPECT_DOUBLE_EQ(h800, h100);
  EXPECT_GT(slow_nvlink, 1.2 * h800);
}

TEST(MoeAllToAll, DeepEpInternodeEp64DispatchAndCombine) {
  // EP64 = 8 H800 nodes; groups = nodes, top-4 groups (tests/test_internode.py), multi-plane IB.
  const Topology topo = Topology::from_cluster(testing::h800_cluster(8));
  Rng rng(2025);
  const auto spec = deepep_spec(kV3, MoeDirection::kDispatch);
  const MoeCommResult r = simulate_moe_alltoall(topo, iota(64), spec, MoeDirection::kDispatch, rng);
  const double closed = moe_alltoall_time_s(spec, 64, 8, 160e9, 3.33e-6, 50e9, 2.8e-6);
  std::printf("EP64 dispatch: DES %.1f us, closed form %.1f us, %llu events, %llu rate solves\n", r.time_s * 1e6,
              closed * 1e6, static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.rate_solves));
  report("EP64 internode dispatch (RDMA)", r.scale_out_Bps_per_rank, 51e9);
  report("  same, DeepEP logical counter", r.logical_rdma_Bps, 51e9);
  EXPECT_NEAR(r.scale_out_Bps_per_rank / 51e9, 1.0, 0.15);
  // The closed form assumes balanced loads and perfect IB/NVLink overlap; the DES sees the busiest sampled
  // NIC and the relay tail of the last chunk.
  EXPECT_NEAR(r.time_s / closed, 1.0, 0.10);
  EXPECT_GE(r.time_s, 0.99 * closed);

  Rng rng2(2025);
  const auto cspec = deepep_spec(kV3, MoeDirection::kCombine);
  const MoeCommResult c = simulate_moe_alltoall(topo, iota(64), cspec, MoeDirection::kCombine, rng2);
  report("EP64 internode combine (RDMA)", c.scale_out_Bps_per_rank, 50e9);
  EXPECT_NEAR(c.scale_out_Bps_per_rank / 50e9, 1.0, 0.15);
}

TEST(MoeAllToAll, DeterministicForASeed) {
  const Topology topo = Topology::from_cluster(testing::h800_cluster(2));
  MoeCommSpec spec = deepep_spec(kV3, MoeDirection::kDispatch);
  spec.tokens_per_rank = 512;
  Rng a(5), b(5);
  const auto ra = simulate_moe_alltoall(topo, iota(16), spec, MoeDirection::kDispatch, a);
  const auto rb = simulate_moe_alltoall(topo, iota(16), spec, MoeDirection::kDispatch, b);
  EXPECT_EQ(ra.time_s, rb.time_s);
  EXPECT_EQ(ra.scale_out_bytes, rb.scale_out_bytes);
}

TEST(MoeRouting, WeightedSamplingFollowsPopularityInsideTheGroupLimit) {
  // Uniform weights reproduce balanced routing; skewed weights keep every token within M groups and on
  // distinct experts, and an expert drawn three times as often as another is hit about three times as often.
  Rng rng(17);
  std::vector<int> experts;
  const int n = 20000;
  sample_routing_weighted(kV3, std::vector<double>(256, 1.0), n, rng, experts);
  std::vector<int> load(256, 0);
  for (int x : experts) ++load[x];
  for (int l : load) EXPECT_NEAR(l, 625, 125);  // as in the unweighted test: 5 binomial sd

  std::vector<double> w(256, 1.0);
  for (int e = 0; e < 32; ++e) w[e] = 3.0;  // group 0 three times as popular, expert by expert
  experts.clear();
  sample_routing_weighted(kV3, w, n, rng, experts);
  std::vector<int> hot(256, 0);
  for (int t = 0; t < n; ++t) {
    std::set<int> e, g;
    for (int k = 0; k < 8; ++k) {
      e.insert(experts[t * 8 + k]);
      g.insert(experts[t * 8 + k] / 32);
      ++hot[experts[t * 8 + k]];
    }
    EXPECT_EQ(e.size(), 8u);
    EXPECT_LE(g.size(), 4u);
  }
  const double group0 = std::accumulate(hot.begin(), hot.begin() + 32, 0.0) / 32;
  const double others = std::accumulate(hot.begin() + 32, hot.end(), 0.0) / 224;
  std::printf("weighted routing: group-0 expert hit %.0f times, others %.0f (weight ratio 3)\n", group0, others);
  // A token takes a group at most once, so a popular group's hit rate saturates below its weight ratio.
  EXPECT_GT(group0 / others, 1.5);
  EXPECT_LT(group0 / others, 3.0);
}

TEST(MoeAllToAll, ExpectedTrafficMatchesTheClosedFormOnOneNode) {
  // Balanced routing without sampling noise on one NVSwitch node: every link carries exactly the closed
  // form's bytes, so the DES of the expected traffic equals the closed form.
  const Topology topo = Topology::from_cluster(testing::h800_cluster(1));
  const auto spec = deepep_spec({256, 8, 1, 1}, MoeDirection::kDispatch);
  const MoeTraffic tr = expected_moe_traffic(8, 8, spec);
  for (double c : tr.received_copies) EXPECT_DOUBLE_EQ(c, 4096.0 * 8);
  const MoeCommResult r = simulate_moe_traffic(topo, iota(8), tr, spec, MoeDirection::kDispatch);
  const double closed = moe_alltoall_time_s(spec, 8, 8, topo.scale_up_Bps(), topo.scale_up_latency_s(), 0, 0);
  std::printf("EP8 expected-traffic dispatch: DES %.3f us, closed form %.3f us\n", r.time_s * 1e6, closed * 1e6);
  EXPECT_NEAR(r.time_s / closed, 1.0, 1e-3);
  // Sampled traffic counts every (token, expert) pair once: T k copies on average per rank.
  Rng rng(3);
  const MoeTraffic sampled = sample_moe_traffic(8, 8, spec, rng);
  EXPECT_DOUBLE_EQ(std::accumulate(sampled.received_copies.begin(), sampled.received_copies.end(), 0.0),
                   8.0 * 4096 * 8);
}

TEST(MoeAllToAll, PerExpertCopiesMoveEveryCopyAndMatchTheClosedForm) {
  // Megatron-Core's all-to-all dispatcher: Qwen3-235B-like routing (128 experts, top-8, no group limit) over
  // EP32 = 4 nodes. Every (token, expert) copy on another GPU travels on its own, so the scale-out bytes are
  // T k (ep - g) / ep per rank, against DeepEP's one copy per (token, remote node).
  const Topology topo = Topology::from_cluster(testing::h800_cluster(4));
  MoeCommSpec spec;
  spec.tokens_per_rank = 2048;
  spec.bytes_per_token = 4096 * 2.0;
  spec.routing = {128, 8, 1, 1};
  spec.per_expert_copies = true;
  const MoeTraffic tr = expected_moe_traffic(32, 8, spec);
  const MoeCommResult r = simulate_moe_traffic(topo, iota(32), tr, spec, MoeDirection::kDispatch);
  const double per_rank_ib = 2048 * 8 * (32 - 8) / 32.0 * 4096 * 2;
  const double per_rank_nvl = 2048 * 8 * (8 - 1) / 32.0 * 4096 * 2;
  EXPECT_NEAR(r.scale_out_bytes / (32 * per_rank_ib), 1.0, 1e-9);
  EXPECT_NEAR(r.scale_up_bytes / (32 * per_rank_nvl), 1.0, 1e-9);
  const double closed = moe_alltoall_time_s(spec, 32, 8, topo.scale_up_Bps(), topo.scale_up_latency_s(),
                                            topo.scale_out_Bps(), topo.scale_out_latency_s());
  std::printf("EP32 per-expert-copy dispatch: DES %.1f us, closed form %.1f us\n", r.time_s * 1e6, closed * 1e6);
  EXPECT_NEAR(r.time_s / closed, 1.0, 0.05);
  // The node relay moves strictly fewer scale-out bytes for the same routing.
  MoeCommSpec relay = spec;
  relay.per_expert_copies = false;
  const MoeCommResult d = simulate_moe_traffic(topo, iota(32), expected_moe_traffic(32, 8, relay), relay,
                                               MoeDirection::kDispatch);
  EXPECT_LT(d.scale_out_bytes, 0.5 * r.scale_out_bytes);
  // Sampled copies add up to T k per rank.
  Rng rng(11);
  const MoeTraffic sampled = sample_moe_traffic(32, 8, spec, rng);
  EXPECT_DOUBLE_EQ(std::accumulate(sampled.copies.begin(), sampled.copies.end(), 0.0), 32.0 * 2048 * 8);
}

}  // namespace
}  // namespace moeplan::network
