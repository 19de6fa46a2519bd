// `des-full` step: every rank of the cluster replayed on the engine, with its own routing.
//
// Where `des` simulates one pipeline and assumes the DP and EP replicas of a stage behave identically, this
// simulates every (pipeline rank, DP replica) pair as its own compute unit with a compute stream, a
// communication stream and the SMs its communication kernels hold, each running the schedule's chunk order
// (sim/schedule build_schedule). A TP group runs in lock-step inside one node, so it is one unit whose TP
// collectives are simulated on the node's links; its GPUs are otherwise assumed identical.
//
// What `des` cannot express:
//  - Routing per (micro-batch, MoE layer, EP group): each draws its own routing from a bounded pool of
//    simulated draws (des_full_comm.h), so each rank's routed-expert compute follows the token copies it
//    receives in that draw, and the straggler of a group holds the others at the next all-to-all.
//  - A dispatch or combine is a collective of its EP group: it starts when every member is ready (each
//    member's communication kernel then runs on its own stream, holding its SMs) and ends for all members
//    together; its length is the simulated all-to-all of that draw.
//  - Pipeline sends between adjacent stages of one DP replica are transfers on the topology, sharing links
//    (max-min) with every other send in flight. A TP group's send is represented by its first GPU's transfer
//    (the other TP ranks send the same amount over their own NICs at the same time).
//  - The step ends with a DP reduce-scatter per pipeline rank that waits for every replica's last backward,
//    each replica's optimizer, and a parameter all-gather that waits for every optimizer; their lengths come
//    from ring collectives simulated on the topology. As in `des`, the all-gather hides under the next step's
//    first forward and only its excess is exposed.
// Overlap comes only from the dependency graph, exactly as in `des`; with balanced routing without noise
// (routing.distribution: balanced-exact) every replica is identical and the two fidelities coincide where
// their collective costs do.
#pragma once

#include <vector>

#include "sim/calib/calibration.h"
#include "sim/spec/scenario.h"
#include "sim/units/progress.h"
#include "sim/train/run_result.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// What one simulated unit did during the step (for tests and diagnostics).
struct DesFullUnitStats {
  int rank = 0;                   // global GPU index of the unit (its first TP rank)
  int pipeline_rank = 0;
  int replica = 0;                // DP replica
  double busy_s = 0;              // compute stream busy, from its tasks' start and finish instants
  double exposed_comm_s = 0;      // communication not hidden under compute
  double nominal_compute_s = 0;   // sum of its compute tasks' lengths at full SMs, the optimizer included
  int compute_tasks = 0;
};

struct DesFullOptions {
  int ep_draws = 4;               // routing draws simulated per step (the memo pool's K)
  // Transfer completions are rounded up to this grid so that sends finishing close together share one
  // bandwidth re-solve (engine::Simulator::set_flow_quantum); each send ends at most this much late
  // (10 us: under 1% of a pipeline send of one 4K-token micro-batch over one NIC, ~1.2 ms).
  double flow_quantum_s = 10e-6;
  std::vector<DesFullUnitStats>* unit_stats = nullptr;  // filled with one entry per unit when not null
  Progress progress;  // told of the graph build and of the simulation (one unit per task)
};

// Simulates one step. `costs` are the stage costs at balanced routing (load factor 1): each unit's routed
// experts are re-timed from its own draws. With `timeline`, records the first DP replica's pipeline
// (rank = global GPU index): its chunks, communication, pipeline sends and activation memory. The other
// replicas are left out to keep traces usable.
StepResult des_full_step(const Scenario& s, const Calibration& calib, const StepShape& shape, const StageCosts& costs,
                         Timeline* timeline, const DesFullOptions& options = {});

}  // namespace moeplan
