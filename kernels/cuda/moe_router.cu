// MoE routing, permutation and combine kernels (see moe_router.h).
//
// Routing: one warp per token. Group survival is decided by rank (a group survives when fewer than
// topk_groups groups beat it), then top_k rounds of a warp-wide argmax pick experts best first; ties go to the
// lower index everywhere, as in the CPU reference. Permutation: a histogram, a scan, then one block per expert
// that walks the (token, slot) pairs in order and places its matches with a block-wide prefix count, which
// keeps the stable order without atomics deciding positions.
#include "kernels/cuda/moe_router.h"

#include <cmath>
#include <string>

#include "kernels/cuda/cuda_check.h"
#include "sim/units/error.h"

namespace moeplan::kernels {
namespace {

constexpr int kRouteWarps = 4;
constexpr int kPlaceThreads = 256;

__device__ __forceinline__ bool ranks_before(float a, int ia, float b, int ib) {
  return a > b || (a == b && ia < ib);
}

__global__ void route_kernel(RouterConfig c, const float* __restrict__ logits, const float* __restrict__ bias,
                             int tokens, int* __restrict__ topk_idx, float* __restrict__ topk_weight) {
  extern __shared__ float route_smem[];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int t = blockIdx.x * kRouteWarps + warp;
  if (t >= tokens) return;  // whole warps exit together; no block-wide barrier follows
  float* score = route_smem + static_cast<std::size_t>(warp) * (2 * c.experts + c.groups);
  float* biased = score + c.experts;
  float* group_score = biased + c.experts;
  const int per = c.experts / c.groups;
  const float* row = logits + static_cast<std::size_t>(t) * c.experts;

  for (int e = lane; e < c.experts; e += 32) {
    const float s = 1.0f / (1.0f + expf(-row[e]));
    score[e] = s;
    biased[e] = s + bias[e];
  }
  __syncwarp();
  if (lane < c.groups) {
    int best = -1, second = -1;
    for (int e = lane * per; e < (lane + 1) * per; ++e) {
      if (best < 0 || ranks_before(biased[e], e, biased[best], best)) {
        second = best;
        best = e;
      } else if (second < 0 || ranks_before(biased[e], e, biased[second], second)) {
        second = e;
      }
    }
    group_score[lane] = biased[best] + (second >= 0 ? biased[second] : 0.0f);
  }
  __syncwarp();
  bool kept = false;
  if (lane < c.groups) {
    int better = 0;
    for (int o = 0; o < c.groups; ++o) better += ranks_before(group_score[o], o, group_score[lane], lane) ? 1 : 0;
    kept = better < c.topk_groups;
  }
  const unsigned kept_mask = __ballot_sync(0xFFFFFFFFu, kept);

  int my_idx = -1;  // lane s keeps the expert chosen in round s
  for (int s = 0; s < c.top_k; ++s) {
    float best_v = -INFINITY;
    int best_i = 0x7FFFFFFF;
    for (int e = lane; e < c.experts; e += 32) {
      if (((kept_mask >> (e / per)) & 1u) == 0) continue;
      if (biased[e] == -INFINITY) continue;  // taken in an earlier round
      if (ranks_before(biased[e], e, best_v, best_i)) {
        best_v = biased[e];
        best_i = e;
      }
    }
    for (int off = 16; off > 0; off /= 2) {
      const float ov = __shfl_xor_sync(0xFFFFFFFFu, best_v, off);
      const int oi = __shfl_xor_sync(0xFFFFFFFFu, best_i, off);
      if (ranks_before(ov, oi, best_v, best_i)) {
        best_v = ov;
        best_i = oi;
      }
    }
    if (lane == s) my_idx = best_i;
    if (lane == 0) biased[best_i] = -INFINITY;
    __syncwarp();
  }
  // Normalise the unbiased scores of the chosen experts (summed in slot order, as the reference does).
  const float w = lane < c.top_k ? score[my_idx] : 0.0f;
  float sum = 0.0f;
  for (int s = 0; s < c.top_k; ++s) sum += __shfl_sync(0xFFFFFFFFu, w, s);
  if (lane < c.top_k) {
    topk_idx[static_cast<std::size_t>(t) * c.top_k + lane] = my_idx;
    topk_weight[static_cast<std::size_t>(t) * c.top_k + lane] = w / sum * c.routed_scaling_factor;
  }
}

__global__ void histogram_kernel(const int* topk_idx, int pairs, int experts, int* counts) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < pairs; i += gridDim.x * blockDim.x) {
    const int e = topk_idx[i];
    if (e >= 0 && e < experts) atomicAdd(&counts[e], 1);
  }
}

// Exclusive prefix sum of a few hundred counts: one thread is plenty and keeps it obviously right.
__global__ void offsets_kernel(const int* counts, int experts, int* offsets) {
  if (threadIdx.x != 0 || blockIdx.x != 0) return;
  int run = 0;
  offsets[0] = 0;
  for (int e = 0; e < experts; ++e) offsets[e + 1] = (run += counts[e]);
}

