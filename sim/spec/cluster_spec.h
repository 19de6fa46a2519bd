// ClusterSpec: nodes of GPUs, the scale-up fabric inside a node and the scale-out fabric between nodes.
#pragma once

#include <string>

#include "sim/spec/gpu_pool_spec.h"
#include "sim/spec/hardware_spec.h"

namespace moeplan {

struct TopologySpec {
  std::string kind = "fat-tree";  // "fat-tree" | "rail-optimized" | "single-switch"
  int levels = 2;                 // fat-tree levels (2: leaf/spine)
  int planes = 1;                 // multi-plane fat-tree: each NIC index in its own plane (DeepSeek: 8)
  double oversubscription = 1.0;  // leaf uplink oversubscription (1.0 = full bisection)
  int switch_radix = 64;          // ports per switch (Quantum-2 NDR: 64)
};

struct ClusterSpec {
  GpuSpec gpu;
  int n_nodes = 1;
  int gpus_per_node = 8;
  FabricSpec scale_up;            // NVLink/NVSwitch, or PCIe when the GPU has none
  FabricSpec scale_out;           // IB / RoCE / Ethernet between nodes
  int nics_per_node = 8;
  bool p2p = true;                // PCIe peer-to-peer (off: GPU-to-GPU traffic crosses host memory)
  TopologySpec topology;
  // GPUs that share one scale-up fabric when it reaches past a node: an NVL72 rack joins the 72 GPUs of its
  // 18 compute trays over NVLink 5 switch trays (GB200 NVL72 datasheet). 0: the node is the domain.
  int scale_up_domain_gpus = 0;
  // Mixed GPU types (cluster.pools): when enabled, gpu, n_nodes and scale_up above describe the first pool's GPU
  // and the pools' total node count, and each pool's own GPU and scale-up fabric are in pools.pools.
  GpuPoolsSpec pools;

  int n_gpus() const { return n_nodes * gpus_per_node; }
  // GPUs of this cluster that sit together on one scale-up fabric: the node, or the most whole nodes of a
  // larger domain that tile the cluster evenly (256 GPUs on NVL72 racks run as 4 x 64, the other 8 GPUs of
  // each rack idle as spares; a cluster smaller than a domain is one domain). Everything the network model
  // calls a "node" (TP and EP groups on NVLink, NICs behind it) is this group.
  int scale_up_gpus() const {
    if (scale_up_domain_gpus <= gpus_per_node || gpus_per_node < 1) return gpus_per_node;
    const int gpus = n_gpus();
    for (int m = scale_up_domain_gpus - scale_up_domain_gpus % gpus_per_node; m > gpus_per_node; m -= gpus_per_node)
      if (gpus % m == 0) return m;
    return gpus_per_node;
  }
  int n_scale_up_domains() const { return n_gpus() / scale_up_gpus(); }
};

void validate(const ClusterSpec& c);

}  // namespace moeplan
