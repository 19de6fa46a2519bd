// The op inventory of one transformer layer (and of the embedding, head and MTP modules) on one rank.
// Conventions are in layer_ops.h; the choices made here:
// - FLOPs count tensor-core matmul work only (GEMMs and the attention core), the usual MFU convention
//   (PaLM, arXiv:2204.02311, App. B); memory-bound ops carry bytes and zero FLOPs.
// - Linear layers run in precision.gemm, except the router, embedding and output head, which DeepSeek-V3
//   keeps in BF16/FP32 (§3.3, "embedding module, the output head, MoE gating modules").
// - With TP > 1 the MoE block works on the rank's 1/tp share of the tokens (sequence-parallel layout, as
//   Megatron-Core requires when TP and EP are combined) and all-gathers the result afterwards.
// - Part tags follow DualPipe's split of a chunk (DeepSeek-V3 §3.2.1): norm, router and top-k belong to
//   the attention component (they must finish before dispatch), permutation and the all-to-all to
//   dispatch, expert and shared-expert GEMMs to MLP, the return all-to-all and un-permutation to combine.
#include <algorithm>
#include <string>
#include <utility>

#include "sim/model/layer_ops.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

struct Builder {
  const ModelSpec& m;
  const OpContext& ctx;
  std::string prefix;
  std::vector<Op> ops;

  // This rank's tokens of the micro-batch: its 1/cp share of each sequence.
  double tokens() const { return static_cast<double>(ctx.micro_batch) * ctx.seq_len / ctx.cp; }
  double act() const { return bytes_of(ctx.precision.activations); }
  // Formats kept above FP8 by DeepSeek-V3 §3.3 (router, embedding, head).
  DType high_precision() const {
    return ctx.precision.gemm == DType::kFp8 ? DType::kBf16 : ctx.precision.gemm;
  }

  // How an FP8 GEMM's input reaches FP8 in the forward pass.
  enum class Input {
    kCast,       // a separate cast kernel quantises the BF16 input (1x128 tiles)
    kShared,     // a sibling GEMM on the same input already cast it (q_a / kv_a)
    kArrivesFp8  // the input arrives in FP8 (MoE dispatch payload)
  };

  // FP8 data movement the recipe adds around one FP8 GEMM (DeepSeek-V3 §3.3): forward, the input cast to
  // FP8 with one FP32 scale per 1x128 tile; backward, the output gradient cast twice (1x128 tiles along the
  // features for dgrad, 128x1 tiles along the tokens for wgrad, which reduces over tokens) and the cached
  // FP8 input re-tiled to 128x1 for wgrad. Casts read and write HBM once each; nothing here is fused into
  // the GEMMs, which is what a recipe with per-tile scales along different axes requires.
  void fp8_casts(const std::string& name, OpPart part, double m_rows, double n, double k, int groups, Input in) {
    const int tile = ctx.precision.act_scale_tile > 0 ? ctx.precision.act_scale_tile : 128;
    const double scale = 4.0 / tile;  // FP32 scale bytes per element
    const double x = m_rows * k * groups, dy = m_rows * n * groups;
    Op op;
    op.name = prefix + name + "_fp8_cast";
    op.cls = OpClass::kMemoryBound;
    op.part = part;
    op.dtype = DType::kFp8;
    op.bytes = in == Input::kCast ? x * (act() + 1.0 + scale) : 0.0;
    op.bytes_backward = dy * (act() + 2.0 * (1.0 + scale)) + (in == Input::kShared ? 0.0 : x * 2.0 * (1.0 + scale));
    ops.push_back(std::move(op));
  }

