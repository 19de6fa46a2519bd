// MixedResult: what a run on pools of different GPU types reports beside the usual figures: each pool, the
// stages or replicas it holds, their layers or micro-batches, each member's time, the slowest member and how
// long the others wait for it.
#pragma once

#include <string>
#include <vector>

namespace moeplan {

struct MixedMember {
  std::string pool;             // the pool's name
  std::string gpu;              // its GPU (catalog name)
  int index = 0;                // pipeline stage (pools hold stages) or DP replica (pools hold replicas)
  int count = 0;                // layers of the stage, or micro-batches of the replica per step
  // A stage: forward + backward of one micro-batch through it (compute and exposed communication), which
  // sets the pipeline's pace in steady state. A replica: its whole step, gradient exchange included.
  double time_s = 0;
  double idle_s = 0;            // slowest member's time_s - this one's: how long it waits each time
  double memory_bytes = 0;      // peak per GPU
  double capacity_bytes = 0;    // its GPU's HBM
  bool fits() const { return memory_bytes <= capacity_bytes; }
};

struct MixedPool {
  std::string name;
  std::string gpu;
  int n_gpus = 0;
  int members = 0;              // stages or replicas it holds
  double peak_bf16_flops = 0;   // per GPU, dense
  double usd_per_gpu_hour = 0;  // rental; 0 = no price
  std::string price_source;
  std::string calibration_profile;
};

struct MixedResult {
  std::string layout;           // "stages" | "replicas"; "" when the cluster has one GPU type
  std::string balance;          // "by speed" (balanced), "given" (the pools' layers / micro_batches), or "one GPU
                                // type" (identical pools keep the one-GPU-type cut)
  std::vector<MixedPool> pools;
  std::vector<MixedMember> members;
  int slowest = -1;             // index into members
  double idle_fraction = 0;     // sum of members' idle / (members x slowest time)
  // The same step with the cut a single GPU type would get (layers by FLOPs, micro-batches evenly): what
  // balancing by speed gains.
  double unbalanced_step_time_s = 0;
  std::string unbalanced_cut;   // the counts of that cut, e.g. "20 20 20 20"
  bool enabled() const { return !layout.empty(); }
};

}  // namespace moeplan
