// ModelSpec: a decoder-only transformer, dense or Mixture-of-Experts, with MHA, GQA or MLA attention.
//
// Plain values only; the closed-form arithmetic on them lives in sim/model. Field names follow the
// DeepSeek-V3 / HuggingFace config vocabulary so a config.json maps onto them directly.
#pragma once

#include <string>
#include <vector>

namespace moeplan {

enum class AttentionKind { kMha, kGqa, kMla };

// Multi-head latent attention (DeepSeek-V2 §2.1; DeepSeek-V3 §2.1.1).
struct MlaSpec {
  int q_lora_rank = 0;        // 0: queries are not compressed (DeepSeek-V2-Lite)
  int kv_lora_rank = 0;       // d_c, 512 for V2/V3
  int qk_nope_head_dim = 0;   // 128
  int qk_rope_head_dim = 0;   // d_h^R, 64
  int v_head_dim = 0;         // 128
};

struct MoeSpec {
  int n_routed_experts = 0;     // 0: dense model
  int n_shared_experts = 0;
  int expert_ffn_dim = 0;       // moe_intermediate_size
  int top_k = 0;                // routed experts activated per token
  int n_expert_groups = 1;      // n_group: experts are split into groups (one per node in V3)
  int n_limited_groups = 1;     // topk_group: a token may use at most this many groups (node-limited routing)
  int first_k_dense = 0;        // the first k layers use a dense FFN of width ModelSpec::ffn_dim
  int moe_layer_freq = 1;       // every n-th layer after first_k_dense is MoE
  double routed_scaling_factor = 1.0;
  std::string score_func = "softmax";  // "softmax" or "sigmoid"
};

struct ModelSpec {
  std::string name;
  std::string source;           // where the numbers come from (config file, paper)
  int n_layers = 0;
  int hidden = 0;
  int n_heads = 0;
  int n_kv_heads = 0;           // = n_heads for MHA and MLA
  int head_dim = 0;             // per-head dim for MHA/GQA (hidden / n_heads unless set)
  AttentionKind attention = AttentionKind::kMha;
  MlaSpec mla;
  int ffn_dim = 0;              // dense FFN intermediate size (SwiGLU)
  bool gated_ffn = true;        // SwiGLU: 3 matrices; false: 2-matrix GELU MLP
  bool attention_bias = false;  // qkv bias (Qwen2)
  MoeSpec moe;
  int mtp_depth = 0;            // multi-token-prediction modules (DeepSeek-V3: 1)
  int vocab = 0;
  bool tied_embeddings = false;
  int max_seq_len = 0;          // informational; the learned position table's rows when set
  // Learned absolute position embeddings (GPT-2/3, Megatron GPT, OPT, BLOOM uses ALiBi = none): a table of
  // max_seq_len (else the run's sequence length) rows added to the token embeddings. false: rotary (RoPE),
  // which costs a memory-bound op inside attention and no parameters.
  bool learned_positions = false;
  // Dropout probability on the residual branches and on the attention probabilities (0 = none). It costs a
  // mask per element and, in unfused attention, a pass over the score matrix (layer_ops.cc).
  double dropout = 0;

  bool is_moe() const { return moe.n_routed_experts > 0; }
  // True when layer `i` (0-based) has an MoE FFN.
  bool layer_is_moe(int i) const {
    return is_moe() && i >= moe.first_k_dense && (i - moe.first_k_dense) % moe.moe_layer_freq == 0;
  }
  int n_moe_layers() const {
    int n = 0;
    for (int i = 0; i < n_layers; ++i) n += layer_is_moe(i) ? 1 : 0;
    return n;
  }
};

// Throws a user Error listing the first inconsistency (e.g. n_heads not divisible by n_kv_heads).
void validate(const ModelSpec& m);

}  // namespace moeplan
