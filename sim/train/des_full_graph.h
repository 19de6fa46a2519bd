// The des-full task graph (see des_full_step.h): one engine holding every unit's streams and tasks. Private to
// sim/train: des_full_build.cc builds the graph from the schedule, des_full_step.cc runs it and reads it back.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/engine/simulator.h"
#include "sim/network/network_sim.h"
#include "sim/schedule/build_schedule.h"
#include "sim/train/chunk_events.h"
#include "sim/train/chunk_pieces.h"
#include "sim/train/des_full_comm.h"
#include "sim/train/des_full_routing.h"
#include "sim/train/des_full_step.h"

namespace moeplan::des_full {

using engine::kNoTask;
using engine::TaskId;
using engine::TaskKind;
using engine::TaskSpec;

class FullGraph {
 public:
  FullGraph(const Scenario& s, const Calibration& calib, const StepShape& shape, const StageCosts& costs,
            const DesFullOptions& options, bool timeline);
  StepResult run(Timeline* timeline);

 private:
  int unit(int r, int d) const { return r * dp_ + d; }
  int gpu_of(int u) const { return layout_.gpu(u / dp_, u % dp_); }
  bool traced(int u) const { return timeline_ && u % dp_ == 0; }
  std::size_t span_index(int mb, int stage, int dir, int d) const {
    return ((static_cast<std::size_t>(dir) * order_.stages + stage) * order_.micro_batches + mb) * dp_ + d;
  }
  const ChunkCost& chunk_cost(int r, int stage, int direction) const;
  const std::vector<ChunkPiece>& pieces(const ChunkCost& c, char pass);
  TaskId add_task(TaskKind kind, double seconds, engine::StreamId stream, int priority, bool hold_sms, int u);
  TaskId join(std::span<const TaskId> deps);
  std::vector<Span> add_pass(int r, int d0, const ChunkCost& c, char pass, int mb, int stage, int priority);
  void reserve();
  void build_block(int r, int d0);
  void add_sends();
  TaskId send(int from_unit, int to_unit, TaskId after, TaskId before);

  const Scenario& s_;
  const StageCosts& costs_;
  const ParallelPlan& plan_;
  DesFullOptions options_;
  bool timeline_;
  int dp_ = 1, n_units_ = 1, units_per_block_ = 1;
  network::Topology topo_;
  DesFullComm comm_;
  StepLayout layout_;
  engine::Simulator sim_;
  network::NetworkSim net_;
  PipelineOrder order_;
  EpBlockRouting routing_;
  std::vector<engine::StreamId> compute_, comm_stream_;
  std::vector<engine::SmReservationId> sms_;
  // While an F&B pair is built: its compute-time factor (pair_compute_scale); 1 outside pairs.
  double pair_scale_ = 1.0;
  std::vector<std::vector<TaskId>> compute_tasks_, comm_tasks_;
  // Step-end work per unit, counted in the stats but not traced with the chunks: the optimizer (compute), the
  // DP reduce-scatter and the all-gather's excess (communication).
  std::vector<std::vector<TaskId>> step_end_compute_, step_end_comm_;
  std::vector<double> nominal_;
  std::vector<double> speed_;  // compute-time factor of each unit (gpu_variation; all 1 by default)
  std::vector<Span> fwd_, bwd_;
  std::vector<TaskId> last_backward_first_, rank_end_;
  std::vector<double> first_forward_s_;
  std::unordered_map<const ChunkCost*, std::vector<ChunkPiece>> pieces_[3];
  std::unordered_map<std::uint64_t, network::PathRef> paths_;
  // Every chunk of each stage's first DP replica, traced or not (rank = the stage; the trace maps it to the
  // GPU): the step's phase breakdown and the trace's chunk events.
  std::vector<Emitted> emitted_;
  struct Traced {
    TaskId task;
    int unit;
    const std::string* name;  // a cached piece's name (stable: pieces_ never changes an inserted entry)
  };
  std::vector<Traced> traced_comm_;
  std::vector<std::pair<TaskId, int>> traced_sends_;  // (task, unit)
  struct MemoryEvent {
    TaskId task;
    int unit;
    double delta;  // > 0 at the task's start, < 0 at its finish
  };
  std::vector<MemoryEvent> memory_events_;
};

}  // namespace moeplan::des_full
