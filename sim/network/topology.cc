// Building the link graph from a ClusterSpec, and routing (see topology.h for the model).
#include "sim/network/topology.h"

#include <algorithm>
#include <string>

#include "sim/units/error.h"

namespace moeplan::network {

namespace {
constexpr std::uint32_t kNoLink = 0xFFFFFFFFu;

// Extra one-way latency per additional switch traversal when a route crosses leaves (leaf -> spine ->
// leaf adds two): DeepSeek ISCA'25 (arXiv:2505.09343) Table 5 measured IB 2.8 us same leaf vs 3.7 us cross
// leaf, RoCE 3.6 vs 5.6 us.
double extra_switch_hop_s(FabricKind k) {
  return (k == FabricKind::kRoce || k == FabricKind::kEthernet) ? (5.6e-6 - 3.6e-6) / 2 : (3.7e-6 - 2.8e-6) / 2;
}

std::string gpu_name(int node, int local) { return "n" + std::to_string(node) + "/gpu" + std::to_string(local); }
}  // namespace

const char* to_string(LinkClass c) {
  switch (c) {
    case LinkClass::kScaleUp: return "scale-up";
    case LinkClass::kHostMemory: return "host-memory";
    case LinkClass::kNic: return "nic";
    case LinkClass::kFabric: return "fabric";
  }
  return "?";
}

std::uint32_t Topology::add_link(std::string name, double capacity_Bps, LinkClass cls) {
  links_.push_back(TopoLink{std::move(name), capacity_Bps, cls});
  return static_cast<std::uint32_t>(links_.size() - 1);
}

Topology Topology::single_switch(int n_gpus, double link_Bps, double latency_s) {
  if (n_gpus < 1 || !(link_Bps > 0) || latency_s < 0)
    throw_user_error("single_switch topology needs n_gpus >= 1, positive bandwidth, latency >= 0");
  Topology t;
  t.n_gpus_ = n_gpus;
  t.gpus_per_node_ = n_gpus;
  t.scale_up_Bps_ = link_Bps;
  t.scale_up_latency_s_ = latency_s;
  for (int g = 0; g < n_gpus; ++g) {
    t.up_.push_back(t.add_link(gpu_name(0, g) + "->switch", link_Bps, LinkClass::kScaleUp));
    t.down_.push_back(t.add_link("switch->" + gpu_name(0, g), link_Bps, LinkClass::kScaleUp));
  }
  t.host_.push_back(kNoLink);
  return t;
}

Topology Topology::ring(int n_gpus, double link_Bps, double latency_s) {
  if (n_gpus < 1 || !(link_Bps > 0) || latency_s < 0)
    throw_user_error("ring topology needs n_gpus >= 1, positive bandwidth, latency >= 0");
  Topology t;
  t.n_gpus_ = n_gpus;
  t.gpus_per_node_ = n_gpus;
  t.is_ring_ = true;
  t.scale_up_Bps_ = link_Bps;
  t.scale_up_latency_s_ = latency_s;
  for (int g = 0; g < n_gpus; ++g)
    t.up_.push_back(t.add_link(gpu_name(0, g) + "->" + gpu_name(0, (g + 1) % n_gpus), link_Bps, LinkClass::kScaleUp));
  t.host_.push_back(kNoLink);
  return t;
}

Topology Topology::from_cluster(const ClusterSpec& spec) {
  // A scale-up domain larger than a node (GB200 NVL72: 18 trays of 4 GPUs on NVLink switch trays) is one
  // NVSwitch island with the NICs of all its trays: the graph is built with the domain as its "node".
  ClusterSpec c = spec;
  if (spec.scale_up_gpus() != spec.gpus_per_node) {
    const int trays = spec.scale_up_gpus() / spec.gpus_per_node;
    c.gpus_per_node = spec.scale_up_gpus();
    c.n_nodes = spec.n_scale_up_domains();
    c.nics_per_node = spec.nics_per_node * trays;
  }
  const auto fail = [](const std::string& key, const std::string& msg, const std::string& expected) {
    throw_user_error(msg, ErrorContext{.key_path = key, .expected = expected});
  };
  if (c.n_nodes < 1 || c.gpus_per_node < 1) fail("cluster.nodes", "a cluster needs at least one GPU", ">= 1");
  if (!(c.scale_up.achievable_Bps > 0))
    fail("cluster.scale_up", "the scale-up fabric needs a positive achievable bandwidth", "e.g. 160 GB/s");
  const auto& topo = c.topology;
  if (topo.kind != "fat-tree" && topo.kind != "rail-optimized" && topo.kind != "single-switch")
    fail("cluster.topology.kind", "unknown topology kind `" + topo.kind + "`",
         "fat-tree | rail-optimized | single-switch");
  if (c.n_nodes > 1) {
    if (c.nics_per_node < 1) fail("cluster.nics_per_node", "a multi-node cluster needs NICs", ">= 1");
    if (!(c.scale_out.achievable_Bps > 0))
      fail("cluster.scale_out", "the scale-out fabric needs a positive achievable bandwidth", "e.g. 50 GB/s");
    if (topo.planes < 1 || topo.planes > c.nics_per_node)
      fail("cluster.topology.planes", "planes must be between 1 and nics_per_node", "1..nics_per_node");
    if (topo.oversubscription < 1.0) fail("cluster.topology.oversubscription", "must be >= 1", ">= 1.0");
    if (topo.switch_radix < 2) fail("cluster.topology.switch_radix", "must be >= 2", "e.g. 64");
  }
  Topology t;
  t.n_nodes_ = c.n_nodes;
  t.gpus_per_node_ = c.gpus_per_node;
  t.n_gpus_ = c.n_nodes * c.gpus_per_node;
  t.nics_per_node_ = c.n_nodes > 1 ? c.nics_per_node : 0;
  t.planes_ = c.n_nodes > 1 ? topo.planes : 1;
  t.pcie_ = c.scale_up.kind == FabricKind::kPcie;
  t.p2p_ = c.p2p;
  t.scale_up_Bps_ = c.scale_up.achievable_Bps;
  t.scale_up_latency_s_ = c.scale_up.latency_s;
  t.scale_out_Bps_ = c.scale_out.achievable_Bps;
  t.scale_out_latency_s_ = c.scale_out.latency_s;
  const char* sw = t.pcie_ ? "->pcie" : "->nvswitch";
  for (int n = 0; n < c.n_nodes; ++n) {
    for (int g = 0; g < c.gpus_per_node; ++g) {
      t.up_.push_back(t.add_link(gpu_name(n, g) + sw, c.scale_up.achievable_Bps, LinkClass::kScaleUp));
      t.down_.push_back(
          t.add_link("n" + std::to_string(n) + (sw + 2) + "->gpu" + std::to_string(g), c.scale_up.achievable_Bps,
                     LinkClass::kScaleUp));
    }
    // Staged copies go root complex -> host memory -> root complex: one half-duplex crossing each way, both
    // on this link, so a lone staged copy gets half of it.
    t.host_.push_back(t.pcie_ && !c.p2p ? t.add_link("n" + std::to_string(n) + "/host-memory",
                                                     c.scale_up.achievable_Bps, LinkClass::kHostMemory)
                                        : kNoLink);
  }
  if (c.n_nodes == 1) return t;

  const int n_nics = c.n_nodes * c.nics_per_node;
  for (int k = 0; k < n_nics; ++k) {
    const std::string nic = "n" + std::to_string(k / c.nics_per_node) + "/nic" + std::to_string(k % c.nics_per_node);
    t.nic_tx_.push_back(t.add_link(nic + "->leaf", c.scale_out.achievable_Bps, LinkClass::kNic));
    t.nic_rx_.push_back(t.add_link("leaf->" + nic, c.scale_out.achievable_Bps, LinkClass::kNic));
  }
  // Leaf assignment per plane. A leaf with radix R and oversubscription o has d = R o / (1 + o) down ports
  // (d : (R - d) = o : 1); single-switch puts a whole plane on one switch.
  const int down_ports = std::max(1, static_cast<int>(topo.switch_radix * topo.oversubscription /
                                                      (1.0 + topo.oversubscription)));
  t.nic_leaf_.assign(n_nics, 0);
  for (int p = 0; p < t.planes_; ++p) {
    std::vector<int> members;  // NIC global indices in this plane, in leaf-filling order
    if (topo.kind == "rail-optimized") {
      for (int i = p; i < c.nics_per_node; i += t.planes_)
        for (int n = 0; n < c.n_nodes; ++n) members.push_back(n * c.nics_per_node + i);
    } else {
      for (int n = 0; n < c.n_nodes; ++n)
        for (int i = p; i < c.nics_per_node; i += t.planes_) members.push_back(n * c.nics_per_node + i);
    }
    const int per_leaf = topo.kind == "single-switch" ? static_cast<int>(members.size()) : down_ports;
    const int n_leaves = (static_cast<int>(members.size()) + per_leaf - 1) / per_leaf;
    for (int leaf = 0; leaf < n_leaves; ++leaf) {
      const auto id = static_cast<std::uint32_t>(t.leaf_up_.size());
      const int first = leaf * per_leaf;
      const int count = std::min(per_leaf, static_cast<int>(members.size()) - first);
      for (int m = first; m < first + count; ++m) t.nic_leaf_[members[m]] = id;
      if (n_leaves == 1) {
        t.leaf_up_.push_back(kNoLink);
        t.leaf_down_.push_back(kNoLink);
        continue;
      }
      const double cap = count * c.scale_out.achievable_Bps / topo.oversubscription;
      const std::string name = "plane" + std::to_string(p) + "/leaf" + std::to_string(leaf);
      t.leaf_up_.push_back(t.add_link(name + "->spine", cap, LinkClass::kFabric));
      t.leaf_down_.push_back(t.add_link("spine->" + name, cap, LinkClass::kFabric));
    }
  }
  t.extra_hop_s_ = extra_switch_hop_s(c.scale_out.kind);
  return t;
}

void Topology::append_intra(int src, int dst, Route& r) const {
  r.links.push_back(up_[src]);
  const std::uint32_t host = host_[node_of(src)];
  if (host != kNoLink) {
    r.links.push_back(host);
    r.links.push_back(host);
    r.latency_s += scale_up_latency_s_;  // two PCIe traversals instead of one
  }
  r.links.push_back(down_[dst]);
  r.latency_s += scale_up_latency_s_;
}

void Topology::append_to_nic(int gpu, Route& r) const {
  if (!pcie_) return;  // NVSwitch boards: GPU and NIC share a PCIe Gen5 switch at >= NIC rate (hardware.md §2)
  r.links.push_back(up_[gpu]);
  const std::uint32_t host = host_[node_of(gpu)];
  if (host != kNoLink) {
    r.links.push_back(host);
    r.links.push_back(host);
  }
}

void Topology::append_from_nic(int gpu, Route& r) const {
  if (!pcie_) return;
  const std::uint32_t host = host_[node_of(gpu)];
  if (host != kNoLink) {
    r.links.push_back(host);
    r.links.push_back(host);
  }
  r.links.push_back(down_[gpu]);
}

Route Topology::route(int src, int dst) const {
  if (src < 0 || dst < 0 || src >= n_gpus_ || dst >= n_gpus_)
    throw_internal_error("Topology::route: GPU index out of range");
  Route r;
  if (src == dst) return r;
  if (is_ring_) {
    for (int g = src; g != dst; g = (g + 1) % n_gpus_) {
      r.links.push_back(up_[g]);
      r.latency_s += scale_up_latency_s_;
    }
    return r;
  }
  if (node_of(src) == node_of(dst)) {
    append_intra(src, dst, r);
    return r;
  }
  const int nic_a = nic_of(src);
  int relay = dst;
  if (planes_ > 1 && (nic_a % nics_per_node_) % planes_ != (nic_of(dst) % nics_per_node_) % planes_)
    relay = node_of(dst) * gpus_per_node_ + local_index(src);  // same-index GPU: same NIC index, same plane
  const int nic_b = nic_of(relay);
  append_to_nic(src, r);
  r.links.push_back(nic_tx_[nic_a]);
  r.latency_s += scale_out_latency_s_;
  const std::uint32_t leaf_a = nic_leaf_[nic_a], leaf_b = nic_leaf_[nic_b];
  if (leaf_a != leaf_b) {
    r.links.push_back(leaf_up_[leaf_a]);
    r.links.push_back(leaf_down_[leaf_b]);
    r.latency_s += 2 * extra_hop_s_;
  }
  r.links.push_back(nic_rx_[nic_b]);
  append_from_nic(relay, r);
  if (relay != dst) append_intra(relay, dst, r);
  return r;
}

}  // namespace moeplan::network
