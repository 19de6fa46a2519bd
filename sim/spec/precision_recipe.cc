// Precision presets. "fp8-deepseek" follows DeepSeek-V3 §3.3 (arXiv:2412.19437).
#include "sim/spec/precision_recipe.h"

#include "sim/units/error.h"

namespace moeplan {

PrecisionRecipe precision_preset(const std::string& name) {
  PrecisionRecipe r;
  r.name = name;
  if (name == "bf16") return r;  // BF16 GEMMs and weights, FP32 master/grads/moments
  if (name == "fp8-deepseek" || name == "fp8") {
    r.name = "fp8-deepseek";
    r.gemm = DType::kFp8;               // Fprop, Dgrad, Wgrad in FP8 (§3.3)
    r.weights = DType::kBf16;           // BF16 working weights; FP8 copies are quantised on the fly
    r.master_weights = DType::kFp32;    // "master weights ... FP32"
    r.gradients = DType::kFp32;         // "weight gradients ... FP32"
    r.optimizer_moments = DType::kBf16; // "BF16 ... for the first and second moments in AdamW"
    r.activations = DType::kBf16;
    r.dispatch = DType::kFp8;           // activations quantised to FP8 before dispatch
    r.combine = DType::kBf16;           // combine stays BF16
    r.act_scale_tile = 128;             // 1x128 activation tiles
    r.weight_scale_block = 128;         // 128x128 weight blocks
    r.fp8_cached_moe_inputs = true;     // SwiGLU inputs cached in FP8 (§3.3.4)
    return r;
  }
  throw_user_error("unknown precision recipe `" + name + "`",
                   ErrorContext{.expected = "one of: bf16, fp8-deepseek"});
}

}  // namespace moeplan
