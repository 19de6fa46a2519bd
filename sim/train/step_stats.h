// Busy and exposed-communication time of one rank from the start/finish instants of its tasks: shared by
// the `des` and `des-full` steps so both fidelities measure a rank the same way.
#pragma once

#include <utility>
#include <vector>

#include "sim/engine/sim_time.h"

namespace moeplan {

using SimInterval = std::pair<engine::SimTime, engine::SimTime>;  // [start, finish)

struct RankBusy {
  double busy_s = 0;          // summed length of the compute intervals
  double exposed_comm_s = 0;  // communication intervals minus their overlap with compute
};

// `compute` is sorted in place. Compute intervals come from one exclusive stream, so they do not overlap.
RankBusy rank_busy(std::vector<SimInterval>& compute, const std::vector<SimInterval>& comm);

}  // namespace moeplan
