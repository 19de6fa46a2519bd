// Paged MLA decode kernel (see mla_decode.h).
//
// One 256-thread block handles 16 query heads of one sequence, so each latent row read from HBM is reused by
// 16 heads (all heads share the latent after absorption, DeepSeek-V2 §2.1.2). Tokens stream through shared
// memory 16 at a time; each thread scores one (head, token) pair, then every thread keeps an online softmax
// (running max and sum, rescaling its accumulators when the max grows) and 32 output dims of its head.
#include "kernels/cuda/mla_decode.h"

#include <cuda_bf16.h>

#include <cmath>
#include <string>

#include "kernels/cuda/cuda_check.h"
#include "sim/units/error.h"

namespace moeplan::kernels {
namespace {

constexpr int kHeadTile = 16;
constexpr int kTokTile = 16;
constexpr int kThreads = kHeadTile * kTokTile;  // one score per thread
constexpr int kLanesPerHead = kThreads / kHeadTile;
constexpr int kMaxDv = 512;
constexpr int kDvPerThread = kMaxDv / kLanesPerHead;

__device__ __forceinline__ float bf16_to_float(std::uint16_t v) { return __uint_as_float(static_cast<unsigned>(v) << 16); }

__global__ void __launch_bounds__(kThreads)
    mla_decode_kernel(MlaDecodeShape s, const std::uint16_t* __restrict__ q, const std::uint16_t* __restrict__ kv,
                      const int* __restrict__ block_table, int max_pages, float softmax_scale,
                      std::uint16_t* __restrict__ out) {
  extern __shared__ __align__(16) unsigned char smem[];
  const int dk = s.head_dim_k, dv = s.head_dim_v;
  const int stride = dk + 8;  // padded row (elements): staggers token rows across banks, keeps 16-byte alignment
  std::uint16_t* q_s = reinterpret_cast<std::uint16_t*>(smem);
  std::uint16_t* k_s = q_s + kHeadTile * stride;
  float* score_s = reinterpret_cast<float*>(k_s + kTokTile * stride);

  const int b = blockIdx.y;
  const int h0 = blockIdx.x * kHeadTile;
  const int tid = threadIdx.x;
  const int vec_per_row = dk / 8;

  for (int i = tid; i < kHeadTile * vec_per_row; i += kThreads) {
    const int h = i / vec_per_row, c = (i % vec_per_row) * 8;
    uint4 v = make_uint4(0, 0, 0, 0);
    if (h0 + h < s.heads) v = *reinterpret_cast<const uint4*>(q + (static_cast<std::size_t>(b) * s.heads + h0 + h) * dk + c);
    *reinterpret_cast<uint4*>(q_s + h * stride + c) = v;
  }

  const int my_head = tid / kLanesPerHead;  // head this thread accumulates
  const int lane_d = tid % kLanesPerHead;   // dims lane_d, lane_d + 16, ...
  const int score_head = tid / kTokTile, score_tok = tid % kTokTile;
  float acc[kDvPerThread];
  for (float& x : acc) x = 0.0f;
  float run_max = -INFINITY, run_sum = 0.0f;

  for (int t0 = 0; t0 < s.seq_len; t0 += kTokTile) {
    __syncthreads();  // previous tile fully consumed (and q_s written on the first pass)
    for (int i = tid; i < kTokTile * vec_per_row; i += kThreads) {
      const int t = i / vec_per_row, c = (i % vec_per_row) * 8;
      uint4 v = make_uint4(0, 0, 0, 0);
      const int tok = t0 + t;
      if (tok < s.seq_len) {
        const int page = block_table[static_cast<std::size_t>(b) * max_pages + tok / s.page_size];
        v = *reinterpret_cast<const uint4*>(kv + (static_cast<std::size_t>(page) * s.page_size + tok % s.page_size) * dk + c);
      }
      *reinterpret_cast<uint4*>(k_s + t * stride + c) = v;
    }
    __syncthreads();
    {
      const std::uint16_t* qr = q_s + score_head * stride;
      const std::uint16_t* kr = k_s + score_tok * stride;
      float dot = 0.0f;
      for (int d = 0; d < dk; d += 2) {
        const unsigned qq = *reinterpret_cast<const unsigned*>(qr + d);
        const unsigned kk = *reinterpret_cast<const unsigned*>(kr + d);
        dot += __uint_as_float(qq << 16) * __uint_as_float(kk << 16);
        dot += __uint_as_float(qq & 0xFFFF0000u) * __uint_as_float(kk & 0xFFFF0000u);
      }
      score_s[score_head * kTokTile + score_tok] = t0 + score_tok < s.seq_len ? dot * softmax_scale : -INFINITY;
    }
    __syncthreads();
    const float* my_scores = score_s + my_head * kTokTile;
    float tile_max = -INFINITY;
    for (int t = 0; t < kTokTile; ++t) tile_max = fmaxf(tile_max, my_scores[t]);
    const float new_max = fmaxf(run_max, tile_max);  // finite: every tile has at least one real token
    const float correction = expf(run_max - new_max);  // 0 on the first tile (run_max = -inf)
    run_sum *= correction;
    for (float& x : acc) x *= correction;
    for (int t = 0; t < kTokTile && t0 + t < s.seq_len; ++t) {
      const float p = expf(my_scores[t] - new_max);
      run_sum += p;
      const std::uint16_t* vr = k_s + t * stride;
      for (int j = 0; j < kDvPerThread; ++j) {
        const int d = lane_d + j * kLanesPerHead;
        if (d < dv) acc[j] += p * bf16_to_float(vr[d]);
      }
    }
    run_max = new_max;
  }

  if (h0 + my_head < s.heads) {
    std::uint16_t* o = out + (static_cast<std::size_t>(b) * s.heads + h0 + my_head) * dv;
    for (int j = 0; j < kDvPerThread; ++j) {
      const int d = lane_d + j * kLanesPerHead;
      if (d < dv) o[d] = __bfloat16_as_ushort(__float2bfloat16_rn(acc[j] / run_sum));
    }
  }
}

}  // namespace

void mla_decode_cuda(const MlaDecodeShape& s, const std::uint16_t* q, const std::uint16_t* kv_pages,
                     const int* block_table, int max_pages, float softmax_scale, std::uint16_t* out,
                     cudaStream_t stream) {
  validate_mla_decode_shape(s, max_pages);
  if (s.head_dim_k % 8 != 0 || s.head_dim_v > kMaxDv) {
    throw_user_error("mla_decode_cuda: head_dim_k " + std::to_string(s.head_dim_k) + ", head_dim_v " +
                         std::to_string(s.head_dim_v) + " not supported",
                     expecting("head_dim_k % 8 == 0 and head_dim_v <= 512 (MLA: 576 and 512)"));
  }
  const int stride = s.head_dim_k + 8;
  const std::size_t smem = static_cast<std::size_t>(kHeadTile + kTokTile) * stride * sizeof(std::uint16_t) +
                           static_cast<std::size_t>(kHeadTile) * kTokTile * sizeof(float);
  MOEPLAN_CUDA_CHECK(cudaFuncSetAttribute(mla_decode_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                          static_cast<int>(smem)));
  const dim3 grid((s.heads + kHeadTile - 1) / kHeadTile, s.batch);
  mla_decode_kernel<<<grid, kThreads, smem, stream>>>(s, q, kv_pages, block_table, max_pages, softmax_scale, out);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}

}  // namespace moeplan::kernels
