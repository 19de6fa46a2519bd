// CPU reference of MLA (multi-head latent attention) decode over a paged latent KV cache.
//
// With the up-projections absorbed into the query and output projections (DeepSeek-V2 §2.1.2, "absorbed"
// inference), every head attends over the same per-token latent: the compressed KV c_kv (kv_lora_rank 512)
// followed by the decoupled RoPE key (qk_rope_head_dim 64), 576 BF16 values per token (DeepSeek-V3
// config.json: kv_lora_rank 512, qk_rope_head_dim 64). Keys are all 576 values, values are the first 512.
// The cache is paged: page p holds page_size consecutive tokens, each head_dim_k values; a sequence's
// token t lives in page block_table[b * max_pages + t / page_size], row t % page_size.
#pragma once

#include <cstdint>

namespace moeplan::kernels {

struct MlaDecodeShape {
  int batch, heads, seq_len, head_dim_k /*576*/, head_dim_v /*512*/, page_size /*64*/;
};

// Throws a user Error for non-positive sizes, head_dim_v > head_dim_k, or seq_len > max_pages * page_size.
void validate_mla_decode_shape(const MlaDecodeShape& shape, int max_pages);

// q: batch x heads x head_dim_k (BF16). kv_pages: pages x page_size x head_dim_k (BF16). block_table:
// batch x max_pages page indices. out: batch x heads x head_dim_v (BF16). Scores, softmax (max-subtracted)
// and the weighted sum are FP32, as a kernel computes them.
void mla_decode_ref(const MlaDecodeShape& shape, const std::uint16_t* q, const std::uint16_t* kv_pages,
                    const int* block_table, int max_pages, float softmax_scale, std::uint16_t* out);

}  // namespace moeplan::kernels
