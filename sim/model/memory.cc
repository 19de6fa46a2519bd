// Memory per GPU for training; see memory.h.
//
// Rules and their sources:
// - ZeRO (Rajbhandari et al. 2020, arXiv:1910.02054 §5): stage 1 shards optimizer moments and master
//   weights over the data-parallel group, stage 2 also gradients, stage 3 also weights. Dense parameters
//   are replicated over dp x cp ranks (context-parallel ranks hold the same weights and reduce gradients
//   with the replicas, as Megatron-Core's data-parallel group "with context parallel" does); routed-expert
//   parameters over the expert-data-parallel group of tp*cp*dp/ep ranks (each expert shard lives on ep-th of
//   the tp*cp*dp ranks of a stage).
// - Context parallelism: a rank keeps the activations of its seq_len / cp tokens. Ring attention also holds
//   two K/V blocks in flight (the one in use and the one arriving), and in backward two dK/dV blocks; the
//   a2a exchange holds the send and receive buffers of one layer's exchanges.
// - DualPipe holds two parameter copies (DualPipe README: "2x"); the two copies of a stage are on two
//   different ranks and act as data-parallel replicas, so ZeRO shards their master weights and moments
//   over twice the group.
// - Activations: a micro-batch's stored activations (activations.h) times the micro-batches a chunk holds
//   at the schedule's peak: 1F1B and ZB-H1 stage s keeps pp - s (DeepSeek-V3 Table 2 / DualPipe README:
//   "PP" on the first stage); GPipe all of them; interleaved 1F1B Megatron's warm-up depth
//   (pp - r - 1) * 2 + (v - 1) * pp + 1 chunk-micro-batches, whose rank-0 value pp + (pp - 1)/v equals
//   Korthikanti et al. 2022 §4.2.3's factor (1 + (p-1)/(p v)); DualPipe / DualPipeV treat each direction
//   (or the V) as a 1F1B pipeline of S stages where stage s keeps S - s, which gives every rank
//   (S - s) + (s + 1) = S + 1 ("PP + 1" in the DualPipe README). Full recompute adds one layer's working
//   set for the replay.
// - Communication buffers: dispatch and combine receive buffers of tokens * top_k * hidden in their formats
//   (DeepEP's payload); DualPipe overlaps a forward and a backward chunk, so two sets. PP send/receive of
//   one activation and one gradient per direction. A DDP bucket pair (PyTorch DDP bucket_cap_mb = 25).
//   ZeRO-3 gathers two layers (current + prefetch).
// - Reserve: cuBLAS workspace plus a fragmentation fraction of HBM (default 5%): the PyTorch caching
//   allocator's reserved-but-unallocated memory is typically several percent in LLM training; this is a
//   stated planning margin, not a fitted value.
#include "sim/model/memory.h"

#include <algorithm>
#include <string>

#include "sim/model/activations.h"
#include "sim/model/layer_ops.h"
#include "sim/model/params.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

bool is_dual(PipelineSchedule s) {
  return s == PipelineSchedule::kDualPipe || s == PipelineSchedule::kDualPipeV;
}

void check_plan(const ModelSpec& m, const ParallelPlan& plan) {
  validate(plan);
  if (plan.stage_gpus() % plan.ep != 0)
    throw_user_error("ep (" + std::to_string(plan.ep) + ") must divide tp*cp*dp (" +
                         std::to_string(plan.stage_gpus()) + ")",
                     ErrorContext{.key_path = "parallel.ep", .expected = "a divisor of tp*cp*dp"});
  if (m.is_moe() && m.moe.n_routed_experts % plan.ep != 0)
    throw_user_error("ep (" + std::to_string(plan.ep) + ") must divide the routed experts (" +
                         std::to_string(m.moe.n_routed_experts) + ")",
                     ErrorContext{.key_path = "parallel.ep", .expected = "a divisor of n_routed_experts"});
}

// One layer's parameters on one rank. The MoE block splits tokens rather than weights under TP
// (layer_ops.cc), so experts, shared experts and the router are whole on every TP rank.
RankParams layer_on_rank(const ModelSpec& m, const ParallelPlan& plan, int layer) {
  const LayerParams p = layer_params(m, layer);
  RankParams r;
  r.dense = p.attention_tp / plan.tp + p.attention_replicated + p.dense_ffn / plan.tp + p.shared_experts +
            p.router + p.norms;
  r.expert = p.routed_experts / plan.ep;
  return r;
}

