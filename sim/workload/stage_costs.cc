// compute_stage_costs: per-rank F/B/W compute and communication of one training step (see stage_costs.h).
#include "sim/workload/stage_costs.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "sim/model/memory.h"
#include "sim/model/stage_partition.h"
#include "sim/network/collective_cost.h"
#include "sim/network/moe_alltoall.h"
#include "sim/workload/software_overheads.h"
#include "sim/workload/tp_overlap_gemms.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

// Model stages of the step and which of them each pipeline rank computes, in the rank's chunk order.
struct StageMap {
  int n_stages = 1;
  std::vector<std::vector<int>> rank_stages;
};

StageMap map_stages(const ParallelPlan& p) {
  StageMap m;
  m.rank_stages.resize(p.pp);
  switch (p.schedule) {
    case PipelineSchedule::kDualPipe:
      // Rank i computes stage i for micro-batches fed from the first rank and stage PP-1-i for those fed
      // from the last rank (DeepSeek-V3 §3.2.1): two parameter copies per rank.
      m.n_stages = p.pp;
      for (int r = 0; r < p.pp; ++r) m.rank_stages[r] = {r, p.pp - 1 - r};
      break;
    case PipelineSchedule::kDualPipeV:
      // The V shape: 2*PP stages, rank i holds stage i and stage 2*PP-1-i.
      m.n_stages = 2 * p.pp;
      for (int r = 0; r < p.pp; ++r) m.rank_stages[r] = {r, 2 * p.pp - 1 - r};
      break;
    case PipelineSchedule::kInterleaved1F1B:
      m.n_stages = p.pp * p.virtual_stages;
      for (int r = 0; r < p.pp; ++r)
        for (int v = 0; v < p.virtual_stages; ++v) m.rank_stages[r].push_back(r + v * p.pp);
      break;
    default:
      m.n_stages = p.pp;
      for (int r = 0; r < p.pp; ++r) m.rank_stages[r] = {r};
  }
  return m;
}

bool is_recomputed(const Op& op, RecomputePolicy policy, const PrecisionRecipe& precision) {
  if (policy == RecomputePolicy::kFull) return true;
  // A recipe that caches the SwiGLU inputs in FP8 recomputes its output in backward (DeepSeek-V3 §3.3.4).
  if (precision.fp8_cached_moe_inputs && op.name == "experts_act") return true;
  if (policy == RecomputePolicy::kNone) return false;
  // Selective: RMSNorm and the MLA up-projections are recomputed in backward (DeepSeek-V3 §3.2.3).
  const std::string& n = op.name;
  return n.find("norm") != std::string::npos || n == "q_b_proj" || n == "kv_b_proj";
}

struct Links {
  double scale_up_Bps = 0, scale_up_latency_s = 0;
  double scale_out_Bps = 0, scale_out_latency_s = 0;  // per GPU (NICs shared by the node's GPUs)
};

Links links_of(const Scenario& s) {
  const ClusterSpec& c = s.cluster;
  Links l;
  l.scale_up_Bps = c.scale_up.achievable_Bps;
  l.scale_up_latency_s = c.scale_up.latency_s;
  const double nic_share = c.gpus_per_node > 0 ? static_cast<double>(c.nics_per_node) / c.gpus_per_node : 1.0;
  l.scale_out_Bps = c.scale_out.achievable_Bps * std::min(1.0, nic_share);
  l.scale_out_latency_s = c.scale_out.latency_s;
  if (!c.p2p && c.scale_up.kind == FabricKind::kPcie) l.scale_up_Bps /= 2;  // bounce through host memory
  return l;
}

