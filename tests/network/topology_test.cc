// Topology: link inventory and routes for NVSwitch, PCIe (p2p on/off) and multi-plane fat-tree clusters.
#include <gtest/gtest.h>

#include "sim/network/topology.h"
#include "sim/units/error.h"
#include "tests/network/test_clusters.h"

namespace moeplan::network {
namespace {

std::vector<LinkClass> classes(const Topology& t, const Route& r) {
  std::vector<LinkClass> out;
  for (auto l : r.links) out.push_back(t.links()[l].cls);
  return out;
}

TEST(Topology, NvswitchNodeRoutesThroughTheSwitch) {
  const Topology t = Topology::from_cluster(testing::h800_cluster(1));
  EXPECT_EQ(t.n_gpus(), 8);
  EXPECT_EQ(t.links().size(), 16u);  // up + down per GPU
  const Route r = t.route(1, 6);
  ASSERT_EQ(r.links.size(), 2u);
  EXPECT_DOUBLE_EQ(t.links()[r.links[0]].capacity_Bps, 160e9);
  EXPECT_DOUBLE_EQ(r.latency_s, 3.33e-6);
  EXPECT_TRUE(t.route(3, 3).links.empty());
}

// GB200 NVL72 (hardware.md §5 [S14]): trays of 4 GPUs, one NVLink 5 domain across 72 of them, one NIC per GPU
// [S3]. With 144 GPUs the domain holds 18 trays: GPU 0 reaches GPU 71 (another tray, same rack) over NVLink
// only, and GPU 72 (the next rack) through its NIC.
TEST(Topology, ScaleUpDomainSpansTrays) {
  ClusterSpec c = testing::h800_cluster(36);
  c.gpus_per_node = 4;
  c.nics_per_node = 4;
  c.topology.planes = 1;
  c.topology.kind = "single-switch";  // one leaf: a cross-rack route is NIC to NIC
  c.scale_up = FabricSpec{"nvlink5", FabricKind::kNvlink, 900e9, 746e9, 3.33e-6, "hardware.md §2"};
  c.scale_up_domain_gpus = 72;
  const Topology t = Topology::from_cluster(c);
  EXPECT_EQ(t.n_gpus(), 144);
  EXPECT_EQ(t.gpus_per_node(), 72);
  EXPECT_EQ(t.n_nodes(), 2);
  const Route in_rack = t.route(0, 71);
  EXPECT_EQ(classes(t, in_rack), (std::vector<LinkClass>{LinkClass::kScaleUp, LinkClass::kScaleUp}));
  EXPECT_DOUBLE_EQ(t.links()[in_rack.links[0]].capacity_Bps, 746e9);
  const Route across = t.route(0, 72);
  EXPECT_EQ(classes(t, across), (std::vector<LinkClass>{LinkClass::kNic, LinkClass::kNic}));
  // The same trays without the domain: GPU 0 and GPU 4 sit in different nodes.
  c.scale_up_domain_gpus = 0;
  const Topology trays = Topology::from_cluster(c);
  EXPECT_EQ(classes(trays, trays.route(0, 4)), (std::vector<LinkClass>{LinkClass::kNic, LinkClass::kNic}));
}

TEST(Topology, MultiPlaneRoutesSameIndexOverIbAndOtherIndicesViaNvlinkRelay) {
  const Topology t = Topology::from_cluster(testing::h800_cluster(8));
  // 64 GPUs: 128 NVLink links, 64 NICs x 2 ports; 8 NICs per plane fit one leaf: no spine links.
  EXPECT_EQ(t.links().size(), 128u + 128u);
  const Route same = t.route(3, 5 * 8 + 3);
  EXPECT_EQ(classes(t, same), (std::vector<LinkClass>{LinkClass::kNic, LinkClass::kNic}));
  EXPECT_DOUBLE_EQ(same.latency_s, 2.8e-6);
  const Route cross = t.route(3, 5 * 8 + 6);  // planes differ: land on GPU 5*8+3, then NVLink to 5*8+6
  EXPECT_EQ(classes(t, cross), (std::vector<LinkClass>{LinkClass::kNic, LinkClass::kNic, LinkClass::kScaleUp,
                                                       LinkClass::kScaleUp}));
  EXPECT_EQ(t.links()[cross.links[2]].name, "n5/gpu3->nvswitch");
  EXPECT_DOUBLE_EQ(cross.latency_s, 2.8e-6 + 3.33e-6);
}

TEST(Topology, LargeFatTreeCrossesLeavesWithOversubscribedUplinks) {
  ClusterSpec c = testing::h800_cluster(256);  // 2048 GPUs, DeepSeek-V3 scale
  c.topology.oversubscription = 3.0;
  const Topology t = Topology::from_cluster(c);
  // Radix 64 at 3:1 -> 48 down ports per leaf; 256 NICs per plane -> 6 leaves (5 x 48 + 16).
  const Route near = t.route(0, 8);      // nodes 0 and 1, same leaf of plane 0
  EXPECT_EQ(near.links.size(), 2u);
  const Route far = t.route(0, 200 * 8);  // node 200: another leaf of plane 0
  ASSERT_EQ(far.links.size(), 4u);
  EXPECT_EQ(t.links()[far.links[1]].cls, LinkClass::kFabric);
  EXPECT_DOUBLE_EQ(t.links()[far.links[1]].capacity_Bps, 48 * 50e9 / 3.0);
  EXPECT_NEAR(far.latency_s, 2.8e-6 + 0.9e-6, 1e-12);  // 3.7 us cross leaf (ISCA'25 Table 5)
}

TEST(Topology, SinglePlaneRoutesDirectlyToAnyNic) {
  ClusterSpec c = testing::h800_cluster(2);
  c.topology.planes = 1;
  const Topology t = Topology::from_cluster(c);
  const Route r = t.route(3, 8 + 6);
  EXPECT_EQ(classes(t, r), (std::vector<LinkClass>{LinkClass::kNic, LinkClass::kNic}));
  EXPECT_EQ(t.links()[r.links[1]].name, "leaf->n1/nic6");
}

TEST(Topology, PcieWithoutP2pCrossesHostMemoryTwice) {
  const Topology on = Topology::from_cluster(testing::pcie_box(true));
  const Topology off = Topology::from_cluster(testing::pcie_box(false));
  EXPECT_EQ(classes(on, on.route(0, 1)), (std::vector<LinkClass>{LinkClass::kScaleUp, LinkClass::kScaleUp}));
  const Route r = off.route(0, 1);
  EXPECT_EQ(classes(off, r), (std::vector<LinkClass>{LinkClass::kScaleUp, LinkClass::kHostMemory,
                                                     LinkClass::kHostMemory, LinkClass::kScaleUp}));
  EXPECT_EQ(r.links[1], r.links[2]);
  EXPECT_DOUBLE_EQ(r.latency_s, 6e-6);
}

TEST(Topology, RingRoutesForward) {
  const Topology t = Topology::ring(5, 10e9, 1e-6);
  const Route r = t.route(3, 1);  // 3 -> 4 -> 0 -> 1
  EXPECT_EQ(r.links.size(), 3u);
  EXPECT_DOUBLE_EQ(r.latency_s, 3e-6);
}

TEST(Topology, BadSpecsAreUserErrors) {
  ClusterSpec c = testing::h800_cluster(2);
  c.topology.kind = "torus";
  EXPECT_THROW(Topology::from_cluster(c), Error);
  c = testing::h800_cluster(2);
  c.topology.planes = 9;
  EXPECT_THROW(Topology::from_cluster(c), Error);
}

}  // namespace
}  // namespace moeplan::network