ActivationSettings settings(const ParallelPlan& plan, const PrecisionRecipe& r, RecomputePolicy policy) {
  ActivationSettings s;
  s.precision = r;
  s.recompute = policy;
  s.tp = plan.tp;
  s.sequence_parallel = plan.sequence_parallel;
  return s;
}

}  // namespace

RankParams rank_params(const ModelSpec& m, const ParallelPlan& plan, const StageLayers& s) {
  RankParams out;
  for (int l : s.layers) {
    const RankParams p = layer_on_rank(m, plan, l);
    out.dense += p.dense;
    out.expert += p.expert;
  }
  const double h = m.hidden, vocab_rows = static_cast<double>(m.vocab) / plan.tp;  // vocab-parallel
  if (s.embedding) out.dense += vocab_rows * h;
  if (s.head) out.dense += (m.tied_embeddings && s.embedding ? 0.0 : vocab_rows * h) + h;  // + final norm
  if (s.mtp) {
    for (int d = 0; d < m.mtp_depth; ++d) {
      const RankParams b = layer_on_rank(m, plan, m.n_layers);
      out.dense += b.dense + 2.0 * h * h + 3.0 * h;  // block + eh_proj + norms (params.cc)
      out.expert += b.expert;
    }
  }
  return out;
}

double micro_batch_activation_bytes(const ModelSpec& m, const ParallelPlan& plan, const PrecisionRecipe& r,
                                    const std::vector<int>& layers, bool head, bool mtp, int seq_len) {
  const ActivationSettings s = settings(plan, r, plan.recompute);
  double per_token = 0;
  for (int l : layers) per_token += layer_activation_bytes_per_token(m, l, s);
  if (head) per_token += head_activation_bytes_per_token(m, s);
  if (mtp) per_token += mtp_activation_bytes_per_token(m, s);
  return per_token * plan.micro_batch * static_cast<double>(seq_len) / plan.cp;
}

double in_flight_micro_batches(const ParallelPlan& plan, const StageLayers& s, int chunk,
                               int micro_batches_per_step) {
  if (chunk < 0 || chunk >= s.chunks) throw_internal_error("in_flight_micro_batches: chunk out of range");
  const int pp = plan.pp, M = micro_batches_per_step;
  auto cap = [&](double n, double limit) { return limit > 0 ? std::min(n, limit) : n; };
  const int stage = s.stages[chunk];
  switch (plan.schedule) {
    case PipelineSchedule::kGpipe: return M > 0 ? M : pp;
    case PipelineSchedule::k1F1B:
    case PipelineSchedule::kZbH1: return cap(pp - stage, M);
    case PipelineSchedule::kInterleaved1F1B: {
      const int v = plan.virtual_stages, r = s.rank;
      const int group = M > 0 ? interleaved_group_size(pp, M) : pp;  // pp when pp divides M
      const double chunk_mbs = (pp - r - 1) * 2.0 + (v - 1.0) * group + 1.0;  // Megatron warm-up + 1
      return cap(chunk_mbs, static_cast<double>(M) * v) / v;  // spread evenly over the rank's chunks
    }
    case PipelineSchedule::kDualPipe: return cap(pp - stage, M / 2.0);  // each direction gets half
    case PipelineSchedule::kDualPipeV: return cap(2.0 * pp - stage, M);
  }
  return pp;
}

