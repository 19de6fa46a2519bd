// One training step on pools of different GPU types (cluster.pools), through the same stage costs and step
// simulators as a one-GPU-type run: every pool's stage costs are computed at its own GPU and calibration
// profile, then
//   - pools holding pipeline stages: the layers are cut by each stage's measured per-layer time
//     (hetero_balance.h), and each pipeline rank's chunk costs come from its own pool's costs; the spliced
//     pipeline runs through des_step or analytic_step;
//   - pools holding DP replicas: each replica's step time is measured at two micro-batch counts (its time per
//     micro-batch and its fixed part: fill, drain, gradient exchange), the global batch's micro-batches are
//     split by that throughput, and each (pool, micro-batch count) is simulated once; the step waits for the
//     slowest replica.
// MFU is taken against the sum of every GPU's own dense BF16 peak.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "sim/calib/calibration.h"
#include "sim/model/memory_breakdown.h"
#include "sim/spec/scenario.h"
#include "sim/train/run_result.h"
#include "sim/train/training_run.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// Each pool as a one-GPU-type scenario (its GPU, node count of the whole job, its scale-up fabric, the shared
// scale-out fabric, its calibration key) with its profile.
struct PoolRuntimes {
  std::vector<Scenario> scenarios;
  std::vector<std::unique_ptr<Calibration>> calibs;
};
PoolRuntimes load_pool_runtimes(const Scenario& s, const CalibrationFor& calibration_for);

struct MixedStep {
  StepResult step;
  MixedResult detail;
  // Memory per pipeline rank of the pool nearest its HBM (the one that decides whether the job fits), and
  // whether every pool's ranks fit.
  std::vector<MemoryBreakdown> memory;
  std::string memory_pool;
  bool memory_fits = true;
};

// One step of the scenario's plan at this shape. The scenario must have pools (validate_pools holds).
MixedStep mixed_step(const Scenario& s, const PoolRuntimes& pools, const StepShape& shape,
                     Timeline* timeline = nullptr);

// A GPU standing for the whole job where one spec is needed (MFU, energy): the GPU-weighted mean of the pools'
// peaks, power and purchase price, named after the pools.
GpuSpec blended_gpu(const Scenario& s);

}  // namespace moeplan
