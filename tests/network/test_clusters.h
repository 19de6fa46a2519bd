// Cluster specs used by the network tests, with figures from shared/reference/hardware.md.
#pragma once

#include "sim/spec/cluster_spec.h"

namespace moeplan::network::testing {

// H800 SXM node(s): NVLink 4 cut to 200 GB/s per direction, ~160 GB/s achievable (DeepSeek-V3 §3.2.2,
// hardware.md §2); 8 x CX7 400 Gb/s IB, ~50 GB/s each (DeepEP README: "~50 GB/s maximum bandwidth");
// latencies DeepSeek ISCA'25 Table 5 (NVLink 3.33 us, IB same leaf 2.8 us); multi-plane two-layer fat tree
// of 64-port switches, one plane per NIC index (arXiv:2505.09343 §4).
inline ClusterSpec h800_cluster(int n_nodes) {
  ClusterSpec c;
  c.gpu.name = "h800-sxm";
  c.gpu.sm_count = 132;
  c.n_nodes = n_nodes;
  c.gpus_per_node = 8;
  c.scale_up = FabricSpec{"nvlink4-h800", FabricKind::kNvlink, 200e9, 160e9, 3.33e-6, "hardware.md §2"};
  c.scale_out = FabricSpec{"ib-ndr-cx7", FabricKind::kInfiniband, 50e9, 50e9, 2.8e-6, "hardware.md §2"};
  c.nics_per_node = 8;
  c.topology.kind = "fat-tree";
  c.topology.planes = 8;
  c.topology.switch_radix = 64;
  return c;
}

// A consumer box: 8 GPUs on PCIe 4.0 x16 (31.5 GB/s nominal, ~24.4 GB/s achievable p2p, hardware.md §2).
inline ClusterSpec pcie_box(bool p2p) {
  ClusterSpec c;
  c.gpu.name = "rtx4090";
  c.n_nodes = 1;
  c.gpus_per_node = 8;
  c.scale_up = FabricSpec{"pcie4", FabricKind::kPcie, 31.5e9, 24.4e9, 3e-6, "hardware.md §2"};
  c.nics_per_node = 0;
  c.p2p = p2p;
  return c;
}

}  // namespace moeplan::network::testing