std::vector<MemoryBreakdown> memory_per_stage(const ModelSpec& m, const ClusterSpec& cluster,
                                              const ParallelPlan& plan, const PrecisionRecipe& recipe,
                                              int seq_len, const MemoryOptions& opt) {
  validate(m);
  check_plan(m, plan);
  if (seq_len < 1) throw_user_error("seq_len must be >= 1", ErrorContext{.key_path = "seq_len"});
  const auto ranks = partition_layers(m, plan, seq_len, opt.partitions);
  // Data-parallel replicas of a stage's dense and expert parameters (DualPipe: two copies, see header).
  const double copies = plan.schedule == PipelineSchedule::kDualPipe ? 2.0 : 1.0;
  const double dense_group = plan.grad_dp() * copies;
  const double expert_group = static_cast<double>(plan.expert_dp()) * copies;
  const int z = plan.zero_stage;
  auto sharded = [&](const RankParams& p, bool shard) {
    return shard ? p.dense / dense_group + p.expert / expert_group : p.total();
  };
  const double tokens = static_cast<double>(plan.micro_batch) * seq_len / plan.cp;  // this rank's tokens
  const double h = m.hidden;
  // Context-parallel buffers of one chunk in flight (see the header). Every layer's attention is alike, so
  // layer 0's exchanges stand for all.
  double cp_buffers = 0;
  if (plan.cp > 1 && plan.cp_comm == CpComm::kRing)
    cp_buffers = 4.0 * tokens * attention_kv_bytes_per_token(m, plan.tp, recipe.activations);
  if (plan.cp > 1 && plan.cp_comm == CpComm::kAllToAll) {
    OpContext ctx;
    ctx.micro_batch = plan.micro_batch;
    ctx.seq_len = seq_len;
    ctx.tp = plan.tp;
    ctx.cp = plan.cp;
    ctx.cp_comm = plan.cp_comm;
    ctx.ep = plan.ep;
    ctx.precision = recipe;
    for (const Op& op : layer_forward_ops(m, 0, ctx))
      if (op.cls == OpClass::kCpAllToAll) cp_buffers += 2.0 * op.comm_bytes;  // send and receive
  }
  std::vector<MemoryBreakdown> out;
  for (const StageLayers& s : ranks) {
    MemoryBreakdown b;
    b.stage = s.rank;
    b.capacity = cluster.gpu.hbm_bytes;
    const RankParams p = rank_params(m, plan, s);
    // Working weights; FP8 weights carry one FP32 scale per 128x128 block (DeepSeek-V3 §3.3.2).
    double weight_bytes = bytes_of(recipe.weights);
    if (recipe.weights == DType::kFp8 && recipe.weight_scale_block > 0)
      weight_bytes += 4.0 / (static_cast<double>(recipe.weight_scale_block) * recipe.weight_scale_block);
    b.weights = sharded(p, z >= 3) * weight_bytes;
    // The optimizer keeps a separate master copy only when its format differs from the working one.
    if (recipe.master_weights != recipe.weights)
      b.master_weights = sharded(p, z >= 1) * bytes_of(recipe.master_weights);
    b.gradients = sharded(p, z >= 2) * bytes_of(recipe.gradients);
    b.optimizer = 2.0 * sharded(p, z >= 1) * bytes_of(recipe.optimizer_moments);  // AdamW m and v

    bool has_moe = false;
    double largest_layer = 0, largest_replay = 0;
    for (int c = 0; c < s.chunks; ++c) {
      const bool head = s.head && s.stages[c] == pipeline_stage_count(plan) - 1;
      const double per_mb =
          micro_batch_activation_bytes(m, plan, recipe, s.chunk_layers[c], head, head && s.mtp, seq_len);
      b.activations += in_flight_micro_batches(plan, s, c, opt.micro_batches_per_step) * per_mb;
    }
    const ActivationSettings keep_all = settings(plan, recipe, RecomputePolicy::kNone);
    for (int l : s.layers) {
      has_moe = has_moe || m.layer_is_moe(l);
      largest_layer = std::max(largest_layer, layer_on_rank(m, plan, l).total());
      largest_replay = std::max(largest_replay, layer_activation_bytes_per_token(m, l, keep_all) * tokens);
    }
    if (plan.recompute == RecomputePolicy::kFull) b.activations += largest_replay;

    const double overlap = is_dual(plan.schedule) ? 2.0 : 1.0;  // forward and backward chunk at once
    if (has_moe && plan.ep > 1) {
      const double copies_k = tokens / plan.tp * m.moe.top_k;
      const double scales = (recipe.dispatch == DType::kFp8 && recipe.act_scale_tile > 0)
                                ? 4.0 * h / recipe.act_scale_tile
                                : 0.0;
      b.comm_buffers += overlap * copies_k * (h * bytes_of(recipe.dispatch) + scales + h * bytes_of(recipe.combine));
    }
    if (plan.pp > 1) {
      const double act_msg = tokens * h * bytes_of(recipe.activations) / (plan.sequence_parallel ? plan.tp : 1);
      b.comm_buffers += 4.0 * act_msg * overlap;  // send + receive, activation + gradient
    }
    b.comm_buffers += cp_buffers * overlap;
    if (plan.grad_dp() > 1) b.comm_buffers += 2.0 * 25.0 * 1024 * 1024;
    if (z >= 3) b.comm_buffers += 2.0 * largest_layer * bytes_of(recipe.weights);
    b.reserve = opt.workspace_bytes + opt.fragmentation_fraction * b.capacity;
    out.push_back(b);
  }
  return out;
}

double checkpoint_bytes(const ModelSpec& m, const PrecisionRecipe& recipe) {
  const ParamCounts c = count_params(m);
  const double params = c.total_with_mtp();
  double per_param = bytes_of(recipe.weights) + 2.0 * bytes_of(recipe.optimizer_moments);
  if (recipe.master_weights != recipe.weights) per_param += bytes_of(recipe.master_weights);
  return params * per_param;
}

}  // namespace moeplan
