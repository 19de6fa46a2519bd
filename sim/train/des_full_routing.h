// Routing of a `des-full` step, block by block: which pool draw each (micro-batch, MoE layer, EP group)
// uses, what its dispatch and combine last, and how much longer or shorter each unit's routed experts run
// than at balanced load.
//
// A block is the smallest set of units (TP groups) that EP groups tile: lcm(ep, tp) GPUs of one pipeline
// rank. Its units synchronise at every dispatch and combine. Each EP group of the block picks a draw of the
// pool (des_full_comm.h) and a relabelling of its members (a rotation of its nodes and of the local indices:
// the same traffic on an isomorphic set of links), so K draws give K x ep assignments of loads to ranks.
// Under balanced routing the relabelling is drawn per micro-batch; under skewed popularity the hot experts
// stay on their ranks for the whole step, so it belongs to the (layer, group): each layer has its own hot
// ranks and they stay hot in every micro-batch.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/calib/calibration.h"
#include "sim/spec/scenario.h"
#include "sim/train/des_full_comm.h"
#include "sim/units/random.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

struct EpBlockDraw {
  double dispatch_s = 0, combine_s = 0;  // the slowest of the block's groups
  std::size_t load_offset = 0;           // first of the block's per-unit loads
};

class EpBlockRouting {
 public:
  EpBlockRouting(const Scenario& s, const Calibration& calib, const StepShape& shape, const DesFullComm& comm);

  int units_per_block() const { return units_per_block_; }
  // Forgets the previous block's draws; the next calls are for the block starting at unit (r, first_replica).
  void start_block(int pipeline_rank, int first_replica);
  // The draw of (micro-batch, stage, the chunk's `moe_layer`-th MoE layer), picked on first use.
  const EpBlockDraw& draw(int micro_batch, int stage, int moe_layer);
  // Unit j's routed-expert time in `pass` ('F', 'B', or 'W' for all the chunk's layers) minus its balanced
  // time; 0 without EP. `moe_layer` < 0: the piece holds no routed experts.
  double expert_delta(const ChunkCost& c, char pass, int moe_layer, int j, int micro_batch, int stage);

 private:
  const ExpertTimes& expert_times(double load);

  const Scenario& s_;
  const Calibration& calib_;
  const StepShape& shape_;
  const DesFullComm& comm_;
  int units_per_block_ = 1;
  Rng picks_;
  int block_rank_ = 0, block_first_ = 0;
  std::unordered_map<std::uint64_t, EpBlockDraw> draws_;  // this block's, by (micro-batch, stage, layer)
  std::vector<double> loads_;                              // per unit of the block, per draw
  std::unordered_map<long long, ExpertTimes> expert_memo_;
};

}  // namespace moeplan
