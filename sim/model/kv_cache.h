// KV-cache bytes per token for serving: what one token of context costs in every layer's cache.
//
// MHA/GQA cache K and V per KV head: 2 * n_kv_heads * head_dim per layer. MLA caches the compressed
// latent c_KV and the shared decoupled RoPE key: (d_c + d_h^R) per layer (DeepSeek-V2 Table 1). MTP modules
// are not part of the serving cache (ISCA'25 Table 1 counts DeepSeek-V3's 61 layers).
#pragma once

#include "sim/spec/model_spec.h"
#include "sim/spec/precision_recipe.h"

namespace moeplan {

double kv_cache_bytes_per_token(const ModelSpec& m, DType cache_dtype = DType::kBf16);

}  // namespace moeplan
