// GPU-to-GPU speed differences (GpuVariationSpec): which factor each GPU's compute time carries, and how a
// step's ranks inherit them. GPUs of one model differ by manufacturing and power management: Sinha et al.,
// "Not All GPUs Are Created Equal" (SC'22, arXiv:2208.11035), measured 8% average (22% max) performance
// variation across the GPUs of five production clusters, with outliers 1.5x slower than the median. A
// calibration profile describes the median GPU; a synchronous step runs at the pace of its slowest.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/spec/parallel_plan.h"
#include "sim/spec/scenario.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// Compute-time factor of every GPU of the plan, uniform on [1 - spread/2, 1 + spread/2], drawn from the
// scenario's seed alone (the same physical GPUs whatever the phase or batch). GPU g of unit (pipeline rank
// r, DP replica d) is g = (r * dp + d) * tp + t. All 1 when spread is 0.
std::vector<double> gpu_time_factors(const GpuVariationSpec& v, std::uint64_t seed, const ParallelPlan& p);

// Factor of each (pipeline rank, DP replica) unit, index r * dp + d: the slowest GPU of its TP group (a TP
// group synchronises every layer).
std::vector<double> unit_time_factors(const GpuVariationSpec& v, std::uint64_t seed, const ParallelPlan& p);

// Factor of each pipeline rank at `des` and `analytic`, where one rank stands for all its DP replicas: the
// slowest unit of the stage. Exact when the stage's replicas synchronise every layer (expert parallelism
// across them); for plain DP it slows every stage to its slowest replica, where a real step waits for the
// slowest replica's pipeline, so it can overstate by the spread between stages' slowest GPUs.
std::vector<double> stage_time_factors(const GpuVariationSpec& v, std::uint64_t seed, const ParallelPlan& p);

// Multiplies a rank's compute (chunks' and ops' F, B, W and the optimizer) by `factor`; communication is
// unchanged.
void scale_compute(RankCosts& rank, double factor);

}  // namespace moeplan
