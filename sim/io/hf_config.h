// ModelSpec from a HuggingFace `config.json`, so a scenario can name any checkpoint's config instead of a
// catalog model. Supported: DeepseekV3, DeepseekV2 (incl. V2-Lite), Llama, Mistral, Mixtral, Qwen2 and
// Qwen2-MoE architectures, chosen by `architectures[0]` (or `model_type` when that is absent).
#pragma once

#include <string>

#include "sim/spec/model_spec.h"

namespace moeplan::io {

// Reads and converts the file; the model's name is `_name_or_path` when present, else the file's parent
// directory name, else its stem. Throws a user Error naming the file and field for a missing or
// mistyped field, and listing the supported architectures for an unknown one.
ModelSpec load_hf_config(const std::string& path);

// The same from JSON text (`name_for_messages` stands for the file in errors and as the default name).
ModelSpec parse_hf_config(const std::string& json_text, const std::string& name_for_messages);

}  // namespace moeplan::io
