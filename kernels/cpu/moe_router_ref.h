// CPU reference of DeepSeek-V3 MoE routing and of the token permutation around the expert GEMMs.
//
// Routing (DeepSeek-V3 §2.1.2, config.json: scoring_func sigmoid, topk_method noaux_tc, n_group 8,
// topk_group 4, num_experts_per_tok 8, norm_topk_prob true, routed_scaling_factor 2.5):
//   s_e = sigmoid(logit_e); the selection uses s_e + bias_e (the auxiliary-loss-free balancing bias, §2.1.2),
//   a group scores the sum of its two largest biased scores, the best topk_groups groups survive, and the
//   top_k biased scores among their experts are chosen. Gate weights use the unbiased s_e, normalised over the
//   chosen experts and multiplied by routed_scaling_factor. Ties go to the lower index, so a GPU kernel can
//   reproduce the selection exactly. topk_idx lists each token's experts in descending biased score.
// Permutation: the (token, slot) pairs are grouped by expert in stable (token, slot) order, the contiguous
// layout a grouped GEMM consumes (fp8_grouped_gemm_ref). Un-permutation sums each token's expert outputs
// weighted by its gate weights, in slot order.
#pragma once

namespace moeplan::kernels {

struct RouterConfig {
  int experts, groups, topk_groups, top_k;
  float routed_scaling_factor;
};

// Throws a user Error unless experts % groups == 0, 1 <= topk_groups <= groups and
// 1 <= top_k <= topk_groups * experts / groups.
void validate_router_config(const RouterConfig& cfg);

// logits: tokens x experts. bias: experts. topk_idx, topk_weight: tokens x top_k.
void moe_route_ref(const RouterConfig& cfg, const float* logits, const float* bias, int tokens, int* topk_idx,
                   float* topk_weight);

// counts: experts. offsets: experts + 1 (exclusive prefix sum of counts). sorted_token, sorted_slot:
// tokens * top_k; position p of the expert-contiguous order holds token sorted_token[p]'s slot sorted_slot[p].
void moe_permute_ref(const int* topk_idx, int tokens, int top_k, int experts, int* counts, int* offsets,
                     int* sorted_token, int* sorted_slot);

// expert_out: (tokens * top_k) x hidden rows in the sorted order. out: tokens x hidden,
// out[t] = sum over slots s (in order) of topk_weight[t * top_k + s] * expert_out[position of (t, s)].
void moe_unpermute_ref(const float* expert_out, const int* sorted_token, const int* sorted_slot,
                       const float* topk_weight, int tokens, int top_k, int hidden, float* out);

}  // namespace moeplan::kernels
