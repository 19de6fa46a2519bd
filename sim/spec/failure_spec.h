// FailureSpec: interruption rates by component class, checkpointing and restart, for goodput.
// Defaults come from Llama 3's 54-day 405B snapshot (arXiv:2407.21783 §3.3.4, Table 5): 419 unexpected
// interruptions on up to 16,384 H100 GPUs.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace moeplan {

struct FailureClass {
  std::string name;              // "Faulty GPU", "Network Switch/Cable", ...
  std::string category;          // "GPU", "Host", "Network", ...
  double per_gpu_day = 0;        // interruptions per GPU-day (scales with GPUs)
};

struct FailureSpec {
  bool enabled = true;
  std::vector<FailureClass> classes;  // empty: Llama 3 defaults
  double storage_write_Bps = 0;       // aggregate checkpoint write bandwidth; 0: default from cluster size
  // Relaunch + checkpoint reload as one figure (excludes waiting for a replacement node); 0: the two parts below.
  double restart_s = 0;
  // The parts of a restart, each an input (unset: the GoodputOptions default, a stated assumption):
  std::optional<double> relaunch_s;         // detection, rescheduling, process start, communicator init
  std::optional<double> node_replacement_s; // wait for a healthy node when no spare is free
  std::optional<double> node_repair_s;      // how long a failed node is out before it can be a spare again
  double checkpoint_interval_s = 0;   // 0: Young/Daly optimum
  int hot_spare_nodes = 0;             // healthy nodes allocated to (and paid by) the job, idle until needed
  // Healthy nodes of the cluster outside the job that the scheduler swaps in for a failed one at relaunch.
  // They are not the job's to pay for. 0: the job has its cluster to itself (a rental of exactly its nodes),
  // so a failed node holds the job until it is replaced. Llama 3 ran on up to 16K of a 24K-GPU cluster
  // (arXiv:2407.21783 §3.3.1), a pool of about 1,000 8-GPU nodes.
  int pool_nodes = 0;
};

}  // namespace moeplan