// Time of one MoE all-to-all (dispatch or combine) of `tokens` tokens for this rank: the network layer's
// closed form for DeepEP-style node-limited routing (or per-expert copies under an all-to-all dispatcher), on the achievable link bandwidths scaled by the
// profile's collective efficiency. The most loaded rank carries load_factor times the balanced traffic.
double moe_a2a_time_s(const Scenario& s, const Links& l, double tokens, double payload_bytes,
                      double load_factor, const Calibration& calib) {
  const ModelSpec& m = s.model;
  network::MoeCommSpec spec;
  spec.tokens_per_rank = static_cast<int>(std::lround(tokens * load_factor));
  spec.bytes_per_token = payload_bytes;
  spec.per_expert_copies = s.software.moe_dispatcher == MoeDispatcher::kAllToAll;
  spec.routing = {.n_experts = m.moe.n_routed_experts, .top_k = m.moe.top_k, .n_groups = m.moe.n_expert_groups,
                  .max_groups = s.routing.nodes_per_token > 0 ? s.routing.nodes_per_token : m.moe.n_limited_groups};
  const int per_node = std::min(s.parallel.ep, s.cluster.scale_up_gpus());
  const double message = tokens * payload_bytes / std::max(1, per_node);
  const double intra = l.scale_up_Bps * calib.comm_efficiency(s.cluster.scale_up.kind, message);
  const double inter = l.scale_out_Bps * calib.comm_efficiency(s.cluster.scale_out.kind, message);
  return network::moe_alltoall_time_s(spec, s.parallel.ep, s.cluster.scale_up_gpus(), intra, l.scale_up_latency_s,
                                      inter, l.scale_out_latency_s);
}

OpContext context_for(const Scenario& s, const StepShape& shape, double load_factor) {
  OpContext ctx;
  ctx.micro_batch = shape.plan.micro_batch;
  ctx.seq_len = shape.seq_len;
  ctx.tp = shape.plan.tp;
  ctx.cp = shape.plan.cp;
  ctx.cp_comm = shape.plan.cp_comm;
  ctx.sequence_parallel = shape.plan.sequence_parallel;
  ctx.ep = shape.plan.ep;
  ctx.dp_per_stage = shape.plan.stage_gpus();
  ctx.precision = s.precision;
  ctx.causal = shape.causal;
  ctx.expert_load_factor = load_factor;
  ctx.attention_kernel = s.software.attention_kernel;
  return ctx;
}

double model_flops_of(const Op& op) {
  switch (op.cls) {
    case OpClass::kGemm:
    case OpClass::kGroupedGemm: return op.has_weight_grad ? 3 * op.flops : 2 * op.flops;
    case OpClass::kAttention: return 3 * op.flops;  // backward = 2x forward (dQ, dK, dV, dP)
    default: return 0;
  }
}

}  // namespace

OpTiming time_op(const Op& op, const Calibration& calib, RecomputePolicy recompute,
                 const PrecisionRecipe& precision) {
  OpTiming t{.name = op.name, .cls = op.cls, .part = op.part};
  t.f_s = calib.op_time_s(op, Pass::kForward, 1.0);
  t.b_s = calib.op_time_s(op, Pass::kBackwardInput, 1.0);
  t.w_s = op.has_weight_grad ? calib.op_time_s(op, Pass::kBackwardWeight, 1.0) : 0.0;
  if (is_recomputed(op, recompute, precision)) {
    t.b_s += t.f_s;
    t.b_recomputes_f = true;
  }
  return t;
}

bool is_routed_expert_op(const OpTiming& op) {
  // layer_ops.h names them experts_gate_up, experts_act and experts_down (with an "mtpN." prefix in MTP).
  return op.part == OpPart::kMlp && op.name.find("experts_") != std::string::npos;
}

ExpertTimes routed_expert_times(const Scenario& s, const StepShape& shape, const Calibration& calib,
                                double load_factor) {
  ExpertTimes out;
  const ModelSpec& m = s.model;
  int layer = 0;
  while (layer < m.n_layers && !m.layer_is_moe(layer)) ++layer;
  if (layer == m.n_layers) return out;
  // Every MoE layer has the same routed-expert shapes, so one layer stands for all (and for MTP's).
  for (const Op& op : layer_forward_ops(m, layer, context_for(s, shape, load_factor))) {
    const OpTiming t = time_op(op, calib, shape.plan.recompute, s.precision);
    if (!is_routed_expert_op(t)) continue;
    out.f_s += t.f_s;
    out.b_s += t.b_s;
    out.w_s += t.w_s;
  }
  return out;
}