  void gemm(const std::string& name, OpPart part, double m_rows, double n, double k, DType dt,
            int groups = 1, Input in = Input::kCast) {
    if (dt == DType::kFp8) fp8_casts(name, part, m_rows, n, k, groups, in);
    Op op;
    op.name = prefix + name;
    op.cls = groups > 1 ? OpClass::kGroupedGemm : OpClass::kGemm;
    op.part = part;
    op.gemm = GemmShape{m_rows, n, k, groups};
    op.dtype = dt;
    op.flops = 2.0 * m_rows * n * k * groups;
    // Input activations and weights in the GEMM format, output in the activation format.
    op.bytes = (m_rows * k + k * n) * groups * bytes_of(dt) + m_rows * n * groups * act();
    op.has_weight_grad = true;
    ops.push_back(std::move(op));
  }
  void memory(const std::string& name, OpPart part, double bytes) {
    Op op;
    op.name = prefix + name;
    op.cls = OpClass::kMemoryBound;
    op.part = part;
    op.dtype = ctx.precision.activations;
    op.bytes = bytes;
    ops.push_back(std::move(op));
  }
  void comm(const std::string& name, OpClass cls, OpPart part, double bytes, DType dt) {
    Op op;
    op.name = prefix + name;
    op.cls = cls;
    op.part = part;
    op.dtype = dt;
    op.comm_bytes = bytes;
    ops.push_back(std::move(op));
  }
  // Fused residual add + RMSNorm: reads the residual stream and the branch output, writes both results.
  // With sequence parallelism it runs on the rank's 1/tp share of the tokens, between the reduce-scatter and
  // the all-gather that replace TP's all-reduce (Korthikanti et al., arXiv:2205.05198 §4.2.2); without it
  // every TP rank normalises all of them.
  // With dropout the add is Megatron's fused bias-dropout-add, which also writes a one-byte keep mask per
  // element (read again in backward).
  void norm(const std::string& name, OpPart part, double width) {
    const double t = ctx.sequence_parallel && ctx.tp > 1 ? tokens() / ctx.tp : tokens();
    memory(name, part, 4.0 * t * width * act() + (m.dropout > 0 ? t * width : 0.0));
  }
  void tp_allreduce(const std::string& name, OpPart part) {
    if (ctx.tp > 1)
      comm(name, OpClass::kTpCollective, part, tokens() * m.hidden * act(), ctx.precision.activations);
  }

  // Keys each query sees on average. Under context parallelism the load-balanced split gives every rank's
  // queries the same mix of early and late positions, so this stays the whole sequence's average.
  double causal_context() const { return ctx.causal ? ctx.seq_len / 2.0 : ctx.seq_len; }
  double heads_per_rank() const { return static_cast<double>(m.n_heads) / ctx.tp; }

  void attention_core(double q_heads, double kv_heads, double d_qk, double d_v) {
    Op op;
    op.name = prefix + "attn_core";
    op.cls = OpClass::kAttention;
    op.part = OpPart::kAttention;
    op.dtype = DType::kBf16;  // attention stays in BF16 (DeepSeek-V3 §3.3; FlashAttention/FlashMLA)
    const double t = tokens();
    // QK^T over d_qk and PV over d_v per (query, key) pair; causal masking halves the pairs.
    op.flops = 2.0 * t * causal_context() * q_heads * (d_qk + d_v);
    op.backward_flops = op.flops * (3.0 * d_qk + 2.0 * d_v) / (d_qk + d_v);
    op.attention_kernel = ctx.attention_kernel;
    op.head_dim = d_qk;
    op.causal = ctx.causal;
    const bool ring = ctx.cp > 1 && ctx.cp_comm == CpComm::kRing;
    const bool a2a = ctx.cp > 1 && ctx.cp_comm == CpComm::kAllToAll;
    // Attention curves are keyed by the query tokens of one sequence (their benchmarks' sequence length):
    // causal masking and the tile tail cost more at short sequences. Ring attention calls the kernel on
    // blocks of seq_len / cp queries; after the a2a exchange it runs on whole sequences of fewer heads.
    op.gemm.m = ring ? static_cast<double>(ctx.seq_len) / ctx.cp : ctx.seq_len;
    // Flash attention streams Q, K, V once and writes O (plus the log-sum-exp); a ring streams each of the
    // cp K/V blocks once.
    op.bytes = t * (q_heads * d_qk + (ring ? ctx.cp : 1) * kv_heads * (d_qk + d_v) + q_heads * d_v) * act() +
               t * q_heads * 4.0;
    // Ulysses: this rank's Q of every head and its K/V go to the rank owning each head (with fewer KV heads
    // than CP ranks every rank needs one, so the K/V go out cp times); O comes back the same way.
    if (a2a) comm("attn_cp_a2a_qkv", OpClass::kCpAllToAll, OpPart::kAttention,
                  t * (q_heads * d_qk + std::max(kv_heads, static_cast<double>(ctx.cp)) * (d_qk + d_v)) * act(),
                  ctx.precision.activations);
    ops.push_back(std::move(op));
    attention_dropout(q_heads);
    // Ring attention: cp - 1 steps, each sending this rank's current K/V block on to the next CP rank while
    // the kernel works on the block it holds (the transfer hides under that work; stage_costs.cc).
    if (ring) comm("attn_cp_ring", OpClass::kCpRing, OpPart::kAttention,
                   (ctx.cp - 1.0) * t * kv_heads * (d_qk + d_v) * act(), ctx.precision.activations);
    if (a2a) comm("attn_cp_a2a_out", OpClass::kCpAllToAll, OpPart::kAttention, t * q_heads * d_v * act(),
                  ctx.precision.activations);
  }

