// Attention points shared by the backends: an MLA decode timing becomes a forward attention point, and
// backward points are derived from forward ones because no backward attention kernel is timed.
#pragma once

#include <string>

#include "calibrate/shape_grid.h"
#include "sim/calib/profile.h"

namespace moeplan {

// Absorbed MLA decode: 576 = kv_lora_rank 512 + qk_rope_head_dim 64 key values, 512 value values, paged
// KV with 64-token pages (FlashMLA: "paged kvcache with block size 64"; published-numbers.md §4.3).
inline constexpr int kMlaHeadDimK = 576;
inline constexpr int kMlaHeadDimV = 512;
inline constexpr int kMlaPageSize = 64;

// FLOPs of one MLA decode call: QK^T over head_dim_k and PV over head_dim_v, 2 FLOPs per multiply-add.
double mla_decode_flops(const AttentionCase& c);

// Appends the forward attention point (tokens = batch: one query token per sequence) for a timed call.
void add_mla_points(const AttentionCase& c, double time_s, const std::string& source, Profile& out);

// Appends a backward_input point for every forward point: rate x 1000/1460, the backward/forward ratio of
// NVIDIA's B200 dense MHA prefill figures in the FlashMLA README (published-numbers.md §4.3).
void add_derived_backward_attention(Profile& out);

}  // namespace moeplan
