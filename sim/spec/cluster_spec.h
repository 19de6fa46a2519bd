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
  // Mixed GPU types (cluster.pools): when enabled, gpu, n_nodes and scale_up above describe the first pool's GPU
  // and the pools' total node count, and each pool's own GPU and scale-up fabric are in pools.pools.
  GpuPoolsSpec pools;

  int n_gpus() const { return n_nodes * gpus_per_node; }
};

void validate(const ClusterSpec& c);

}  // namespace moeplan