  // Dropout on the attention probabilities. Fused kernels (FlashAttention, Megatron's fused softmax, whose
  // published rates were measured with dropout on) apply it in registers or inside their measured rate;
  // unfused attention, whose published rates have no dropout, makes one more pass over the score matrix:
  // read the probabilities, write the kept ones and a one-byte mask. The scores are the full seq x seq
  // square per head, whatever the mask: unfused code computes every entry.
  void attention_dropout(double q_heads) {
    if (m.dropout <= 0 || ctx.attention_kernel != AttentionKernel::kUnfused) return;
    const double scores = tokens() * ctx.seq_len * q_heads;
    memory("attn_dropout", OpPart::kAttention, scores * (2.0 * act() + 1.0));
  }

  void mla_attention() {
    const auto& a = m.mla;
    const double t = tokens(), h = m.hidden, hr = heads_per_rank();
    const double qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    const DType g = ctx.precision.gemm;
    norm("attn_norm", OpPart::kAttention, h);
    if (a.q_lora_rank > 0) {
      gemm("q_a_proj", OpPart::kAttention, t, a.q_lora_rank, h, g);
      memory("q_a_norm", OpPart::kAttention, 2.0 * t * a.q_lora_rank * act());
      gemm("q_b_proj", OpPart::kAttention, t, hr * qk, a.q_lora_rank, g);
    } else {
      gemm("q_proj", OpPart::kAttention, t, hr * qk, h, g);
    }
    gemm("kv_a_proj", OpPart::kAttention, t, a.kv_lora_rank + a.qk_rope_head_dim, h, g, 1,
         a.q_lora_rank > 0 ? Input::kShared : Input::kCast);
    memory("kv_a_norm", OpPart::kAttention, 2.0 * t * a.kv_lora_rank * act());
    gemm("kv_b_proj", OpPart::kAttention, t, hr * (a.qk_nope_head_dim + a.v_head_dim), a.kv_lora_rank, g);
    // RoPE on the decoupled query parts and the shared key part: read and write.
    memory("rope", OpPart::kAttention, 2.0 * t * (hr + 1.0) * a.qk_rope_head_dim * act());
    // In training K and V are materialised per head by kv_b (DeepSeek-V2 §2.1.2), so kv heads = heads.
    attention_core(hr, hr, qk, a.v_head_dim);
    gemm("o_proj", OpPart::kAttention, t, h, hr * a.v_head_dim, g);
    tp_allreduce("attn_tp_allreduce", OpPart::kAttention);
  }

  void gqa_attention() {
    const double t = tokens(), h = m.hidden, d = m.head_dim, hr = heads_per_rank();
    // With fewer KV heads than TP ranks each rank keeps a replica of one KV head.
    const double kvr = m.n_kv_heads >= ctx.tp ? static_cast<double>(m.n_kv_heads) / ctx.tp : 1.0;
    const DType g = ctx.precision.gemm;
    norm("attn_norm", OpPart::kAttention, h);
    gemm("qkv_proj", OpPart::kAttention, t, (hr + 2.0 * kvr) * d, h, g);
    memory("rope", OpPart::kAttention, 2.0 * t * (hr + kvr) * d * act());
    attention_core(hr, kvr, d, d);
    gemm("o_proj", OpPart::kAttention, t, h, hr * d, g);
    tp_allreduce("attn_tp_allreduce", OpPart::kAttention);
  }

  // Activation of a (gated) FFN of `width` on `t` tokens: SwiGLU reads gate and up, writes the product.
  double activation_bytes(double t, double width) const {
    return (m.gated_ffn ? 3.0 : 2.0) * t * width * act();
  }
  double up_width(double width) const { return m.gated_ffn ? 2.0 * width : width; }

  void dense_ffn() {
    const double t = tokens(), h = m.hidden, f = static_cast<double>(m.ffn_dim) / ctx.tp;
    const DType g = ctx.precision.gemm;
    norm("ffn_norm", OpPart::kMlp, h);
    gemm("ffn_gate_up", OpPart::kMlp, t, up_width(f), h, g);
    memory("ffn_act", OpPart::kMlp, activation_bytes(t, f));
    gemm("ffn_down", OpPart::kMlp, t, h, f, g);
    tp_allreduce("ffn_tp_allreduce", OpPart::kMlp);
  }

