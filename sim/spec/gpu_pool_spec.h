// GpuPoolSpec: one job on one scale-out fabric, built from pools of different GPU types (rented H100 nodes next
// to A100 nodes, say). Each pool has its own GPU, node size and scale-up fabric; the pools share the cluster's
// scale-out fabric. The plan's pipeline stages, or its data-parallel replicas, are laid over the pools in the
// order they are listed, each member running at its own GPU's calibration profile.
#pragma once

#include <string>
#include <vector>

#include "sim/spec/hardware_spec.h"

namespace moeplan {

struct Scenario;

// What the pools hold.
enum class GpuPoolLayout {
  kStages,    // pipeline stages: pool k holds the next (its GPUs / (tp x cp x dp)) stages, layers balanced by speed
  kReplicas,  // data-parallel replicas: pool k holds (its GPUs / (tp x cp x pp)) whole replicas, micro-batches
              // balanced by throughput
};

struct GpuPoolSpec {
  std::string name;                 // unique within the cluster; defaults to the GPU's catalog name
  GpuSpec gpu;
  int n_nodes = 1;
  int gpus_per_node = 8;            // the same in every pool (the cluster's node size)
  FabricSpec scale_up;              // default: the GPU's own link (NVLink), else its PCIe host link
  int nics_per_node = 8;
  std::string calibration;          // profile name or path; "" = the GPU's default profile
  double usd_per_gpu_hour = 0;      // 0 = the GPU's dated catalog quote
  std::string price_source;
  // Given instead of balanced: layers of each of the pool's stages (kStages), or micro-batches of each of its
  // replicas (kReplicas). Empty = balanced by measured speed.
  std::vector<int> layers;
  std::vector<int> micro_batches;

  int n_gpus() const { return n_nodes * gpus_per_node; }
};

struct GpuPoolsSpec {
  std::vector<GpuPoolSpec> pools;   // empty: one GPU type (ClusterSpec::gpu)
  GpuPoolLayout layout = GpuPoolLayout::kStages;
  bool enabled() const { return !pools.empty(); }
};

// Members (stages or replicas) pool `k` holds under `s.parallel`: its GPUs / (tp x cp x dp) or / (tp x cp x pp).
int pool_members(const Scenario& s, int k);
// Cross-checks the pools against the plan and the model (each pool holds a whole number of members, the
// members add up to pp or dp, the schedule has one model chunk per rank, given layers add up to the model's,
// given micro-batch lists have one entry per replica). Throws a user Error whose key path names the pool key.
void validate_pools(const Scenario& s);

const char* to_string(GpuPoolLayout l);

}  // namespace moeplan
