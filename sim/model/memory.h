// Memory per GPU for one pipeline rank under a training plan: weights, master weights, gradients, optimizer
// moments (with ZeRO sharding over the right group), activations by schedule and recompute policy,
// communication buffers and a fragmentation/workspace reserve. See memory.cc for the sources of each rule.
#pragma once

#include <vector>

#include "sim/model/memory_breakdown.h"
#include "sim/model/stage_partition.h"
#include "sim/spec/cluster_spec.h"
#include "sim/spec/model_spec.h"
#include "sim/spec/parallel_plan.h"
#include "sim/spec/precision_recipe.h"

namespace moeplan {

struct MemoryOptions {
  // Micro-batches per optimizer step and pipeline (0: unknown; GPipe then keeps pp micro-batches, the least
  // that fills the pipeline, and the other schedules their full warm-up depth).
  int micro_batches_per_step = 0;
  // Allocator fragmentation held as a fraction of HBM (planning margin, see memory.cc).
  double fragmentation_fraction = 0.05;
  // cuBLAS workspace: NVIDIA recommends 32 MiB on Hopper (cuBLAS docs, cublasSetWorkspace).
  double workspace_bytes = 32.0 * 1024 * 1024;
  // Stage cuts computed once for many plans of the same model (the plan search); nullptr: cut here.
  const StagePartitions* partitions = nullptr;
};

// Parameters held by one pipeline rank after TP and EP splitting (before ZeRO), split by sharding group.
struct RankParams {
  double dense = 0;   // attention, dense FFN, shared experts, router, norms, embedding, head, MTP non-expert
  double expert = 0;  // routed experts (this rank's E/ep of each MoE layer)
  double total() const { return dense + expert; }
};

RankParams rank_params(const ModelSpec& m, const ParallelPlan& plan, const StageLayers& s);

// Stored activations of one micro-batch passing through the given layers (and head / MTP) on one TP rank.
double micro_batch_activation_bytes(const ModelSpec& m, const ParallelPlan& plan, const PrecisionRecipe& r,
                                    const std::vector<int>& layers, bool head, bool mtp, int seq_len);

// Micro-batches whose activations chunk `chunk` of rank `s` holds at the schedule's peak.
double in_flight_micro_batches(const ParallelPlan& plan, const StageLayers& s, int chunk,
                               int micro_batches_per_step = 0);

// One entry per pipeline rank; capacity = cluster.gpu.hbm_bytes.
std::vector<MemoryBreakdown> memory_per_stage(const ModelSpec& m, const ClusterSpec& cluster,
                                              const ParallelPlan& plan, const PrecisionRecipe& recipe,
                                              int seq_len, const MemoryOptions& options = {});

// Bytes of one full training checkpoint of the whole job: master weights, optimizer moments and working
// weights of every parameter (MTP included), once (not per replica).
double checkpoint_bytes(const ModelSpec& m, const PrecisionRecipe& recipe);

}  // namespace moeplan