__global__ void __launch_bounds__(kPlaceThreads)
    place_kernel(const int* __restrict__ topk_idx, int pairs, int top_k, const int* __restrict__ offsets,
                 int* __restrict__ sorted_token, int* __restrict__ sorted_slot, int* __restrict__ inverse_pos) {
  __shared__ int warp_count[kPlaceThreads / 32];
  const int e = blockIdx.x;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  int base = offsets[e];
  for (int i0 = 0; i0 < pairs; i0 += kPlaceThreads) {
    const int i = i0 + static_cast<int>(threadIdx.x);
    const bool match = i < pairs && topk_idx[i] == e;
    const unsigned ballot = __ballot_sync(0xFFFFFFFFu, match);
    if (lane == 0) warp_count[warp] = __popc(ballot);
    __syncthreads();
    int before = 0, total = 0;
    for (int w = 0; w < kPlaceThreads / 32; ++w) {
      before += w < warp ? warp_count[w] : 0;
      total += warp_count[w];
    }
    if (match) {
      const int pos = base + before + __popc(ballot & ((1u << lane) - 1u));
      sorted_token[pos] = i / top_k;
      sorted_slot[pos] = i % top_k;
      inverse_pos[i] = pos;
    }
    base += total;
    __syncthreads();  // warp_count is rewritten next round
  }
}

__global__ void unpermute_kernel(const float* __restrict__ expert_out, const int* __restrict__ inverse_pos,
                                 const float* __restrict__ topk_weight, int top_k, int hidden,
                                 float* __restrict__ out) {
  const int t = blockIdx.x;
  for (int h = threadIdx.x; h < hidden; h += blockDim.x) {
    float acc = 0.0f;
    for (int s = 0; s < top_k; ++s) {
      const std::size_t ts = static_cast<std::size_t>(t) * top_k + s;
      acc += topk_weight[ts] * expert_out[static_cast<std::size_t>(inverse_pos[ts]) * hidden + h];
    }
    out[static_cast<std::size_t>(t) * hidden + h] = acc;
  }
}

}  // namespace

void moe_route_cuda(const RouterConfig& c, const float* logits, const float* bias, int tokens, int* topk_idx,
                    float* topk_weight, cudaStream_t stream) {
  validate_router_config(c);
  if (c.experts > 1024 || c.groups > 32 || c.top_k > 32) {
    throw_user_error("moe_route_cuda: experts " + std::to_string(c.experts) + ", groups " +
                         std::to_string(c.groups) + ", top_k " + std::to_string(c.top_k) + " exceed the kernel",
                     expecting("experts <= 1024, groups <= 32, top_k <= 32"));
  }
  if (tokens <= 0) return;
  const std::size_t smem = static_cast<std::size_t>(kRouteWarps) * (2 * c.experts + c.groups) * sizeof(float);
  const int blocks = (tokens + kRouteWarps - 1) / kRouteWarps;
  route_kernel<<<blocks, kRouteWarps * 32, smem, stream>>>(c, logits, bias, tokens, topk_idx, topk_weight);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}

void moe_permute_cuda(const int* topk_idx, int tokens, int top_k, int experts, int* counts, int* offsets,
                      int* sorted_token, int* sorted_slot, int* inverse_pos, cudaStream_t stream) {
  if (tokens < 0 || top_k <= 0 || experts <= 0) {
    throw_user_error("moe_permute_cuda: bad sizes", expecting("tokens >= 0, top_k > 0, experts > 0"));
  }
  const int pairs = tokens * top_k;
  MOEPLAN_CUDA_CHECK(cudaMemsetAsync(counts, 0, sizeof(int) * experts, stream));
  if (pairs > 0) {
    histogram_kernel<<<(pairs + 255) / 256, 256, 0, stream>>>(topk_idx, pairs, experts, counts);
    MOEPLAN_CUDA_CHECK_LAUNCH();
  }
  offsets_kernel<<<1, 32, 0, stream>>>(counts, experts, offsets);
  MOEPLAN_CUDA_CHECK_LAUNCH();
  if (pairs > 0) {
    place_kernel<<<experts, kPlaceThreads, 0, stream>>>(topk_idx, pairs, top_k, offsets, sorted_token,
                                                        sorted_slot, inverse_pos);
    MOEPLAN_CUDA_CHECK_LAUNCH();
  }
}

void moe_unpermute_cuda(const float* expert_out, const int* inverse_pos, const float* topk_weight, int tokens,
                        int top_k, int hidden, float* out, cudaStream_t stream) {
  if (tokens < 0 || top_k <= 0 || hidden < 0) {
    throw_user_error("moe_unpermute_cuda: bad sizes", expecting("tokens >= 0, top_k > 0, hidden >= 0"));
  }
  if (tokens == 0 || hidden == 0) return;
  unpermute_kernel<<<tokens, 128, 0, stream>>>(expert_out, inverse_pos, topk_weight, top_k, hidden, out);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}

}  // namespace moeplan::kernels
