// CUDA MoE routing (sigmoid, bias, group-limited top-k), permutation into expert-contiguous order, and the
// weighted combine; same semantics as kernels/cpu/moe_router_ref.h. Device pointers; CUDA-only header.
#pragma once

#include <cuda_runtime.h>

#include "kernels/cpu/moe_router_ref.h"

namespace moeplan::kernels {

// Limits of this kernel: experts <= 1024, groups <= 32, top_k <= 32 (DeepSeek-V3: 256, 8, 8).
void moe_route_cuda(const RouterConfig& cfg, const float* logits, const float* bias, int tokens, int* topk_idx,
                    float* topk_weight, cudaStream_t stream);

// As moe_permute_ref, plus inverse_pos (tokens * top_k): the sorted position of each (token, slot), which the
// combine uses. Expert indices must lie in [0, experts). Stable (token, slot) order within each expert.
void moe_permute_cuda(const int* topk_idx, int tokens, int top_k, int experts, int* counts, int* offsets,
                      int* sorted_token, int* sorted_slot, int* inverse_pos, cudaStream_t stream);

// out[t] = sum over slots s in order of topk_weight[t * top_k + s] * expert_out[inverse_pos[t * top_k + s]].
void moe_unpermute_cuda(const float* expert_out, const int* inverse_pos, const float* topk_weight, int tokens,
                        int top_k, int hidden, float* out, cudaStream_t stream);

}  // namespace moeplan::kernels
