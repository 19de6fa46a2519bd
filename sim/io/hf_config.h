// ModelSpec from a HuggingFace `config.json`, so a scenario can name any checkpoint's config instead of a
// catalog model. Supported: DeepseekV3 (incl. Kimi K2, which uses it), DeepseekV2 (incl. V2-Lite), Llama,
// Mistral, Mixtral, Qwen2, Qwen2-MoE, Qwen3, Qwen3-MoE, gpt-oss and GLM-4.5 (Glm4Moe) architectures, chosen by
// `architectures[0]` (or `model_type` when that is absent). A model in the local HuggingFace cache is named by
// its hub id (hf_hub.h).
#pragma once

#include <string>

#include "sim/spec/model_spec.h"

namespace moeplan::io {

// Reads and converts the file; the model's name is the config's `_name_or_path` when present, else
// `default_name` (a hub id), else the config's `model_type`. Throws a user Error naming the file and field for a
// missing or mistyped field, and listing the supported architectures for an unknown one.
ModelSpec load_hf_config(const std::string& path, const std::string& default_name = "");

// The same from JSON text (`name_for_messages` stands for the file in errors).
ModelSpec parse_hf_config(const std::string& json_text, const std::string& name_for_messages,
                          const std::string& default_name = "");

}  // namespace moeplan::io
