// Stage costs: the time of each pipeline chunk of a training step on one rank, built from the op inventory
// (sim/model/layer_ops.h), the calibration profile and the cluster's links. Both the analytic estimate and
// the discrete-event workload use these, so the two fidelities time the same work.
//
// A chunk is one micro-batch through one model stage. Its forward (F), input-gradient backward (B) and
// weight-gradient backward (W) compute times are given at full SMs; communication (EP dispatch/combine, TP
// collectives) is given separately so that the schedule decides what overlaps.
#pragma once

#include <string>
#include <vector>

#include "sim/calib/calibration.h"
#include "sim/model/stage_partition.h"
#include "sim/spec/scenario.h"

namespace moeplan {

struct OpTiming {
  std::string name;
  OpClass cls = OpClass::kGemm;
  OpPart part = OpPart::kAttention;
  int layer = -1;            // -1 for embedding / head / MTP
  double f_s = 0, b_s = 0, w_s = 0;  // compute time per pass at full SMs
  bool b_recomputes_f = false;       // b_s includes a replay of the forward (recompute policy or recipe)
  double comm_s = 0;         // communication time (dispatch/combine/TP/CP ring) in forward
  double comm_b_s = 0;       // ... in backward (the same except for the CP ring, which also returns dK/dV)
  double comm_bytes = 0;     // bytes this rank sends in that communication (the op's comm_bytes)
  // TP collective under parallel.tp_comm_overlap: forward time of the GEMM before it and of the GEMM after it,
  // under which its reduce-scatter and all-gather halves run (comm_s is then only the part left exposed).
  double tp_hide_before_s = 0, tp_hide_after_s = 0;
  double flops_f = 0;        // forward FLOPs (model FLOPs, no recompute)
  int param_group = -1;      // ZeRO-3: the entry of ChunkCost::param_gather_s holding this op's weights
};

struct ChunkCost {
  int stage = 0;             // model stage index this chunk computes
  std::vector<int> layers;
  bool has_embedding = false, has_head = false, has_mtp = false;
  double f_s = 0;            // forward compute
  double b_s = 0;            // input-gradient compute incl. recomputation
  double w_s = 0;            // weight-gradient compute
  double f_comm_s = 0;       // EP/TP/CP communication in forward (overlappable with other chunks' compute)
  double b_comm_s = 0;       // EP/TP/CP communication in backward
  double model_flops = 0;    // forward + backward model FLOPs (no recompute) of this chunk
  double activation_bytes = 0;  // activations one micro-batch leaves stored on this chunk until its backward
  std::vector<OpTiming> ops; // per-op detail, in forward order
  // ZeRO-3: all-gather time of each parameter group of the chunk (one per transformer layer; the embedding,
  // head and MTP modules form their own), paid before the group's forward and again before its backward,
  // since ZeRO-3 frees gathered parameters after use. Empty below ZeRO-3.
  std::vector<double> param_gather_s;
  double param_gather_total_s() const;
};

struct RankCosts {
  int rank = 0;
  std::vector<ChunkCost> chunks;   // 1 (1F1B...), 2 (DualPipe/V), v (interleaved)
  double optimizer_s = 0;          // optimizer update over this rank's shard
  double dp_reduce_scatter_s = 0;  // gradient reduction at the step's end
  double dp_all_gather_s = 0;      // parameter all-gather (ZeRO) for the next step
  // What those two collectives move per GPU: gradients reduce-scattered and weights all-gathered over the
  // DP group (dense parameters) and over the expert-DP group (routed-expert parameters).
  double dp_grad_bytes_dense = 0, dp_grad_bytes_expert = 0;
  double dp_weight_bytes_dense = 0, dp_weight_bytes_expert = 0;
  double static_memory_bytes = 0;  // weights, master, gradients, optimizer, buffers, reserve (no activations)
};

struct StageCosts {
  std::vector<RankCosts> ranks;
  double pp_send_s = 0;            // activation (or gradient) of one micro-batch between adjacent stages
  double pp_send_bytes = 0;        // the bytes of that send, per GPU
  // The software stack's overlaps (SoftwareSpec): whether the step-end gradient reduction runs beside the last
  // backward, whether the ZeRO parameter all-gather hides under the next forward, and whether pipeline sends
  // hold the compute stream (then their time is in the chunks' pp_send_blocking ops and pp_send_s is 0).
  bool dp_overlap = true;
  bool param_gather_overlap = true;
  bool pp_send_on_compute = false;
  double sm_fraction_during_comm = 1;  // compute SM share while communication kernels run
  double expert_load_factor = 1;   // most-loaded rank's expert tokens / balanced
  int micro_batches = 0;
  double model_flops_per_step = 0; // all ranks, forward + backward
  double tokens_per_step = 0;
};

struct StepShape {
  ParallelPlan plan;
  int seq_len = 4096;
  int global_batch = 0;            // sequences
  bool causal = true;
  // Stage cuts computed once for many plans of the same model (the plan search); nullptr: cut per call.
  const StagePartitions* partitions = nullptr;
};

// Micro-batches each of a rank's chunks runs in one step: a DualPipe chunk serves the half fed from its
// end of the pipeline; every other schedule runs all micro-batches through each chunk.
double micro_batches_per_chunk(const ParallelPlan& p, int micro_batches);

// Compute time of one op in each pass at full SMs (F, B incl. recomputation under `recompute` and what the
// precision recipe recomputes, W); communication ops get zero compute (their comm_s is set by
// compute_stage_costs).
OpTiming time_op(const Op& op, const Calibration& calib, RecomputePolicy recompute, const PrecisionRecipe& precision);

// True for the ops of an MoE layer whose work follows the tokens routed to this rank (the routed experts'
// grouped GEMMs and their activation function).
bool is_routed_expert_op(const OpTiming& op);

// F, B and W compute of the routed-expert ops of one MoE layer when this rank's experts receive
// `load_factor` times the balanced number of token copies.
struct ExpertTimes {
  double f_s = 0, b_s = 0, w_s = 0;
};
ExpertTimes routed_expert_times(const Scenario& s, const StepShape& shape, const Calibration& calib,
                                double load_factor);

// The exposed part of a TP all-reduce of `comm_s` whose reduce-scatter half is pipelined with a GEMM of
// `before_s` and whose all-gather half with a GEMM of `after_s` (each half hides under its GEMM up to that
// GEMM's length). Without neighbours it is the whole collective.
double tp_exposed_comm_s(double comm_s, double before_s, double after_s);

// Computes per-rank chunk costs for one step. `expert_load_factor` is the most loaded EP rank's load relative
// to balanced (from the routing model; 1.0 = balanced).
StageCosts compute_stage_costs(const Scenario& s, const StepShape& shape, const Calibration& calib,
                               double expert_load_factor);

}  // namespace moeplan
