// KV-cache bytes per token; see kv_cache.h.
#include "sim/model/kv_cache.h"

namespace moeplan {

double kv_cache_bytes_per_token(const ModelSpec& m, DType cache_dtype) {
  validate(m);
  double elements_per_layer = 0;
  if (m.attention == AttentionKind::kMla)
    elements_per_layer = m.mla.kv_lora_rank + m.mla.qk_rope_head_dim;  // DeepSeek-V2 Table 1
  else
    elements_per_layer = 2.0 * m.n_kv_heads * m.head_dim;  // K and V
  return elements_per_layer * m.n_layers * bytes_of(cache_dtype);
}

}  // namespace moeplan
