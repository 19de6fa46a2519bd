// Per-token stored activations by recompute policy; the enumeration is explained in activations.h.
#include "sim/model/activations.h"

#include "sim/units/error.h"

namespace moeplan {
namespace {

// Which policies keep a tensor.
enum class Keep {
  kNoneOnly,       // recomputed under selective and full (norm outputs, MLA up-projection outputs)
  kUpToSelective,  // kept under none and selective
};

struct Acc {
  const ActivationSettings& s;
  double bytes = 0;

  double act() const { return bytes_of(s.precision.activations); }
  // A linear-layer input kept for Wgrad: FP8 plus one FP32 scale per tile when GEMMs run in FP8.
  double lin() const {
    if (s.precision.gemm != DType::kFp8) return act();
    const int tile = s.precision.act_scale_tile;
    return 1.0 + (tile > 0 ? 4.0 / tile : 0.0);
  }
  // `split`: inside a TP region (divided by tp); replicated tensors are divided only with sequence parallel.
  void add(double b, bool split, Keep keep) {
    if (s.recompute == RecomputePolicy::kFull) return;
    if (s.recompute == RecomputePolicy::kSelective && keep == Keep::kNoneOnly) return;
    bytes += b / ((split || s.sequence_parallel) ? s.tp : 1);
  }
  // The layer input (residual stream), kept under every policy.
  void layer_input(double h) { bytes += h * act() / (s.sequence_parallel ? s.tp : 1); }
};

void mla_attention(const ModelSpec& m, Acc& a) {
  const auto& c = m.mla;
  const double h = m.hidden, H = m.n_heads, qk = c.qk_nope_head_dim + c.qk_rope_head_dim;
  a.add(a.lin() * h, false, Keep::kNoneOnly);  // attn norm output: q_a / kv_a input
  if (c.q_lora_rank > 0) {
    a.add(a.act() * c.q_lora_rank, false, Keep::kUpToSelective);  // c_q, the q_a_norm input
    a.add(a.lin() * c.q_lora_rank, false, Keep::kNoneOnly);       // q_b input (normalised c_q)
  }
  a.add(a.act() * (c.kv_lora_rank + c.qk_rope_head_dim), false, Keep::kUpToSelective);  // c_kv, k_rope
  a.add(a.lin() * c.kv_lora_rank, false, Keep::kNoneOnly);  // kv_b input (normalised c_kv)
  a.add(a.act() * H * (2.0 * qk + c.v_head_dim), true, Keep::kNoneOnly);  // q, k, v (up-projection outputs)
  a.add(a.act() * H * c.v_head_dim, true, Keep::kUpToSelective);        // O: attention output, o_proj input
  a.add(4.0 * H, true, Keep::kUpToSelective);                           // softmax log-sum-exp (FP32)
}

void gqa_attention(const ModelSpec& m, Acc& a) {
  const double h = m.hidden, d = m.head_dim;
  a.add(a.lin() * h, false, Keep::kNoneOnly);                                          // qkv input
  a.add(a.act() * (m.n_heads + 2.0 * m.n_kv_heads) * d, true, Keep::kUpToSelective);  // q, k, v
  a.add(a.act() * m.n_heads * d, true, Keep::kUpToSelective);                         // O
  a.add(4.0 * m.n_heads, true, Keep::kUpToSelective);                                 // log-sum-exp
}

// A (gated) FFN of `width` seen `copies` times per token: activation input and output.
void ffn_body(const ModelSpec& m, Acc& a, double copies, double width, bool split, bool fp8_cached) {
  const double up = m.gated_ffn ? 2.0 * width : width;
  a.add(copies * up * (fp8_cached ? a.lin() : a.act()), split, Keep::kUpToSelective);
  // Down-projection input; rebuilt from the cached activation input when that is FP8 (§3.3.4).
  a.add(copies * width * a.lin(), split, fp8_cached ? Keep::kNoneOnly : Keep::kUpToSelective);
}

void dense_ffn(const ModelSpec& m, Acc& a) {
  a.add(a.act() * m.hidden, false, Keep::kUpToSelective);  // ffn norm input (residual after attention)
  a.add(a.lin() * m.hidden, false, Keep::kNoneOnly);       // gate/up input (norm output)
  ffn_body(m, a, 1.0, m.ffn_dim, true, false);
}

void moe_ffn(const ModelSpec& m, Acc& a) {
  const auto& e = m.moe;
  const double h = m.hidden;
  const bool cached = a.s.precision.fp8_cached_moe_inputs;
  // The MoE block works on 1/tp of the tokens under TP (layer_ops.cc), so all its tensors are split.
  a.add(a.act() * h, false, Keep::kUpToSelective);  // ffn norm input
  a.add(a.act() * h, true, Keep::kNoneOnly);        // norm output: router (BF16) and shared-expert input
  a.add(4.0 * e.n_routed_experts + 8.0 * e.top_k, true, Keep::kUpToSelective);  // scores, top-k idx/weights
  const DType disp = a.s.precision.dispatch;
  const double scales =
      (disp == DType::kFp8 && a.s.precision.act_scale_tile > 0) ? 4.0 * h / a.s.precision.act_scale_tile : 0.0;
  // Dispatched rows are the experts' gate/up input, kept in the dispatch format.
  a.add(e.top_k * (h * bytes_of(disp) + scales), true, Keep::kUpToSelective);
  ffn_body(m, a, e.top_k, e.expert_ffn_dim, true, cached);
  if (e.n_shared_experts > 0) ffn_body(m, a, 1.0, static_cast<double>(e.expert_ffn_dim) * e.n_shared_experts, true, cached);
}

double block(const ModelSpec& m, int as_layer, const ActivationSettings& s) {
  Acc a{s};
  a.layer_input(m.hidden);  // attention norm input = layer input
  if (m.attention == AttentionKind::kMla)
    mla_attention(m, a);
  else
    gqa_attention(m, a);
  if (m.layer_is_moe(as_layer))
    moe_ffn(m, a);
  else
    dense_ffn(m, a);
  return a.bytes;
}

void check(const ActivationSettings& s) {
  if (s.tp < 1) throw_user_error("tp must be >= 1", ErrorContext{.key_path = "parallel.tp"});
}

}  // namespace

double layer_activation_bytes_per_token(const ModelSpec& m, int layer, const ActivationSettings& s) {
  check(s);
  if (layer < 0 || layer >= m.n_layers)
    throw_internal_error("layer_activation_bytes_per_token: layer out of range");
  return block(m, layer, s);
}

double head_activation_bytes_per_token(const ModelSpec& m, const ActivationSettings& s) {
  check(s);
  Acc a{s};
  a.layer_input(m.hidden);                          // final norm input
  a.add(a.act() * m.hidden, false, Keep::kNoneOnly);  // head input (BF16 head, §3.3)
  // Fused cross-entropy keeps a logits-sized buffer (softmax or its gradient) until backward; vocab-parallel.
  // Kept under every policy: recomputing it would replay the head GEMM.
  a.bytes += a.act() * static_cast<double>(m.vocab) / s.tp;
  return a.bytes;
}

double mtp_activation_bytes_per_token(const ModelSpec& m, const ActivationSettings& s) {
  check(s);
  double total = 0;
  for (int d = 0; d < m.mtp_depth; ++d) {
    Acc a{s};
    a.layer_input(m.hidden);                                // embedding of the shifted token (enorm input)
    a.layer_input(m.hidden);                                // previous depth's hidden state (hnorm input)
    a.add(a.lin() * 2.0 * m.hidden, false, Keep::kNoneOnly);  // eh_proj input (both norm outputs)
    total += a.bytes + block(m, m.n_layers - 1, s) + head_activation_bytes_per_token(m, s);
  }
  return total;
}

}  // namespace moeplan
