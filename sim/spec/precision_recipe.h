// PrecisionRecipe: the number formats of GEMMs, stored weights, master weights, gradients, optimizer
// moments, activations and communication. Presets: "bf16" (mixed precision with FP32 master and Adam
// moments) and "fp8-deepseek" (DeepSeek-V3 §3.3: FP8 e4m3 GEMMs with 1x128 activation / 128x128 weight
// scaling, FP32 master weights and gradients, BF16 AdamW moments, FP8 dispatch, BF16 combine).
#pragma once

#include <string>

namespace moeplan {

enum class DType { kFp8, kBf16, kFp16, kFp32 };

double bytes_of(DType t);
const char* to_string(DType t);

struct PrecisionRecipe {
  std::string name = "bf16";
  DType gemm = DType::kBf16;             // tensor-core input format of linear layers
  DType weights = DType::kBf16;          // working copy of weights used by forward/backward
  DType master_weights = DType::kFp32;   // optimizer's copy
  DType gradients = DType::kFp32;        // accumulated gradients
  DType optimizer_moments = DType::kFp32;// AdamW m and v, each
  DType activations = DType::kBf16;      // stored activations (FP8 caches counted by the model layer)
  DType dispatch = DType::kBf16;         // MoE dispatch payload
  DType combine = DType::kBf16;          // MoE combine payload
  int act_scale_tile = 0;                // 128: per-token-per-128-channel scales (0: none)
  int weight_scale_block = 0;            // 128: 128x128 weight blocks (0: none)
  bool fp8_cached_moe_inputs = false;    // SwiGLU inputs cached in FP8 (DeepSeek-V3 §3.3.4)
};

// Returns a preset by name ("bf16", "fp8-deepseek"); throws a user Error naming the valid ones otherwise.
PrecisionRecipe precision_preset(const std::string& name);

}  // namespace moeplan