double ChunkCost::param_gather_total_s() const {
  double t = 0;
  for (double g : param_gather_s) t += g;
  return t;
}

double micro_batches_per_chunk(const ParallelPlan& p, int micro_batches) {
  return p.schedule == PipelineSchedule::kDualPipe ? micro_batches / 2.0 : micro_batches;
}

double tp_exposed_comm_s(double comm_s, double before_s, double after_s) {
  const double half = comm_s / 2;
  return std::max(0.0, half - before_s) + std::max(0.0, half - after_s);
}

StageCosts compute_stage_costs(const Scenario& s, const StepShape& shape, const Calibration& calib,
                               double expert_load_factor) {
  const ParallelPlan& p = shape.plan;
  const ModelSpec& m = s.model;
  StageCosts out;
  out.expert_load_factor = expert_load_factor;
  const long long seqs_per_pipeline_step = shape.global_batch / std::max(1, p.dp);
  out.micro_batches = static_cast<int>(seqs_per_pipeline_step / p.micro_batch);
  out.tokens_per_step = static_cast<double>(shape.global_batch) * shape.seq_len;
  const int sms = s.cluster.gpu.sm_count;
  out.sm_fraction_during_comm = (p.comm_sms > 0 && sms > p.comm_sms) ? static_cast<double>(sms - p.comm_sms) / sms : 1.0;

  const StageMap smap = map_stages(p);
  ParallelPlan flat = p;  // one chunk per stage, to ask the model layer for the layer split
  flat.schedule = PipelineSchedule::k1F1B;
  flat.pp = smap.n_stages;
  flat.virtual_stages = 1;
  const std::vector<StageLayers> stages = partition_layers(m, flat, shape.seq_len, shape.partitions);
  const std::vector<StageLayers> rank_layers = partition_layers(m, p, shape.seq_len, shape.partitions);

  const OpContext ctx_loaded = context_for(s, shape, expert_load_factor);
  const OpContext ctx_balanced = context_for(s, shape, 1.0);
  const Links links = links_of(s);
  const double tokens_per_rank = static_cast<double>(p.micro_batch) * shape.seq_len / p.cp;
  // With TP the MoE block of each rank routes its 1/tp share of the tokens (layer_ops.h), so that is what
  // each rank's dispatch and combine carry.
  const double moe_tokens = tokens_per_rank / std::max(1, p.tp);
  const double dispatch_payload = moe_dispatch_bytes_per_token(m, s.precision);
  const double combine_payload = moe_combine_bytes_per_token(m, s.precision);
  const double dispatch_s = m.is_moe() && p.ep > 1
      ? moe_a2a_time_s(s, links, moe_tokens, dispatch_payload, expert_load_factor, calib) : 0;
  const double combine_s = m.is_moe() && p.ep > 1
      ? moe_a2a_time_s(s, links, moe_tokens, combine_payload, expert_load_factor, calib) : 0;

  // "Node" below is the scale-up domain: the GPUs on one NVLink fabric (a node, or an NVL72 rack).
  const int per_node = s.cluster.scale_up_gpus();
  const int n_domains = s.cluster.n_scale_up_domains();

  // Megatron/TE TP overlap: each TP collective of a transformer layer hides under its neighbouring GEMMs.
  // The forward GEMM times stand for the backward ones too (a dgrad GEMM has the forward's shape, transposed).
  auto overlap_tp_collectives = [&](ChunkCost& chunk) {
    auto is_gemm = [](const OpTiming& o) { return o.cls == OpClass::kGemm || o.cls == OpClass::kGroupedGemm; };
    std::vector<OpTiming>& ops = chunk.ops;
    for (size_t i = 0; i < ops.size(); ++i) {
      OpTiming& t = ops[i];
      if (t.cls != OpClass::kTpCollective || t.layer < 0) continue;
      for (size_t j = i; j-- > 0;)
        if (is_gemm(ops[j])) {
          t.tp_hide_before_s = ops[j].f_s;
          break;
        }
      for (size_t j = i + 1; j < ops.size(); ++j)
        if (is_gemm(ops[j])) {
          t.tp_hide_after_s = ops[j].f_s;
          break;
        }
      const double exposed = tp_exposed_comm_s(t.comm_s, t.tp_hide_before_s, t.tp_hide_after_s);
      // A recomputed forward replays the collective in backward, overlapped the same way.
      const double exposed_b = t.comm_b_s > t.comm_s ? 2 * exposed : exposed;
      chunk.f_comm_s -= t.comm_s - exposed;
      chunk.b_comm_s -= t.comm_b_s - exposed_b;
      t.comm_s = exposed;
      t.comm_b_s = exposed_b;
    }
  };

  // Context-parallel ring of `bytes` in all (cp - 1 equal steps). The CP group is tp x cp consecutive GPUs (TP
  // fastest, then CP: Megatron's order, des-full's StepLayout); it runs on the scale-up fabric when that block
  // fits aligned in a node, and otherwise the step that leaves a node sets the pace of every step.
  const int cp_block = p.tp * p.cp;
  const bool cp_in_node = n_domains <= 1 || (cp_block <= per_node && per_node % cp_block == 0);
  auto cp_ring_s = [&](double bytes) {
    if (p.cp <= 1 || bytes <= 0) return 0.0;
    const double step = bytes / (p.cp - 1);
    const FabricKind kind = cp_in_node ? s.cluster.scale_up.kind : s.cluster.scale_out.kind;
    const double bw = (cp_in_node ? links.scale_up_Bps : links.scale_out_Bps) * calib.comm_efficiency(kind, step);
    const double latency = cp_in_node ? links.scale_up_latency_s : links.scale_out_latency_s;
    return (p.cp - 1) * network::p2p_time_s(step, bw, latency);
  };
  // Context-parallel all-to-all of a `bytes` buffer per rank (Ulysses): 1/cp of it to each member. Inside a
  // node that is the network layer's all-to-all; across nodes the members on the rank's node (per_node / tp of
  // them) are reached over the scale-up fabric and the others over the NICs, both at once.
  auto cp_alltoall_s = [&](double bytes) {
    if (p.cp <= 1 || bytes <= 0) return 0.0;
    const int local = std::max(1, per_node / std::max(1, p.tp));
    const double peer = bytes / p.cp;
    const double up_bw = links.scale_up_Bps * calib.comm_efficiency(s.cluster.scale_up.kind, peer);
    if (cp_in_node) return network::alltoall_time_s(bytes, p.cp, up_bw, links.scale_up_latency_s);
    const double intra = links.scale_up_latency_s + (local - 1) * peer / up_bw;
    const double out_bw = links.scale_out_Bps * calib.comm_efficiency(s.cluster.scale_out.kind, peer);
    return std::max(intra, links.scale_out_latency_s + (p.cp - local) * peer / out_bw);
  };

  const double kernel_gap_s = calib.kernel_gap_s(s.software.cuda_graphs);
  // An op's compute times in this plan: time_op, with what TP-overlap does to the GEMMs it hides under.
  auto timed_op = [&](const Op& op) {
    OpTiming t = time_op(op, calib, p.recompute, s.precision);
    if (p.tp_comm_overlap) apply_tp_overlap(t, op, calib, p.tp, sms, s.software);
    return t;
  };
  // `timed`: timed_op of each of `loaded`, when the caller has them already (one layer kind's ops).
  auto add_ops = [&](ChunkCost& chunk, const std::vector<Op>& loaded, const std::vector<Op>& balanced, int layer,
                     const std::vector<OpTiming>* timed = nullptr) {
    const size_t first = chunk.ops.size();
    for (size_t i = 0; i < loaded.size(); ++i) {
      const Op& op = loaded[i];
      OpTiming t = timed ? (*timed)[i] : timed_op(op);
      t.layer = layer;
      t.comm_bytes = op.comm_bytes;
      if (op.cls == OpClass::kDispatch) t.comm_s = dispatch_s;
      else if (op.cls == OpClass::kCombine) t.comm_s = combine_s;
      else if (op.cls == OpClass::kTpCollective)
        t.comm_s = network::ring_allreduce_time_s(op.comm_bytes, p.tp, links.scale_up_Bps, links.scale_up_latency_s);
      else if (op.cls == OpClass::kCpAllToAll)
        t.comm_s = cp_alltoall_s(op.comm_bytes);
      t.comm_b_s = t.comm_s;
      // Full recompute replays the layer's forward in backward, its collectives and all-to-alls included.
      if (p.recompute == RecomputePolicy::kFull && op.cls != OpClass::kCpRing) t.comm_b_s += t.comm_s;
      if (op.cls == OpClass::kCpRing) {
        // Each ring step's transfer runs while the kernel works on the block in hand, so only what the ring
        // takes beyond the attention kernel is exposed. Backward passes K/V again with their gradients (twice
        // the bytes); a recomputed forward runs its ring again too.
        const OpTiming& attn = chunk.ops.back();  // the ring follows its attention kernel (layer_ops.cc)
        const double ring_f = cp_ring_s(op.comm_bytes);
        const double ring_b = cp_ring_s(2.0 * op.comm_bytes) + (attn.b_recomputes_f ? ring_f : 0.0);
        t.comm_s = std::max(0.0, ring_f - attn.f_s);
        t.comm_b_s = std::max(0.0, ring_b - attn.b_s);
      }
      t.flops_f = balanced[i].flops;
      chunk.f_s += t.f_s;
      chunk.b_s += t.b_s;
      chunk.w_s += t.w_s;
      chunk.f_comm_s += t.comm_s;
      chunk.b_comm_s += t.comm_b_s;
      chunk.model_flops += model_flops_of(balanced[i]);
      chunk.ops.push_back(std::move(t));
    }
    if (kernel_gap_s <= 0) return;
    OpTiming gaps = kernel_gap_op(chunk.ops, first, layer, s.software, kernel_gap_s);
    chunk.f_s += gaps.f_s;
    chunk.b_s += gaps.b_s;
    chunk.w_s += gaps.w_s;
    chunk.ops.push_back(std::move(gaps));
  };

  const bool zero3 = p.zero_stage >= 3;
  const double weight_bytes_per_param = bytes_of(s.precision.weights);
  // The DP and expert-DP groups of a pipeline rank lie within its tp x cp x dp consecutive GPUs (Megatron's
  // order: TP fastest, then CP, then DP, pipeline rank outermost; des-full's StepLayout). When those fit in
  // aligned blocks of a node, the groups' rings run on the scale-up fabric; otherwise every ring crosses the NICs.
  const int block = p.stage_gpus();
  const bool dp_in_node = n_domains <= 1 || (block <= per_node && per_node % block == 0);
  const double dp_Bps = dp_in_node ? links.scale_up_Bps : links.scale_out_Bps;
  const double dp_latency_s = dp_in_node ? links.scale_up_latency_s : links.scale_out_latency_s;
  // A ring over the DP groups' fabric; a group with nothing to move (a dense model's expert group) sends nothing.
  auto dp_ring = [&](double (*ring)(double, int, double, double), double bytes, int n) {
    return bytes > 0 ? ring(bytes, n, dp_Bps, dp_latency_s) : 0.0;
  };
  // ZeRO-3 gather of `held` parameters (working-format weights) over the DP group (dense) and the expert-DP
  // group (routed experts), like the step-end collectives.
  auto gather_s = [&](const RankParams& held) {
    return dp_ring(network::ring_allgather_time_s, held.dense * weight_bytes_per_param, p.grad_dp()) +
           dp_ring(network::ring_allgather_time_s, held.expert * weight_bytes_per_param, std::max(1, p.expert_dp()));
  };
  // One group per layer, in the order of the chunk's ops; the embedding, head and MTP ops (layer -1) share
  // the chunk's remaining parameters, split evenly between their runs (two only when one chunk holds them all).
  auto assign_param_groups = [&](ChunkCost& chunk, const StageLayers& sl) {
    const RankParams all = rank_params(m, p, sl);
    RankParams rest = all;
    int rest_runs = 0;
    int prev_layer = -2;
    for (OpTiming& op : chunk.ops) {
      if (op.layer != prev_layer) {
        chunk.param_gather_s.push_back(0.0);
        if (op.layer >= 0) {
          StageLayers one;
          one.layers = {op.layer};
          one.chunk_layers = {{op.layer}};
          const RankParams lp = rank_params(m, p, one);
          chunk.param_gather_s.back() = gather_s(lp);
          rest.dense -= lp.dense;
          rest.expert -= lp.expert;
        } else {
          ++rest_runs;
        }
        prev_layer = op.layer;
      }
      op.param_group = static_cast<int>(chunk.param_gather_s.size()) - 1;
    }
    if (rest_runs == 0) return;
    rest.dense = std::max(0.0, rest.dense) / rest_runs;
    rest.expert = std::max(0.0, rest.expert) / rest_runs;
    const double rest_s = gather_s(rest);
    for (const OpTiming& op : chunk.ops)
      if (op.layer < 0) chunk.param_gather_s.at(op.param_group) = rest_s;
  };

  // Activations of one micro-batch between stages, BF16, over the scale-out fabric when stages are on
  // different nodes (a stage spans tp*cp*dp GPUs, so adjacent stages share a node only when that is < a node).
  const double act_bytes = tokens_per_rank * m.hidden * 2.0 / (p.sequence_parallel ? p.tp : 1);
  const bool cross_node = p.stage_gpus() >= per_node || n_domains > 1;
  out.pp_send_bytes = p.pp > 1 ? act_bytes : 0.0;
  out.pp_send_s = p.pp > 1 ? (cross_node ? act_bytes / links.scale_out_Bps + links.scale_out_latency_s
                                         : act_bytes / links.scale_up_Bps + links.scale_up_latency_s)
                           : 0.0;
  out.dp_overlap = s.software.dp_overlap;
  out.param_gather_overlap = s.software.param_gather_overlap;
  out.pp_send_on_compute = s.software.p2p_blocking && p.pp > 1;

  // Every layer of one kind has the same ops (layer_kind): build and time them once per kind, not per layer.
  std::array<std::optional<std::vector<Op>>, kLayerKinds> loaded_ops, balanced_ops;
  std::array<std::vector<OpTiming>, kLayerKinds> timed_ops;
  for (int r = 0; r < p.pp; ++r) {
    RankCosts rc;
    rc.rank = r;
    for (int stage : smap.rank_stages[r]) {
      const StageLayers& sl = stages.at(stage);
      ChunkCost chunk;
      chunk.stage = stage;
      chunk.layers = sl.layers;
      chunk.has_embedding = sl.embedding;
      chunk.has_head = sl.head;
      chunk.has_mtp = sl.mtp;
      if (sl.embedding) add_ops(chunk, embedding_forward_ops(m, ctx_loaded), embedding_forward_ops(m, ctx_balanced), -1);
      for (int layer : sl.layers) {
        const int kind = layer_kind(m, layer);
        if (!loaded_ops[kind]) {
          loaded_ops[kind] = layer_forward_ops(m, layer, ctx_loaded);
          balanced_ops[kind] = layer_forward_ops(m, layer, ctx_balanced);
          for (const Op& op : *loaded_ops[kind]) timed_ops[kind].push_back(timed_op(op));
        }
        add_ops(chunk, *loaded_ops[kind], *balanced_ops[kind], layer, &timed_ops[kind]);
      }
      if (sl.head) {
        add_ops(chunk, head_forward_ops(m, ctx_loaded), head_forward_ops(m, ctx_balanced), -1);
      }
      if (sl.mtp) {
        add_ops(chunk, mtp_forward_ops(m, ctx_loaded), mtp_forward_ops(m, ctx_balanced), -1);
      }
      chunk.activation_bytes =
          micro_batch_activation_bytes(m, p, s.precision, sl.layers, sl.head, sl.mtp, shape.seq_len);
      if (p.tp_comm_overlap) overlap_tp_collectives(chunk);
      if (zero3) assign_param_groups(chunk, sl);
      if (out.pp_send_on_compute) {
        OpTiming send = blocking_send_op(stage + 1 < smap.n_stages, stage > 0, out.pp_send_s);
        send.param_group = chunk.ops.empty() ? -1 : chunk.ops.back().param_group;
        chunk.f_s += send.f_s;
        chunk.b_s += send.b_s;
        chunk.ops.push_back(std::move(send));
      }
      rc.chunks.push_back(std::move(chunk));
    }
    // The rank's parameters after TP and EP splitting, from the model layer.
    const RankParams held = rank_params(m, p, rank_layers.at(r));
    const double dense_rank = held.dense;
    const double expert_rank = held.expert;
    const int dp_group = p.grad_dp();
    const int expert_dp_group = std::max(1, p.expert_dp());
    const double grad_bytes = bytes_of(s.precision.gradients);
    const double weight_bytes = bytes_of(s.precision.weights);
    rc.dp_grad_bytes_dense = dense_rank * grad_bytes;
    rc.dp_grad_bytes_expert = expert_rank * grad_bytes;
    rc.dp_weight_bytes_dense = dense_rank * weight_bytes;
    rc.dp_weight_bytes_expert = expert_rank * weight_bytes;
    // ZeRO-1/2: reduce-scatter gradients, all-gather updated weights; ZeRO-0: all-reduce = both halves.
    rc.dp_reduce_scatter_s = dp_ring(network::ring_reduce_scatter_time_s, dense_rank * grad_bytes, dp_group) +
                             dp_ring(network::ring_reduce_scatter_time_s, expert_rank * grad_bytes, expert_dp_group);
    rc.dp_all_gather_s = dp_ring(network::ring_allgather_time_s, dense_rank * weight_bytes, dp_group) +
                         dp_ring(network::ring_allgather_time_s, expert_rank * weight_bytes, expert_dp_group);
    if (zero3) {
      // ZeRO-3 gathers weights layer by layer inside each pass (param_gather_s), not once at the step's end;
      // gradients are reduce-scattered at the step's end as for ZeRO-2.
      rc.dp_all_gather_s = 0;
      rc.dp_weight_bytes_dense = rc.dp_weight_bytes_expert = 0;
    }
    // AdamW touches master weights, gradients, both moments (read + write) and writes the working copy.
    const double shard = p.zero_stage >= 1 ? dense_rank / dp_group + expert_rank / expert_dp_group : dense_rank + expert_rank;
    const double bytes_per_param = 2 * bytes_of(s.precision.master_weights) + grad_bytes +
                                   4 * bytes_of(s.precision.optimizer_moments) + weight_bytes;
    rc.optimizer_s = shard * bytes_per_param / calib.memory_bytes_per_s();
    out.ranks.push_back(std::move(rc));
  }

  MemoryOptions memory_options;
  memory_options.partitions = shape.partitions;
  const std::vector<MemoryBreakdown> memory =
      memory_per_stage(m, s.cluster, p, s.precision, shape.seq_len, memory_options);
  for (size_t r = 0; r < out.ranks.size() && r < memory.size(); ++r)
    out.ranks[r].static_memory_bytes = memory[r].total() - memory[r].activations;


  // Blocking sends were charged to the chunks' compute above; the receiver then waits for nothing more.
  if (out.pp_send_on_compute) out.pp_send_s = 0;

  double flops_pipeline = 0;
  for (const RankCosts& rc : out.ranks)
    for (const ChunkCost& c : rc.chunks) flops_pipeline += c.model_flops;
  out.model_flops_per_step = flops_pipeline * micro_batches_per_chunk(p, out.micro_batches) * p.stage_gpus();
  return out;
}

}  // namespace moeplan
