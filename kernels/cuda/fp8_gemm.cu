// FP8 block-scaled GEMM kernels and FP8 quantisation kernels (see fp8_gemm.h).
//
// Tiling: a 64x64 output tile per 128-thread block, four warps of 32x32, K in 128-wide blocks staged in shared
// memory. One K block = four m16n8k32 steps into an FP32 partial that is scaled and added to the accumulator
// at the end of the block (the 128-element promotion interval of DeepSeek-V3 §3.3.2).
#include "kernels/cuda/fp8_gemm.h"

#include <cuda_bf16.h>
#include <cuda_fp8.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "kernels/cpu/fp8.h"
#include "kernels/cpu/quantize.h"
#include "sim/units/error.h"

namespace moeplan::kernels {
// External linkage on purpose: each helper is unused on the architectures that take the other GEMM path, and
// nvcc warns about unused internal-linkage functions.
namespace fp8_detail {

__device__ __forceinline__ float decode_e4m3(std::uint8_t v) {
  __nv_fp8_e4m3 x;
  x.__x = v;
  return static_cast<float>(x);
}

__device__ __forceinline__ void mma_e4m3(float (&d)[4], const std::uint32_t (&a)[4], const std::uint32_t (&b)[2]) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 890
  asm volatile(
      "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}

}  // namespace fp8_detail

namespace {

using fp8_detail::decode_e4m3;
using fp8_detail::mma_e4m3;

constexpr int kBM = 64;
constexpr int kBN = 64;  // divides 128, so a block tile sees one weight-scale row
constexpr int kBK = kQuantBlock;
constexpr int kThreads = 128;
constexpr int kRowBytes = kBK + 16;  // padding staggers rows across shared-memory banks
static_assert(kBM == kBN, "load_tile stages kBM rows for both operands");

__device__ __forceinline__ std::uint8_t encode_e4m3(float v) {
  // Round-to-nearest-even with saturation to ±448, as fp8_e4m3_encode.
  return static_cast<std::uint8_t>(__nv_cvt_float_to_fp8(v, __NV_SATFINITE, __NV_E4M3));
}

struct GemmArgs {
  const std::uint8_t* a;
  const float* a_scales;
  const std::uint8_t* b;  // plain GEMM
  const float* b_scales;
  const std::uint8_t* const* b_group;  // grouped GEMM
  const float* const* b_scales_group;
  const int4* tiles;  // grouped: {group, row0, row1, -}
  int m, n, k;
  std::uint16_t* out;
};

// Copies a rows x 128 byte tile (rows from row0, K from k0) into shared memory, zero-filling outside the matrix.
__device__ __forceinline__ void load_tile(std::uint8_t (*dst)[kRowBytes], const std::uint8_t* src, int row0,
                                          int rows, int k0, int k, bool vec_ok) {
  constexpr int kChunks = kBM * kBK / 16;  // 16-byte chunks per 64x128 tile
  for (int c = threadIdx.x; c < kChunks; c += kThreads) {
    const int r = c / (kBK / 16);
    const int col = (c % (kBK / 16)) * 16;
    uint4 v = make_uint4(0, 0, 0, 0);
    if (r < rows) {
      const std::uint8_t* p = src + static_cast<std::size_t>(row0 + r) * k + k0 + col;
      if (vec_ok && k0 + col + 16 <= k) {
        v = *reinterpret_cast<const uint4*>(p);
      } else {
        alignas(16) std::uint8_t bytes[16];
        for (int i = 0; i < 16; ++i) bytes[i] = (k0 + col + i < k) ? p[i] : 0;
        v = *reinterpret_cast<const uint4*>(bytes);
      }
    }
    *reinterpret_cast<uint4*>(&dst[r][col]) = v;
  }
}

template <bool kGrouped>
__global__ void __launch_bounds__(kThreads) fp8_gemm_kernel(GemmArgs args) {
  __shared__ __align__(16) std::uint8_t as[kBM][kRowBytes];
  __shared__ __align__(16) std::uint8_t bs[kBN][kRowBytes];
  __shared__ float a_scale_s[kBM];

  int row0, row1;
  const std::uint8_t* b;
  const float* b_scales;
  if constexpr (kGrouped) {
    const int4 t = args.tiles[blockIdx.y];
    row0 = t.y;
    row1 = t.z;
    b = args.b_group[t.x];
    b_scales = args.b_scales_group[t.x];
  } else {
    row0 = blockIdx.y * kBM;
    row1 = min(args.m, row0 + kBM);
    b = args.b;
    b_scales = args.b_scales;
  }
  const int rows = row1 - row0;
  const int col0 = blockIdx.x * kBN;
  const int cols = min(args.n - col0, kBN);
  const int k = args.k;
  const int kb_count = (k + kBK - 1) / kBK;
  const bool a_vec = (k % 16 == 0) && (reinterpret_cast<std::uintptr_t>(args.a) % 16 == 0);
  const bool b_vec = (k % 16 == 0) && (reinterpret_cast<std::uintptr_t>(b) % 16 == 0);

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int wm = (warp / 2) * 32, wn = (warp % 2) * 32;
  const int g = lane / 4, tig = lane % 4;  // mma fragment coordinates (PTX ISA, m16n8k32 layouts)

  float acc[2][4][4] = {};
  for (int kb = 0; kb < kb_count; ++kb) {
    const int k0 = kb * kBK;
    load_tile(as, args.a, row0, rows, k0, k, a_vec);
    load_tile(bs, b, col0, cols, k0, k, b_vec);
    const int tid = static_cast<int>(threadIdx.x);
    if (tid < kBM) {
      a_scale_s[tid] = tid < rows ? args.a_scales[static_cast<std::size_t>(row0 + tid) * kb_count + kb] : 0.0f;
    }
    __syncthreads();

    float part[2][4][4] = {};
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 890
    for (int kk = 0; kk < kBK; kk += 32) {
      std::uint32_t af[2][4], bf[4][2];
      for (int mt = 0; mt < 2; ++mt) {
        const int r = wm + mt * 16 + g;
        af[mt][0] = *reinterpret_cast<const std::uint32_t*>(&as[r][kk + tig * 4]);
        af[mt][1] = *reinterpret_cast<const std::uint32_t*>(&as[r + 8][kk + tig * 4]);
        af[mt][2] = *reinterpret_cast<const std::uint32_t*>(&as[r][kk + 16 + tig * 4]);
        af[mt][3] = *reinterpret_cast<const std::uint32_t*>(&as[r + 8][kk + 16 + tig * 4]);
      }
      for (int nt = 0; nt < 4; ++nt) {
        const int c = wn + nt * 8 + g;
        bf[nt][0] = *reinterpret_cast<const std::uint32_t*>(&bs[c][kk + tig * 4]);
        bf[nt][1] = *reinterpret_cast<const std::uint32_t*>(&bs[c][kk + 16 + tig * 4]);
      }
      for (int mt = 0; mt < 2; ++mt)
        for (int nt = 0; nt < 4; ++nt) mma_e4m3(part[mt][nt], af[mt], bf[nt]);
    }
#else
    // No FP8 tensor cores (sm_80): the same fragment elements on CUDA cores in FP32.
    for (int mt = 0; mt < 2; ++mt) {
      for (int nt = 0; nt < 4; ++nt) {
        for (int i = 0; i < 4; ++i) {
          const int r = wm + mt * 16 + g + (i >= 2 ? 8 : 0);
          const int c = wn + nt * 8 + tig * 2 + (i & 1);
          float s = 0.0f;
          for (int kk = 0; kk < kBK; ++kk) s += decode_e4m3(as[r][kk]) * decode_e4m3(bs[c][kk]);
          part[mt][nt][i] = s;
        }
      }
    }
#endif
    // Promotion: scale this K block's partial sums and add them to the FP32 accumulator.
    const float b_scale = b_scales[static_cast<std::size_t>(col0 / kQuantBlock) * kb_count + kb];
    for (int mt = 0; mt < 2; ++mt)
      for (int nt = 0; nt < 4; ++nt)
        for (int i = 0; i < 4; ++i) {
          const int r = wm + mt * 16 + g + (i >= 2 ? 8 : 0);
          acc[mt][nt][i] += part[mt][nt][i] * (a_scale_s[r] * b_scale);
        }
    __syncthreads();  // the next K block overwrites the tiles
  }

  for (int mt = 0; mt < 2; ++mt)
    for (int nt = 0; nt < 4; ++nt)
      for (int i = 0; i < 4; ++i) {
        const int r = wm + mt * 16 + g + (i >= 2 ? 8 : 0);
        const int c = wn + nt * 8 + tig * 2 + (i & 1);
        if (r < rows && c < cols) {
          args.out[static_cast<std::size_t>(row0 + r) * args.n + col0 + c] =
              __bfloat16_as_ushort(__float2bfloat16_rn(acc[mt][nt][i]));
        }
      }
}

// One 128-thread block per (row, 128-wide K tile).
__global__ void quantize_act_kernel(const float* x, int m, int k, std::uint8_t* q, float* scales) {
  __shared__ float warp_max[kQuantBlock / 32];
  const int row = blockIdx.y, kb = blockIdx.x, kb_count = gridDim.x;
  const int c = kb * kQuantBlock + threadIdx.x;
  const std::size_t idx = static_cast<std::size_t>(row) * k + c;
  const float v = c < k ? x[idx] : 0.0f;
  float amax = fabsf(v);
  for (int off = 16; off > 0; off /= 2) amax = fmaxf(amax, __shfl_xor_sync(0xFFFFFFFFu, amax, off));
  if (threadIdx.x % 32 == 0) warp_max[threadIdx.x / 32] = amax;
  __syncthreads();
  amax = fmaxf(fmaxf(warp_max[0], warp_max[1]), fmaxf(warp_max[2], warp_max[3]));
  const float scale = amax > 0.0f ? amax / kFp8E4m3Max : 1.0f;  // as fp8_block_scale
  if (c < k) q[idx] = encode_e4m3(v / scale);
  if (threadIdx.x == 0) scales[static_cast<std::size_t>(row) * kb_count + kb] = scale;
}

// One 256-thread block per 128x128 weight block.
__global__ void quantize_weight_kernel(const float* w, int n, int k, std::uint8_t* q, float* scales) {
  constexpr int kWarps = 8;
  __shared__ float warp_max[kWarps];
  const int kb = blockIdx.x, nb = blockIdx.y;
  const int r0 = nb * kQuantBlock, c0 = kb * kQuantBlock;
  float amax = 0.0f;
  for (int i = threadIdx.x; i < kQuantBlock * kQuantBlock; i += blockDim.x) {
    const int r = r0 + i / kQuantBlock, c = c0 + i % kQuantBlock;
    if (r < n && c < k) amax = fmaxf(amax, fabsf(w[static_cast<std::size_t>(r) * k + c]));
  }
  for (int off = 16; off > 0; off /= 2) amax = fmaxf(amax, __shfl_xor_sync(0xFFFFFFFFu, amax, off));
  if (threadIdx.x % 32 == 0) warp_max[threadIdx.x / 32] = amax;
  __syncthreads();
  amax = 0.0f;
  for (int i = 0; i < kWarps; ++i) amax = fmaxf(amax, warp_max[i]);
  const float scale = amax > 0.0f ? amax / kFp8E4m3Max : 1.0f;
  for (int i = threadIdx.x; i < kQuantBlock * kQuantBlock; i += blockDim.x) {
    const int r = r0 + i / kQuantBlock, c = c0 + i % kQuantBlock;
    if (r < n && c < k) {
      const std::size_t idx = static_cast<std::size_t>(r) * k + c;
      q[idx] = encode_e4m3(w[idx] / scale);
    }
  }
  if (threadIdx.x == 0) scales[static_cast<std::size_t>(nb) * gridDim.x + kb] = scale;
}

void check_dims(int m, int n, int k, const char* what) {
  if (m < 0 || n < 0 || k < 0) {
    throw_user_error(std::string(what) + ": negative dimension", expecting("m, n, k >= 0"));
  }
}

}  // namespace

void quantize_act_1x128_cuda(const float* x, int m, int k, std::uint8_t* q, float* scales, cudaStream_t stream) {
  check_dims(m, 0, k, "quantize_act_1x128_cuda");
  if (m == 0 || k == 0) return;
  quantize_act_kernel<<<dim3(quant_blocks(k), m), kQuantBlock, 0, stream>>>(x, m, k, q, scales);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}

void quantize_weight_128x128_cuda(const float* w, int n, int k, std::uint8_t* q, float* scales,
                                  cudaStream_t stream) {
  check_dims(n, 0, k, "quantize_weight_128x128_cuda");
  if (n == 0 || k == 0) return;
  quantize_weight_kernel<<<dim3(quant_blocks(k), quant_blocks(n)), 256, 0, stream>>>(w, n, k, q, scales);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}

void fp8_gemm_cuda(const std::uint8_t* a, const float* a_scales, const std::uint8_t* b, const float* b_scales,
                   int m, int n, int k, std::uint16_t* out_bf16, cudaStream_t stream) {
  check_dims(m, n, k, "fp8_gemm_cuda");
  if (m == 0 || n == 0) return;
  GemmArgs args{a, a_scales, b, b_scales, nullptr, nullptr, nullptr, m, n, k, out_bf16};
  const dim3 grid((n + kBN - 1) / kBN, (m + kBM - 1) / kBM);
  fp8_gemm_kernel<false><<<grid, kThreads, 0, stream>>>(args);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}

Fp8GroupedGemmCuda::Fp8GroupedGemmCuda(const std::uint8_t* const* b, const float* const* b_scales,
                                       const int* offsets, int groups, int n, int k)
    : n_(n), k_(k) {
  check_dims(0, n, k, "Fp8GroupedGemmCuda");
  if (groups < 0 || (groups > 0 && offsets[0] != 0)) {
    throw_user_error("grouped FP8 GEMM: bad group offsets", expecting("offsets[0] == 0"));
  }
  std::vector<int> desc;
  for (int g = 0; g < groups; ++g) {
    if (offsets[g + 1] < offsets[g]) {
      throw_user_error("grouped FP8 GEMM: offsets decrease at group " + std::to_string(g),
                       expecting("non-decreasing offsets (rows sorted by group)"));
    }
    for (int r = offsets[g]; r < offsets[g + 1]; r += kBM) {
      desc.insert(desc.end(), {g, r, std::min(r + kBM, offsets[g + 1]), 0});
    }
  }
  tiles_ = static_cast<int>(desc.size() / 4);
  tile_desc_ = DeviceBuffer<int>(desc);
  b_ = DeviceBuffer<const std::uint8_t*>(std::vector<const std::uint8_t*>(b, b + groups));
  b_scales_ = DeviceBuffer<const float*>(std::vector<const float*>(b_scales, b_scales + groups));
}

void Fp8GroupedGemmCuda::run(const std::uint8_t* a, const float* a_scales, std::uint16_t* out_bf16,
                             cudaStream_t stream) const {
  if (tiles_ == 0 || n_ == 0) return;
  GemmArgs args{a, a_scales, nullptr, nullptr, b_.get(), b_scales_.get(),
                reinterpret_cast<const int4*>(tile_desc_.get()), 0, n_, k_, out_bf16};
  const dim3 grid((n_ + kBN - 1) / kBN, tiles_);
  fp8_gemm_kernel<true><<<grid, kThreads, 0, stream>>>(args);
  MOEPLAN_CUDA_CHECK_LAUNCH();
}

}  // namespace moeplan::kernels
