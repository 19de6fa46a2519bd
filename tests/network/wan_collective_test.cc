// The multi-site all-reduce against hand arithmetic: the ring the planner picks (largest minimum link), the
// WAN time 2(S-1) x max_link(bytes/S / B + latency), uplink caps, the bytes each site sends and the egress bill,
// and the intra-site stages.
#include <gtest/gtest.h>

#include <cstdio>

#include "sim/network/wan_collective.h"

namespace moeplan::network {
namespace {

constexpr double kGbps = 1e9 / 8;  // bytes/s in one Gbit/s

SiteSpec site(const std::string& name, int nodes = 1) {
  SiteSpec s;
  s.name = name;
  s.n_nodes = nodes;
  s.gpus_per_node = 8;
  s.nics_per_node = 8;
  s.scale_up.achievable_Bps = 400e9;
  s.scale_up.latency_s = 0;
  s.scale_out.achievable_Bps = 50e9;
  s.scale_out.latency_s = 0;
  return s;
}

WanLinkSpec link(const std::string& a, const std::string& b, double gbps, double latency_s, double usd_per_gb) {
  WanLinkSpec l;
  l.a = a;
  l.b = b;
  l.bandwidth_Bps = gbps * kGbps;
  l.latency_s = latency_s;
  l.egress_usd_per_gb = usd_per_gb;
  return l;
}

// Four sites in a square: the sides are fast (1 Gbit/s), the diagonals slow (0.1 Gbit/s).
MultiSiteSpec square() {
  MultiSiteSpec m;
  for (const char* n : {"a", "b", "c", "d"}) m.sites.push_back(site(n));
  m.links = {link("a", "b", 1, 0.010, 0.02), link("b", "c", 1, 0.050, 0.02), link("c", "d", 1, 0.010, 0.08),
             link("d", "a", 1, 0.010, 0.02), link("a", "c", 0.1, 0.001, 0), link("b", "d", 0.1, 0.001, 0)};
  return m;
}

TEST(WanCollective, RingMaximisesTheMinimumLinkBandwidth) {
  const MultiSiteSpec m = square();
  const WanRing r = best_wan_ring(m);
  ASSERT_EQ(r.order.size(), 4u);
  ASSERT_EQ(r.links.size(), 4u);
  // a-b-c-d (either direction) uses only the sides: minimum 1 Gbit/s; any ring through a diagonal has 0.1.
  EXPECT_DOUBLE_EQ(r.min_bandwidth_Bps, 1 * kGbps);
  for (const WanRingLink& l : r.links) EXPECT_DOUBLE_EQ(l.bandwidth_Bps, 1 * kGbps);
}

TEST(WanCollective, AllReduceClosedForm) {
  const MultiSiteSpec m = square();
  const WanRing r = best_wan_ring(m);
  const double bytes = 10e9;  // one replica's payload
  const WanAllReduce w = wan_allreduce(m, r, bytes, 8);
  // Hand arithmetic: chunk = 10e9 / 4 = 2.5e9 B; at 1 Gbit/s = 1.25e8 B/s a chunk takes 20 s; the slowest link
  // adds 50 ms; 2(S-1) = 6 steps: 6 x 20.05 = 120.3 s.
  std::printf("WAN all-reduce %.4f s (hand 120.3 s), bottleneck %s\n", w.wan_s, w.bottleneck.c_str());
  EXPECT_NEAR(w.wan_s, 120.3, 1e-9);
  // One replica per site (8 GPUs = one replica): nothing to reduce inside a site.
  EXPECT_DOUBLE_EQ(w.intra_site_s, 0);
  EXPECT_DOUBLE_EQ(w.total_s, w.wan_s);
  // Bytes: each site sends 2(S-1)/S x 10e9 = 15e9 B; 60e9 B in all.
  EXPECT_DOUBLE_EQ(w.wan_bytes_per_site, 15e9);
  EXPECT_DOUBLE_EQ(w.wan_bytes, 60e9);
  // Egress = bytes x price per link: 15 GB x (0.02 + 0.02 + 0.08 + 0.02) $/GB = $2.10.
  std::printf("egress $%.4f (hand $2.10)\n", w.egress_usd);
  EXPECT_NEAR(w.egress_usd, 2.10, 1e-9);
  EXPECT_EQ(w.bottleneck, "b -> c at 1 Gbit/s");
}

TEST(WanCollective, UplinkCapsTheSendingSide) {
  MultiSiteSpec m = square();
  m.sites[0].uplink_Bps = 0.5 * kGbps;  // site a's own uplink: 0.5 Gbit/s
  const WanRing r = best_wan_ring(m);
  EXPECT_DOUBLE_EQ(r.min_bandwidth_Bps, 0.5 * kGbps);
  const WanAllReduce w = wan_allreduce(m, r, 10e9, 8);
  // a's link now carries a chunk in 2.5e9 / 6.25e7 = 40 s (+10 ms): 6 x 40.01 = 240.06 s.
  EXPECT_NEAR(w.wan_s, 240.06, 1e-9);
}

TEST(WanCollective, TwoSitesAndOneSite) {
  MultiSiteSpec m;
  m.sites = {site("x"), site("y")};
  m.default_link = link("", "", 4, 0.035, 0.05);
  const WanAllReduce w = wan_allreduce(m, best_wan_ring(m), 8e9, 8);
  // S = 2: 2 steps of (4e9 B / 5e8 B/s + 35 ms) = 2 x 8.035 = 16.07 s; each site sends 8e9 B.
  EXPECT_NEAR(w.wan_s, 16.07, 1e-9);
  EXPECT_DOUBLE_EQ(w.wan_bytes_per_site, 8e9);
  EXPECT_NEAR(w.egress_usd, 2 * 8 * 0.05, 1e-12);
  MultiSiteSpec one;
  one.sites = {site("x")};
  const WanAllReduce w1 = wan_allreduce(one, best_wan_ring(one), 8e9, 8);
  EXPECT_DOUBLE_EQ(w1.wan_s, 0);
  EXPECT_DOUBLE_EQ(w1.wan_bytes, 0);
}

TEST(WanCollective, IntraSiteStages) {
  // Two nodes of one 8-GPU replica each: every GPU's slice (bytes / 8) is reduce-scattered over the 2 nodes at
  // 50 GB/s per GPU (8 NICs for 8 GPUs): (2-1)/2 x 1.25e9 / 50e9 = 12.5 ms; all-gather the same.
  MultiSiteSpec m;
  m.sites = {site("x", 2), site("y", 1)};
  m.default_link = link("", "", 1000, 0, 0);
  EXPECT_NEAR(site_reduce_scatter_s(m.sites[0], 10e9, 8), 0.0125, 1e-12);
  const WanAllReduce w = wan_allreduce(m, best_wan_ring(m), 10e9, 8);
  EXPECT_NEAR(w.intra_site_s, 0.025, 1e-12);
  // Four 2-GPU replicas in one node: the DP group stays on NVLink: (4-1)/4 x (10e9 / 2) / 400e9.
  EXPECT_NEAR(site_reduce_scatter_s(site("z", 1), 10e9, 2), 0.75 * 5e9 / 400e9, 1e-12);
}

}  // namespace
}  // namespace moeplan::network
