// Parameter counting; see params.h for conventions.
#include "sim/model/params.h"

#include "sim/units/error.h"

namespace moeplan {
namespace {

double ffn_params(const ModelSpec& m, double width) {
  const double matrices = m.gated_ffn ? 3.0 : 2.0;  // SwiGLU: gate, up, down; GELU MLP: up, down
  return matrices * m.hidden * width;
}

// Attention parameters, split into the TP-sharded part and the part every TP rank keeps whole.
void attention_params(const ModelSpec& m, double* tp_split, double* replicated) {
  const double h = m.hidden;
  if (m.attention == AttentionKind::kMla) {
    // DeepSeek-V2 §2.1 (eqs. 9-19) and the reference model.py: q_a (h x d_c'), q_a_norm, q_b
    // (d_c' x n_h (d_nope + d_rope)); kv_a (h x (d_c + d_rope)), kv_a_norm, kv_b (d_c x n_h (d_nope + d_v));
    // o (n_h d_v x h). Without query compression (q_lora_rank 0, V2-Lite) q is one h x n_h (d_nope+d_rope).
    const auto& a = m.mla;
    const double heads = m.n_heads;
    const double qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    double rep = h * (a.kv_lora_rank + a.qk_rope_head_dim) + a.kv_lora_rank;  // kv_a + kv_a_norm
    double split = a.kv_lora_rank * heads * (a.qk_nope_head_dim + a.v_head_dim)  // kv_b
                   + heads * a.v_head_dim * h;                                   // o
    if (a.q_lora_rank > 0) {
      rep += h * a.q_lora_rank + a.q_lora_rank;  // q_a + q_a_norm
      split += a.q_lora_rank * heads * qk;       // q_b
    } else {
      split += h * heads * qk;  // q
    }
    *tp_split = split;
    *replicated = rep;
    return;
  }
  const double d = m.head_dim;
  const double q = m.n_heads * d, kv = m.n_kv_heads * d;
  double split = h * q + 2.0 * h * kv + q * h;  // q, k, v, o
  if (m.attention_bias) split += q + 2.0 * kv;  // qkv bias (Qwen2), no o bias
  *tp_split = split;
  *replicated = 0;
}

}  // namespace

LayerParams layer_params(const ModelSpec& m, int layer) {
  if (layer < 0 || layer > m.n_layers)
    throw_internal_error("layer_params: layer " + std::to_string(layer) + " out of range");
  LayerParams p;
  attention_params(m, &p.attention_tp, &p.attention_replicated);
  p.norms = 2.0 * m.hidden;  // pre-attention and pre-FFN RMSNorm
  // An MTP block (layer == n_layers) has the structure of the last main layer (DeepSeek-V3 §2.2).
  const int as_layer = layer == m.n_layers ? m.n_layers - 1 : layer;
  p.moe = m.layer_is_moe(as_layer);
  if (!p.moe) {
    p.dense_ffn = ffn_params(m, m.ffn_dim);
    return p;
  }
  const auto& e = m.moe;
  p.routed_expert_each = ffn_params(m, e.expert_ffn_dim);
  p.routed_experts = p.routed_expert_each * e.n_routed_experts;
  p.shared_experts = p.routed_expert_each * e.n_shared_experts;
  p.router = static_cast<double>(m.hidden) * e.n_routed_experts;
  // Sigmoid gating with auxiliary-loss-free balancing keeps a per-expert bias (DeepSeek-V3 §2.1.2,
  // `e_score_correction_bias` in the checkpoint).
  if (e.score_func == "sigmoid") p.router += e.n_routed_experts;
  return p;
}

double mtp_module_params(const ModelSpec& m) {
  const LayerParams block = layer_params(m, m.n_layers);
  const double h = m.hidden;
  // eh_proj: concatenation [norm(h_prev); norm(emb)] (2h) -> h; enorm, hnorm and the shared head's norm.
  return block.total() + 2.0 * h * h + 3.0 * h;
}

ParamCounts count_params(const ModelSpec& m) {
  validate(m);
  ParamCounts c;
  const int top_k = m.is_moe() ? m.moe.top_k : 0;
  for (int i = 0; i < m.n_layers; ++i) {
    const LayerParams p = layer_params(m, i);
    c.total += p.total();
    c.active += p.active(top_k);
    c.norms += p.norms;
    c.attention += p.attention();
    c.routed_experts += p.routed_experts;
    if (p.moe) {
      c.routed_expert_each = p.routed_expert_each;
      c.shared_experts_per_layer = p.shared_experts;
      c.router_per_layer = p.router;
    } else {
      c.dense_ffn_per_layer = p.dense_ffn;
    }
    c.attention_per_layer = p.attention();
  }
  c.embedding = static_cast<double>(m.vocab) * m.hidden;
  // A learned position table has max_seq_len rows (GPT-3's 2048 x 12288: 25M parameters of 175B).
  if (m.learned_positions) c.embedding += static_cast<double>(m.max_seq_len) * m.hidden;
  c.head = m.tied_embeddings ? 0.0 : static_cast<double>(m.vocab) * m.hidden;
  const double final_norm = m.hidden;
  c.norms += final_norm;
  c.total += c.embedding + c.head + final_norm;
  // Every token reads its embedding row and goes through the whole head (README_WEIGHTS.md counts both in
  // DeepSeek-V3's 36.7B activated parameters).
  c.active += c.embedding + c.head + final_norm;
  if (m.mtp_depth > 0) {
    const LayerParams block = layer_params(m, m.n_layers);
    const double extra = mtp_module_params(m) - block.total();
    c.mtp = m.mtp_depth * mtp_module_params(m);
    c.mtp_active = m.mtp_depth * (block.active(top_k) + extra);
  }
  return c;
}

}  // namespace moeplan
