// Parameter counts of a ModelSpec: total and activated (per token), by component, and per layer.
//
// Counts follow the weight matrices of the HuggingFace / DeepSeek reference implementations: SwiGLU FFNs
// have three matrices (gate, up, down), RMSNorms one vector, MLA the projections of DeepSeek-V2 §2.1
// (q_a, q_a_norm, q_b, kv_a, kv_a_norm, kv_b, o). The MTP modules of DeepSeek-V3 §2.2 are reported
// separately from the main model (as README_WEIGHTS.md does: 671B main + MTP), sharing its embedding and head.
#pragma once

#include "sim/spec/model_spec.h"

namespace moeplan {

// Parameters of one transformer layer, split the way parallelism splits them.
struct LayerParams {
  double attention_tp = 0;          // attention matrices split by TP (q/q_b, k, v, kv_b, o; biases)
  double attention_replicated = 0;  // MLA down-projections and their norms (kept whole on every TP rank)
  double dense_ffn = 0;             // dense FFN (0 on MoE layers)
  double routed_experts = 0;        // all routed experts of the layer
  double routed_expert_each = 0;    // one routed expert
  double shared_experts = 0;        // all shared experts of the layer
  double router = 0;                // gating matrix (+ DeepSeek-V3's routing bias when sigmoid gating)
  double norms = 0;                 // the two pre-norms of the layer
  bool moe = false;

  double attention() const { return attention_tp + attention_replicated; }
  double total() const {
    return attention() + dense_ffn + routed_experts + shared_experts + router + norms;
  }
  // Parameters one token touches: routed experts count top_k times one expert.
  double active(int top_k) const {
    return attention() + dense_ffn + routed_expert_each * top_k + shared_experts + router + norms;
  }
};

struct ParamCounts {
  double total = 0;               // main model: layers + embedding + head + final norm (MTP excluded)
  double active = 0;              // per token: main model with top_k routed experts per MoE layer
  double embedding = 0;
  double head = 0;                // output projection (0 when tied to the embedding)
  double mtp = 0;                 // MTP modules, excluding the shared embedding and head
  double mtp_active = 0;          // MTP parameters one token touches (shared embedding/head excluded)
  double attention_per_layer = 0; // attention incl. MLA norms
  double dense_ffn_per_layer = 0; // one dense FFN
  double routed_expert_each = 0;  // one routed expert
  double shared_experts_per_layer = 0;
  double router_per_layer = 0;
  double norms = 0;               // all norm vectors of the main model (layer norms + final norm)
  double routed_experts = 0;      // all routed experts of the main model
  double attention = 0;           // all attention of the main model

  double total_with_mtp() const { return total + mtp; }
  double non_embedding_active() const { return active - embedding; }
};

// Parameters of layer `layer` (0-based; layer == n_layers means an MTP block, which has the structure of
// the last layer).
LayerParams layer_params(const ModelSpec& m, int layer);
// Parameters of one MTP module (DeepSeek-V3 §2.2): its transformer block, the 2h -> h projection and its
// norms (on the hidden state, on the embedding, and the norm before the shared head).
double mtp_module_params(const ModelSpec& m);
ParamCounts count_params(const ModelSpec& m);

}  // namespace moeplan