  void moe_ffn() {
    const auto& e = m.moe;
    const double h = m.hidden, f = e.expert_ffn_dim, E = e.n_routed_experts;
    if (e.n_routed_experts % ctx.ep != 0)
      throw_user_error("ep (" + std::to_string(ctx.ep) + ") must divide the routed experts (" +
                           std::to_string(e.n_routed_experts) + ")",
                       ErrorContext{.key_path = "parallel.ep", .expected = "a divisor of n_routed_experts"});
    const double t = tokens() / ctx.tp;  // this rank's share of the tokens (see file header)
    const DType g = ctx.precision.gemm;
    norm("ffn_norm", OpPart::kAttention, h);
    gemm("router", OpPart::kAttention, t, E, h, high_precision());
    // Scores (FP32) read for top-k; indices and weights written.
    memory("router_topk", OpPart::kAttention, t * E * 4.0 + t * e.top_k * 8.0);

    const double copies = t * e.top_k;  // token copies this rank sends (balanced routing)
    const DType disp = ctx.precision.dispatch, comb = ctx.precision.combine;
    const double disp_row = moe_dispatch_bytes_per_token(m, ctx.precision);
    const double comb_row = moe_combine_bytes_per_token(m, ctx.precision);
    // With balanced routing a copy stays on this rank with probability 1/ep.
    const double leaving = static_cast<double>(ctx.ep - 1) / ctx.ep;
    memory("permute", OpPart::kDispatch, t * h * act() + copies * disp_row);
    comm("dispatch", OpClass::kDispatch, OpPart::kDispatch, copies * disp_row * leaving, disp);

    const int groups = e.n_routed_experts / ctx.ep;
    const double arriving = copies * ctx.expert_load_factor;  // rows this rank's experts process
    const double rows = arriving / groups;
    gemm("experts_gate_up", OpPart::kMlp, rows, up_width(f), h, g, groups,
         disp == DType::kFp8 ? Input::kArrivesFp8 : Input::kCast);
    memory("experts_act", OpPart::kMlp, activation_bytes(arriving, f));
    gemm("experts_down", OpPart::kMlp, rows, h, f, g, groups);
    if (e.n_shared_experts > 0) {
      const double fs = f * e.n_shared_experts;
      gemm("shared_gate_up", OpPart::kMlp, t, up_width(fs), h, g);
      memory("shared_act", OpPart::kMlp, activation_bytes(t, fs));
      gemm("shared_down", OpPart::kMlp, t, h, fs, g);
    }
    comm("combine", OpClass::kCombine, OpPart::kCombine, copies * comb_row * leaving, comb);
    // Weighted sum of the top-k returned rows plus the shared expert output.
    memory("unpermute", OpPart::kCombine, copies * comb_row + 2.0 * t * h * act());
    if (ctx.tp > 1)
      comm("moe_tp_allgather", OpClass::kTpCollective, OpPart::kCombine, tokens() * h * act(),
           ctx.precision.activations);
  }

  void layer(int as_layer) {
    if (m.attention == AttentionKind::kMla)
      mla_attention();
    else
      gqa_attention();
    if (m.layer_is_moe(as_layer))
      moe_ffn();
    else
      dense_ffn();
  }

  void embedding() {
    // Row gather: read the rows, write the hidden states (vocab-parallel with TP: masked rows + all-reduce).
    memory("embedding", OpPart::kAttention, 2.0 * tokens() * m.hidden * act());
    // Learned absolute positions: read the position rows and the token embeddings, write their sum.
    if (m.learned_positions) memory("position_embedding", OpPart::kAttention, 3.0 * tokens() * m.hidden * act());
    tp_allreduce("embedding_tp_allreduce", OpPart::kAttention);
  }

  void head() {
    const double t = tokens(), v = static_cast<double>(m.vocab) / ctx.tp;
    memory("final_norm", OpPart::kMlp, 2.0 * t * m.hidden * act());
    gemm("head", OpPart::kMlp, t, v, m.hidden, high_precision());
    // Fused softmax cross-entropy: reads the logits, writes their gradient in place.
    memory("cross_entropy", OpPart::kMlp, 2.0 * t * v * act());
    if (ctx.tp > 1)  // vocab-parallel max and sum-exp per token (Megatron cross_entropy)
      comm("ce_tp_allreduce", OpClass::kTpCollective, OpPart::kMlp, 2.0 * t * 4.0, DType::kFp32);
  }
};

void check_context(const OpContext& ctx) {
  if (ctx.micro_batch < 1 || ctx.seq_len < 1 || ctx.tp < 1 || ctx.cp < 1 || ctx.ep < 1 ||
      ctx.expert_load_factor <= 0)
    throw_user_error("op context needs micro_batch, seq_len, tp, cp, ep >= 1 and a positive load factor",
                     ErrorContext{.key_path = "parallel"});
  const int pieces = ctx.cp_comm == CpComm::kRing ? 2 * ctx.cp : ctx.cp;  // see cp_pieces in parallel_plan.h
  if (ctx.cp > 1 && ctx.seq_len % pieces != 0)
    throw_user_error("context parallelism cp = " + std::to_string(ctx.cp) + " needs seq_len divisible by " +
                         std::to_string(pieces),
                     ErrorContext{.key_path = "parallel.cp", .expected = "seq_len divisible into the CP pieces"});
}

}  // namespace

