// Stored activation bytes per token of one layer (and of the head and MTP modules) for the backward pass,
// by recompute policy. Memory per GPU multiplies these by the tokens of a micro-batch and the micro-batches
// a schedule keeps in flight (memory.h).
//
// Method: enumerate the tensors backward needs, as Korthikanti et al. 2022 ("Reducing Activation
// Recomputation in Large Transformer Models", arXiv:2205.05198, §4) do for GPT: a dense MHA layer with a
// 4h GELU MLP stores sbh(34 + 5as/h) bytes; with FlashAttention the 5as^2b softmax/dropout term disappears
// and without dropout the two sbh masks do too, leaving 32 sbh (tested). TP splits the tensors inside the
// TP regions (their 24sbh/t); with sequence parallelism everything is split (their 34sbh/t).
//   none:      every tensor above is kept.
//   selective: norms are recomputed (their outputs are not kept) and, for MLA, the up-projections q_b and
//              kv_b too, so q, k, v are rebuilt from the cached latents (DeepSeek-V3 §3.2.3); MoE SwiGLU
//              outputs are rebuilt from FP8-cached inputs when the recipe says so (§3.3.4).
//   full:      only each layer's input is kept (memory.cc adds one layer's working set for the replay).
// With FP8 GEMMs, linear-layer inputs kept for Wgrad are stored in FP8 with a 4-byte scale per tile
// (DeepSeek-V3 §3.3.1: "the FP8 Wgrad GEMM allows activations to be stored in FP8"). Routing-weight gradients
// are <dA, A> with A the down-projection input, so expert outputs are not kept.
#pragma once

#include "sim/spec/model_spec.h"
#include "sim/spec/parallel_plan.h"
#include "sim/spec/precision_recipe.h"

namespace moeplan {

struct ActivationSettings {
  PrecisionRecipe precision;
  RecomputePolicy recompute = RecomputePolicy::kSelective;
  int tp = 1;
  bool sequence_parallel = false;
};

// Bytes per token (of the micro-batch) stored by layer `layer` on one TP rank.
double layer_activation_bytes_per_token(const ModelSpec& m, int layer, const ActivationSettings& s);
// Final norm and output head (incl. the cross-entropy's logits-sized buffer).
double head_activation_bytes_per_token(const ModelSpec& m, const ActivationSettings& s);
// All MTP modules: inputs, projection, block and their pass through the shared head.
double mtp_activation_bytes_per_token(const ModelSpec& m, const ActivationSettings& s);

}  // namespace moeplan
