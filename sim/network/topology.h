// Topology: the link graph of a cluster, built from a ClusterSpec, and the route between any two GPUs.
//
// Inside a node the GPUs hang off either an NVSwitch (one up and one down link per GPU at the scale-up
// fabric's achievable per-direction bandwidth) or a PCIe tree (same, at the PCIe rate, plus a host-memory
// link that GPU-to-GPU traffic crosses twice when peer-to-peer is off). Between nodes every NIC has a
// transmit and a receive port into a leaf switch of a two-level leaf/spine fat tree; the spine layer of
// each plane is one aggregate core (ideal ECMP / adaptive routing) and a leaf's uplink carries
// (NICs on the leaf x NIC rate / oversubscription). With `planes` > 1, NIC index i sits in plane i mod
// planes and planes do not connect (DeepSeek's multi-plane fat tree, arXiv:2505.09343 §4), so traffic to
// another index first lands on the same-index GPU of the destination node and finishes over the scale-up
// fabric, the way DeepEP routes tokens (arXiv:2412.19437 §3.2.2). Links are directed. A scale-up domain
// larger than a node (ClusterSpec::scale_up_gpus, e.g. NVL72) is built as one "node" here: every GPU of it
// hangs off the same NVSwitch, and the domain owns the NICs of all its trays.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/spec/cluster_spec.h"

namespace moeplan::network {

enum class LinkClass : std::uint8_t {
  kScaleUp,     // GPU <-> NVSwitch / PCIe switch, or a ring neighbour link
  kHostMemory,  // root complex <-> host memory (crossed twice by staged transfers)
  kNic,         // NIC port <-> leaf switch (one per direction)
  kFabric,      // leaf <-> spine core
};
const char* to_string(LinkClass c);

struct TopoLink {
  std::string name;
  double capacity_Bps = 0;
  LinkClass cls = LinkClass::kScaleUp;
};

struct Route {
  std::vector<std::uint32_t> links;  // indices into Topology::links(), in order; may repeat a link
  double latency_s = 0;
};

class Topology {
 public:
  // Throws a user Error for specs it cannot build (unknown topology kind, planes not dividing NICs, ...).
  static Topology from_cluster(const ClusterSpec& cluster);
  // n GPUs on one non-blocking switch: each GPU has an up and a down link of link_Bps.
  static Topology single_switch(int n_gpus, double link_Bps, double latency_s);
  // n GPUs in a unidirectional ring: GPU i -> i+1 over one link; routes follow the ring.
  static Topology ring(int n_gpus, double link_Bps, double latency_s);

  int n_gpus() const { return n_gpus_; }
  int n_nodes() const { return n_nodes_; }
  int gpus_per_node() const { return gpus_per_node_; }
  int node_of(int gpu) const { return gpu / gpus_per_node_; }
  int local_index(int gpu) const { return gpu % gpus_per_node_; }
  const std::vector<TopoLink>& links() const { return links_; }

  Route route(int src, int dst) const;
  // Per-direction bandwidth and one-way latency of the scale-up and scale-out fabrics (for closed forms).
  double scale_up_Bps() const { return scale_up_Bps_; }
  double scale_up_latency_s() const { return scale_up_latency_s_; }
  double scale_out_Bps() const { return scale_out_Bps_; }
  double scale_out_latency_s() const { return scale_out_latency_s_; }

 private:
  std::uint32_t add_link(std::string name, double capacity_Bps, LinkClass cls);
  void append_intra(int src, int dst, Route& r) const;
  void append_to_nic(int gpu, Route& r) const;
  void append_from_nic(int gpu, Route& r) const;
  int nic_of(int gpu) const { return node_of(gpu) * nics_per_node_ + local_index(gpu) * nics_per_node_ / gpus_per_node_; }

  int n_gpus_ = 0;
  int n_nodes_ = 1;
  int gpus_per_node_ = 1;
  int nics_per_node_ = 0;
  int planes_ = 1;
  bool is_ring_ = false;
  bool pcie_ = false;
  bool p2p_ = true;
  double scale_up_Bps_ = 0, scale_up_latency_s_ = 0, scale_out_Bps_ = 0, scale_out_latency_s_ = 0;
  double extra_hop_s_ = 0;  // per extra switch traversal on cross-leaf routes
  std::vector<TopoLink> links_;
  std::vector<std::uint32_t> up_, down_;      // per GPU (ring: up_ is the link to the next GPU)
  std::vector<std::uint32_t> host_;           // per node, kNoLink without a PCIe host path
  std::vector<std::uint32_t> nic_tx_, nic_rx_, nic_leaf_;  // per NIC (global index)
  std::vector<std::uint32_t> leaf_up_, leaf_down_;         // per leaf, kNoLink when the plane has one leaf
};

}  // namespace moeplan::network