std::vector<Op> layer_forward_ops(const ModelSpec& m, int layer, const OpContext& ctx) {
  check_context(ctx);
  if (layer < 0 || layer >= m.n_layers)
    throw_internal_error("layer_forward_ops: layer " + std::to_string(layer) + " out of range");
  Builder b{m, ctx, "", {}};
  b.layer(layer);
  return std::move(b.ops);
}

// Builder::layer() looks at the layer index only through layer_is_moe; keep the kind in step with it.
int layer_kind(const ModelSpec& m, int layer) { return m.layer_is_moe(layer) ? 1 : 0; }

std::vector<Op> embedding_forward_ops(const ModelSpec& m, const OpContext& ctx) {
  check_context(ctx);
  Builder b{m, ctx, "", {}};
  b.embedding();
  return std::move(b.ops);
}

std::vector<Op> head_forward_ops(const ModelSpec& m, const OpContext& ctx) {
  check_context(ctx);
  Builder b{m, ctx, "", {}};
  b.head();
  return std::move(b.ops);
}

std::vector<Op> mtp_forward_ops(const ModelSpec& m, const OpContext& ctx) {
  check_context(ctx);
  std::vector<Op> all;
  // DeepSeek-V3 §2.2: module k embeds token i+k with the shared embedding, normalises it and the previous
  // depth's hidden state, projects the concatenation 2h -> h, runs one transformer block and the shared head.
  for (int d = 0; d < m.mtp_depth; ++d) {
    Builder b{m, ctx, "mtp" + std::to_string(d) + ".", {}};
    const double t = b.tokens(), h = m.hidden;
    b.embedding();
    b.memory("enorm", OpPart::kAttention, 2.0 * t * h * b.act());
    b.memory("hnorm", OpPart::kAttention, 2.0 * t * h * b.act());
    b.gemm("eh_proj", OpPart::kAttention, t, h, 2.0 * h, ctx.precision.gemm);
    b.layer(m.n_layers - 1);
    b.head();
    for (auto& op : b.ops) all.push_back(std::move(op));
  }
  return all;
}

double moe_dispatch_bytes_per_token(const ModelSpec& m, const PrecisionRecipe& p) {
  const double h = m.hidden;
  const double scales = (p.dispatch == DType::kFp8 && p.act_scale_tile > 0) ? 4.0 * h / p.act_scale_tile : 0.0;
  return h * bytes_of(p.dispatch) + scales;
}

double moe_combine_bytes_per_token(const ModelSpec& m, const PrecisionRecipe& p) {
  return m.hidden * bytes_of(p.combine);
}

double attention_kv_bytes_per_token(const ModelSpec& m, int tp, DType activations) {
  const int t = std::max(1, tp);
  if (m.attention == AttentionKind::kMla) {
    const auto& a = m.mla;
    return static_cast<double>(m.n_heads) / t * (a.qk_nope_head_dim + a.qk_rope_head_dim + a.v_head_dim) *
           bytes_of(activations);
  }
  // As gqa_attention: with fewer KV heads than TP ranks each rank keeps one.
  const double kvr = m.n_kv_heads >= t ? static_cast<double>(m.n_kv_heads) / t : 1.0;
  return kvr * 2.0 * m.head_dim * bytes_of(activations);
}

const char* to_string(OpClass c) {
  switch (c) {
    case OpClass::kGemm: return "gemm";
    case OpClass::kGroupedGemm: return "grouped_gemm";
    case OpClass::kAttention: return "attention";
    case OpClass::kMemoryBound: return "memory_bound";
    case OpClass::kDispatch: return "dispatch";
    case OpClass::kCombine: return "combine";
    case OpClass::kTpCollective: return "tp_collective";
    case OpClass::kCpRing: return "cp_ring";
    case OpClass::kCpAllToAll: return "cp_alltoall";
    case OpClass::kOverhead: return "overhead";
  }
  return "?";
}

const char* to_string(OpPart p) {
  switch (p) {
    case OpPart::kAttention: return "attention";
    case OpPart::kDispatch: return "dispatch";
    case OpPart::kMlp: return "mlp";
    case OpPart::kCombine: return "combine";
  }
  return "?";
}

}  // namespace moeplan
