// ParallelPlan: how a model is split over the cluster (TP, CP, PP, DP, EP, ZeRO), the pipeline schedule,
// micro-batching, recomputation and the SMs reserved for communication kernels.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/spec/dp_sync_spec.h"

namespace moeplan {

enum class PipelineSchedule { kGpipe, k1F1B, kInterleaved1F1B, kZbH1, kDualPipe, kDualPipeV };

// How context-parallel ranks exchange what attention needs (parallel.cp_comm).
enum class CpComm {
  kRing,      // ring attention: each rank's K/V block passed round the ring, hidden under the block in hand
  kAllToAll,  // DeepSpeed-Ulysses (Jacobs et al., arXiv:2309.14509): an all-to-all turns sequence shards into
              // head shards before attention (Q, K, V) and back after it (O); attention then sees the whole
              // sequence on heads / cp heads
};

enum class RecomputePolicy {
  kNone,       // keep every activation
  kSelective,  // recompute norms and attention up-projections (DeepSeek-V3 §3.2.3), keep the rest
  kFull,       // keep only each layer's input; recompute the layer in backward
};

struct ParallelPlan {
  int tp = 1;                // tensor parallel (attention and dense FFN)
  // Context parallel: each sequence's tokens split over cp GPUs, attention as a ring that passes K and V
  // (Megatron-Core's --context-parallel-size; Liu et al., "Ring Attention", arXiv:2310.01889). The sequence is
  // cut into 2 cp pieces and rank i holds pieces i and 2cp-1-i, so every rank does the same causal work.
  int cp = 1;
  CpComm cp_comm = CpComm::kRing;
  int pp = 1;                // pipeline stages (DualPipeV: ranks = pp, each holds 2 stages)
  int dp = 1;                // data parallel replicas; tp * cp * pp * dp = GPUs
  int ep = 1;                // expert parallel, carved out of tp * cp * dp (EP ranks share a pipeline stage)
  int zero_stage = 1;        // 0..3
  int micro_batch = 1;       // sequences per micro-batch
  int virtual_stages = 1;    // interleaved 1F1B chunks per rank
  PipelineSchedule schedule = PipelineSchedule::k1F1B;
  RecomputePolicy recompute = RecomputePolicy::kSelective;
  int comm_sms = 0;          // SMs held by communication kernels (DeepSeek-V3: 20 of 132, §3.5.1)
  bool sequence_parallel = false;
  // 1F1B and interleaved: run each steady-state forward overlapped with the backward that follows it, so one
  // micro-batch's EP all-to-all hides under the other's compute (Megatron-Core's
  // --overlap-moe-expert-parallel-comm, the "combined 1F1B"). DualPipe overlaps its pairs by construction.
  bool ep_overlap = false;
  // TP > 1: pipeline each TP collective with its neighbouring GEMMs (Transformer Engine's userbuffers,
  // Megatron's --tp-comm-overlap): the reduce-scatter half hides under the GEMM before it, the all-gather half
  // under the GEMM after it.
  bool tp_comm_overlap = false;
  // Layers of the pipeline's first and last model chunks (stage 0, which also holds the embedding, and the
  // last stage, which holds the output head, loss and MTP modules; with interleaving that is chunk 0 of rank 0
  // and the last chunk of the last rank). Either may be 0: a chunk with only the embedding or only the head.
  // When either is set, the layers left are split evenly over the other chunks instead of balancing the cut
  // by compute. Llama 3 405B: 126 layers on PP16 with v = 8 and one layer fewer on the first and last stage,
  // "the first model chunk on the first stage has only the embedding, and the last model chunk on the last
  // stage has only output projection and loss calculation" (arXiv:2407.21783 §3.3.2), i.e. 0 and 0.
  // Megatron-LM's --decoder-first/last-pipeline-num-layers count a whole rank's layers instead.
  std::optional<int> first_stage_layers;
  std::optional<int> last_stage_layers;
  // How the dp replicas keep their weights in step (every step unless the scenario says otherwise).
  DpSyncSpec dp_sync;

  int n_gpus() const { return tp * cp * pp * dp; }
  int stage_gpus() const { return tp * cp * dp; }    // GPUs of one pipeline stage
  // Ranks holding the same dense-weight shard, over which gradients are reduced and ZeRO shards: the DP
  // replicas and, within each, the CP ranks (which see different tokens of the same sequences).
  int grad_dp() const { return dp * cp; }
  int expert_dp() const { return stage_gpus() / ep; }  // replicas of each expert shard
  // Equal pieces a sequence is cut into: 2 cp for the ring's load-balanced causal split, cp for the a2a
  // exchange (whose attention sees whole sequences).
  int cp_pieces() const { return cp_comm == CpComm::kRing ? 2 * cp : cp; }
};

// Interleaved 1F1B runs micro-batches through a rank's model chunks in groups: group g's micro-batches go
// through chunk 0, then chunk 1, ..., before group g+1 starts. Megatron-Core
// (megatron/core/pipeline_parallel/schedules.py, forward_backward_pipelining_with_interleaving and
// get_schedule_table) takes the group size N from --microbatch-group-size-per-virtual-pipeline-stage
// (default pp), requires pp <= N <= M, and requires M mod N to be 0 or >= pp; the last group takes all the
// micro-batches left (between pp and 2N-1). Any M >= pp has such an N (N = M always qualifies); this returns
// the smallest, which keeps the fewest forwards in flight (the warm-up is 2(pp-1-r) + (v-1) N). Returns pp
// when micro_batches < pp, a count the schedule refuses.
inline int interleaved_group_size(int pp, int micro_batches) {
  for (int n = pp; n <= micro_batches; ++n)
    if (micro_batches % n == 0 || micro_batches % n >= pp) return n;
  return pp;
}

// Layers of each of the `stages` pipeline stages (model chunks, in data-flow order) when the plan sets
// first_stage_layers and/or last_stage_layers; empty when it sets neither. Throws a user Error at
// `<key>.first_stage_layers` (or `.last_stage_layers` when only that is set) when the layers left do not
// split evenly over the other chunks, leave one of them empty, or fall short. `key` is the plan's key path.
std::vector<int> fixed_stage_layer_counts(const ParallelPlan& p, int n_layers, int stages,
                                          const std::string& key = "parallel");

// Checks what can be checked without a model or cluster (degrees >= 1, zero stage 0..3, DualPipe parity).
void validate(const ParallelPlan& p);

const char* to_string(PipelineSchedule s);
const char* to_string(RecomputePolicy r);
const char* to_string(CpComm c);

}  // namespace moeplan
