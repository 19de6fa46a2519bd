// Reading ModelSpec fields from YAML (see model_yaml.h).
#include "sim/io/model_yaml.h"

namespace moeplan::io {
namespace {

void read_mla(const YamlField& f, MlaSpec& m) {
  f.require_map("{q_lora_rank, kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim}");
  f.expect_keys({"q_lora_rank", "kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim"});
  m.q_lora_rank = f.get_int("q_lora_rank", m.q_lora_rank);
  m.kv_lora_rank = f.get_int("kv_lora_rank", m.kv_lora_rank);
  m.qk_nope_head_dim = f.get_int("qk_nope_head_dim", m.qk_nope_head_dim);
  m.qk_rope_head_dim = f.get_int("qk_rope_head_dim", m.qk_rope_head_dim);
  m.v_head_dim = f.get_int("v_head_dim", m.v_head_dim);
}

void read_moe(const YamlField& f, MoeSpec& m) {
  f.require_map("{n_routed_experts, top_k, expert_ffn_dim, ...}");
  f.expect_keys({"n_routed_experts", "n_shared_experts", "expert_ffn_dim", "top_k", "n_expert_groups",
                 "n_limited_groups", "first_k_dense", "moe_layer_freq", "routed_scaling_factor", "score_func"});
  m.n_routed_experts = f.get_int("n_routed_experts", m.n_routed_experts);
  m.n_shared_experts = f.get_int("n_shared_experts", m.n_shared_experts);
  m.expert_ffn_dim = f.get_int("expert_ffn_dim", m.expert_ffn_dim);
  m.top_k = f.get_int("top_k", m.top_k);
  m.n_expert_groups = f.get_int("n_expert_groups", m.n_expert_groups);
  m.n_limited_groups = f.get_int("n_limited_groups", m.n_limited_groups);
  m.first_k_dense = f.get_int("first_k_dense", m.first_k_dense);
  m.moe_layer_freq = f.get_int("moe_layer_freq", m.moe_layer_freq);
  m.routed_scaling_factor = f.get_double("routed_scaling_factor", m.routed_scaling_factor);
  if (auto s = f.find("score_func"))
    m.score_func = s->as_enum<std::string>({{"softmax", "softmax"}, {"sigmoid", "sigmoid"}}, "score function");
}

}  // namespace

const std::vector<std::string>& model_keys() {
  static const std::vector<std::string> kKeys = {
      "source", "n_layers", "hidden", "n_heads", "n_kv_heads", "head_dim", "attention", "mla", "ffn_dim",
      "gated_ffn", "attention_bias", "moe", "mtp_depth", "vocab", "tied_embeddings", "max_seq_len", "position_embedding", "dropout", "notes"};
  return kKeys;
}

ModelSpec read_model(const YamlField& e, const ModelSpec& base, const std::vector<std::string>& extra_keys) {
  e.require_map("a model: n_layers, hidden, n_heads, vocab, ...");
  std::vector<std::string> allowed = model_keys();
  allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
  e.expect_keys(allowed);
  ModelSpec m = base;
  m.source = e.get_string("source", m.source);
  m.n_layers = e.get_int("n_layers", m.n_layers);
  m.hidden = e.get_int("hidden", m.hidden);
  m.n_heads = e.get_int("n_heads", m.n_heads);
  m.n_kv_heads = e.get_int("n_kv_heads", m.n_kv_heads);
  m.head_dim = e.get_int("head_dim", m.head_dim);
  if (auto f = e.find("mla")) read_mla(*f, m.mla);
  if (auto f = e.find("attention")) {
    m.attention = f->as_enum<AttentionKind>(
        {{"mha", AttentionKind::kMha}, {"gqa", AttentionKind::kGqa}, {"mla", AttentionKind::kMla}}, "attention kind");
  } else if (e.has("mla") || (base.attention == AttentionKind::kMla && base.mla.kv_lora_rank > 0)) {
    m.attention = AttentionKind::kMla;
  }
  if (m.n_kv_heads == 0) m.n_kv_heads = m.n_heads;
  if (m.head_dim == 0 && m.n_heads > 0 && m.hidden % m.n_heads == 0) m.head_dim = m.hidden / m.n_heads;
  if (!e.has("attention") && m.attention != AttentionKind::kMla)
    m.attention = m.n_kv_heads < m.n_heads ? AttentionKind::kGqa : AttentionKind::kMha;
  m.ffn_dim = e.get_int("ffn_dim", m.ffn_dim);
  m.gated_ffn = e.get_bool("gated_ffn", m.gated_ffn);
  m.attention_bias = e.get_bool("attention_bias", m.attention_bias);
  if (auto f = e.find("moe")) read_moe(*f, m.moe);
  m.mtp_depth = e.get_int("mtp_depth", m.mtp_depth);
  m.vocab = e.get_int("vocab", m.vocab);
  m.tied_embeddings = e.get_bool("tied_embeddings", m.tied_embeddings);
  m.max_seq_len = e.get_int("max_seq_len", m.max_seq_len);
  if (auto f = e.find("position_embedding"))
    m.learned_positions = f->as_enum<bool>({{"learned", true}, {"rope", false}, {"none", false}},
                                           "position embedding");
  if (auto f = e.find("dropout")) {
    m.dropout = f->as_double("a probability in [0, 1), e.g. 0.1");
    if (!(m.dropout >= 0 && m.dropout < 1)) f->fail("dropout must be in [0, 1)", "a probability such as 0.1");
  }
  return m;
}

}  // namespace moeplan::io
