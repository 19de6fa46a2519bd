// Fine-grained FP8 quantisation as in DeepSeek-V3 §3.3.1: activations get one scale per token per 128
// channels (1x128 tiles), weights one scale per 128x128 block. A scale is max|x| / 448 over its tile, so the
// largest element maps to E4M3's largest finite value; the dequantised value is decode(q) * scale.
#pragma once

#include <cstdint>

namespace moeplan::kernels {

inline constexpr int kQuantBlock = 128;  // tile edge, DeepSeek-V3 §3.3.1 and weight_block_size [128, 128]

// The scale of a tile whose largest magnitude is `amax` (an all-zero tile gets scale 1 so q stays 0).
float fp8_block_scale(float amax);

// x: m x k row-major. q: m x k codes. scales: m x ceil(k/128), row-major.
void quantize_act_1x128(const float* x, int m, int k, std::uint8_t* q, float* scales);
// w: n x k row-major (output channels x input channels). q: n x k codes. scales: ceil(n/128) x ceil(k/128).
void quantize_weight_128x128(const float* w, int n, int k, std::uint8_t* q, float* scales);

// Number of 128-wide blocks covering `extent` elements.
inline constexpr int quant_blocks(int extent) { return (extent + kQuantBlock - 1) / kQuantBlock; }

}  // namespace moeplan::kernels
