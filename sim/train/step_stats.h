// Busy and exposed-communication time of one rank from the start/finish instants of its tasks: shared by
// the `des` and `des-full` steps so both fidelities measure a rank the same way.
#pragma once

#include <utility>
#include <vector>

#include <string>

#include "sim/engine/sim_time.h"
#include "sim/train/run_result.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

using SimInterval = std::pair<engine::SimTime, engine::SimTime>;  // [start, finish)

struct RankBusy {
  double busy_s = 0;          // summed length of the compute intervals
  double exposed_comm_s = 0;  // communication intervals minus their overlap with compute
};

// `compute` is sorted in place. Compute intervals come from one exclusive stream, so they do not overlap.
RankBusy rank_busy(std::vector<SimInterval>& compute, const std::vector<SimInterval>& comm);

// A step's headline figures from its time, shared by every fidelity so they count alike: tokens/s, and MFU
// as the step's model FLOPs over time x GPUs x the dense BF16 peak. Per-stage stats are left to the caller.
StepResult step_totals(const std::string& method, const StageCosts& costs, double time_s, int n_gpus,
                       double peak_bf16_flops);

}  // namespace moeplan
