// ModelSpec from a YAML mapping whose keys are ModelSpec's field names (catalog models.yaml entries and
// inline `model:` mappings in scenarios). Keys are documented in docs/scenario-format.md.
#pragma once

#include <string>
#include <vector>

#include "sim/io/yaml_reader.h"
#include "sim/spec/model_spec.h"

namespace moeplan::io {

// The keys read_model accepts (besides `extra_keys`).
const std::vector<std::string>& model_keys();

// Reads the keys present in `entry` on top of `base` (a catalog model for `from:`, or a default ModelSpec).
// Derived defaults when neither the entry nor the base sets them: n_kv_heads = n_heads,
// head_dim = hidden / n_heads, attention = mla when an `mla` block is present, else gqa when
// n_kv_heads < n_heads, else mha. `extra_keys` are allowed and left to the caller.
ModelSpec read_model(const YamlField& entry, const ModelSpec& base,
                     const std::vector<std::string>& extra_keys = {});

}  // namespace moeplan::io
