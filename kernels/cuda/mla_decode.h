// CUDA MLA decode over a paged BF16 latent cache; same math and layout as kernels/cpu/mla_decode_ref.h.
// All pointers are device pointers. CUDA-only header.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cpu/mla_decode_ref.h"

namespace moeplan::kernels {

// Limits of this kernel: head_dim_k % 8 == 0 (16-byte loads of cache rows) and head_dim_v <= 512; other
// shapes throw a user Error.
void mla_decode_cuda(const MlaDecodeShape& shape, const std::uint16_t* q, const std::uint16_t* kv_pages,
                     const int* block_table, int max_pages, float softmax_scale, std::uint16_t* out,
                     cudaStream_t stream);

}  // namespace moeplan::kernels
