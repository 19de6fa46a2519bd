// HuggingFace config.json -> ModelSpec. Field names follow transformers' configuration classes
// (configuration_llama.py, configuration_mixtral.py, configuration_qwen2.py, configuration_qwen2_moe.py)
// and DeepSeek's configuration_deepseek.py.
#include "sim/io/hf_config.h"

#include <cctype>
#include <filesystem>
#include <tuple>
#include <nlohmann/json.hpp>

#include "sim/io/input_file.h"
#include "sim/units/checked.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

using nlohmann::json;

enum class Family { kDeepseek, kLlama, kMixtral, kQwen2, kQwen2Moe, kQwen3, kQwen3Moe, kGptOss, kGlm4Moe };

struct Arch {
  const char* architecture;
  const char* model_type;
  Family family;
};

constexpr Arch kArchs[] = {
    {"DeepseekV3ForCausalLM", "deepseek_v3", Family::kDeepseek},
    {"DeepseekV2ForCausalLM", "deepseek_v2", Family::kDeepseek},
    {"LlamaForCausalLM", "llama", Family::kLlama},
    {"MistralForCausalLM", "mistral", Family::kLlama},
    {"MixtralForCausalLM", "mixtral", Family::kMixtral},
    {"Qwen2ForCausalLM", "qwen2", Family::kQwen2},
    {"Qwen2MoeForCausalLM", "qwen2_moe", Family::kQwen2Moe},
    {"Qwen3ForCausalLM", "qwen3", Family::kQwen3},
    {"Qwen3MoeForCausalLM", "qwen3_moe", Family::kQwen3Moe},
    {"GptOssForCausalLM", "gpt_oss", Family::kGptOss},
    {"Glm4MoeForCausalLM", "glm4_moe", Family::kGlm4Moe},
};

std::string supported_list() {
  std::string out;
  for (const Arch& a : kArchs) out += (out.empty() ? "" : ", ") + std::string(a.architecture);
  return out;
}

// Typed field access with errors that name the file and the field.
class Fields {
 public:

  Fields(const json& j, std::string file, const std::string& text) : j_(j), file_(std::move(file)), text_(text) {}

  [[noreturn]] void fail(const std::string& key, const std::string& message, const std::string& expected) const {
    ErrorContext c{.file = file_, .key_path = key, .expected = expected};
    const auto [line, column] = locate(key);
    c.line = line;
    c.column = column;
    throw_user_error(message, c);
  }
  bool has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  // Every integer field is a count or a width: 0 up to 2^24, read in 64 bits first so that 4294971392 is out
  // of range instead of wrapping to 4096, and -256 experts is an error instead of a dense model.
  int integer(const std::string& key) const {
    constexpr long long hi = kMaxModelDim;
    if (!has(key)) fail(key, "missing field", "an integer");
    const json& v = j_.at(key);
    const std::string range = "an integer from 0 to " + std::to_string(hi);
    if (v.is_number_unsigned()) {
      if (v.get<unsigned long long>() > static_cast<unsigned long long>(hi)) fail(key, "out of range: " + v.dump(), range);
      return static_cast<int>(v.get<unsigned long long>());
    }
    if (!v.is_number_integer()) fail(key, "expected an integer, found " + v.dump(), range);
    const long long x = v.get<long long>();
    if (x < 0 || x > hi) fail(key, "out of range: " + v.dump(), range);
    return static_cast<int>(x);
  }
  int integer(const std::string& key, int fallback) const { return has(key) ? integer(key) : fallback; }
  // A width used as a divisor below: it must be positive before anything divides by it.
  int positive(const std::string& key) const {
    const int v = integer(key);
    if (v == 0) fail(key, "must be positive", "an integer >= 1");
    return v;
  }
  double number(const std::string& key, double fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_number()) fail(key, "expected a number, found " + v.dump(), "a number");
    return v.get<double>();
  }
  bool boolean(const std::string& key, bool fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_boolean()) fail(key, "expected true or false, found " + v.dump(), "a boolean");
    return v.get<bool>();
  }
  std::string string(const std::string& key, const std::string& fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_string()) fail(key, "expected a string, found " + v.dump(), "a string");
    return v.get<std::string>();
  }
  const json& raw() const { return j_; }

 private:
  // Line and column of `"key":` in the file text (the first one: config.json keys are top-level and unique).
  std::pair<int, int> locate(const std::string& key) const {
    const std::string quoted = "\"" + key + "\"";
    for (size_t at = text_.find(quoted); at != std::string::npos; at = text_.find(quoted, at + 1)) {
      size_t k = at + quoted.size();
      while (k < text_.size() && std::isspace(static_cast<unsigned char>(text_[k]))) ++k;
      if (k < text_.size() && text_[k] == ':') return line_and_column(text_, at);
    }
    return {0, 0};
  }

  const json& j_;
  std::string file_;
  const std::string& text_;
};

void read_common(const Fields& f, ModelSpec& m) {
  m.n_layers = f.integer("num_hidden_layers");
  m.hidden = f.integer("hidden_size");
  m.n_heads = f.integer("num_attention_heads");
  m.n_kv_heads = f.integer("num_key_value_heads", m.n_heads);  // absent: MHA (transformers' default)
  m.vocab = f.integer("vocab_size");
  m.tied_embeddings = f.boolean("tie_word_embeddings", false);
  m.max_seq_len = f.integer("max_position_embeddings", 0);
  m.gated_ffn = true;  // every supported family uses a SwiGLU MLP
}

void read_gqa(const Fields& f, ModelSpec& m) {
  m.head_dim = f.integer("head_dim", m.n_heads > 0 ? m.hidden / m.n_heads : 0);
  m.attention = m.n_kv_heads < m.n_heads ? AttentionKind::kGqa : AttentionKind::kMha;
}

// The expert fields DeepSeek-V2/V3's config.json introduced and GLM-4.5 (Glm4Moe) reuses under the same names:
// shared experts, expert width, top-k, group-limited routing and the leading dense layers.
void read_deepseek_style_experts(const Fields& f, ModelSpec& m) {
  m.moe.n_shared_experts = f.integer("n_shared_experts", 0);
  m.moe.expert_ffn_dim = f.integer("moe_intermediate_size");
  m.moe.top_k = f.integer("num_experts_per_tok");
  m.moe.n_expert_groups = f.integer("n_group", 1);
  m.moe.n_limited_groups = f.integer("topk_group", 1);
  m.moe.first_k_dense = f.integer("first_k_dense_replace", 0);
}

void read_deepseek(const Fields& f, ModelSpec& m) {
  read_common(f, m);
  m.attention = AttentionKind::kMla;  // DeepSeek-V2 §2.1
  m.n_kv_heads = m.n_heads;
  m.mla.q_lora_rank = f.integer("q_lora_rank", 0);  // null in V2-Lite: queries are not compressed
  m.mla.kv_lora_rank = f.integer("kv_lora_rank");
  m.mla.qk_nope_head_dim = f.integer("qk_nope_head_dim");
  m.mla.qk_rope_head_dim = f.integer("qk_rope_head_dim");
  m.mla.v_head_dim = f.integer("v_head_dim");
  m.head_dim = m.mla.qk_nope_head_dim;  // d_h (DeepSeek-V3 §4.2: 128)
  m.ffn_dim = f.integer("intermediate_size");
  m.moe.n_routed_experts = f.integer("n_routed_experts", 0);
  if (m.moe.n_routed_experts > 0) {
    read_deepseek_style_experts(f, m);
    // HF: layer i is MoE when i >= first_k_dense_replace and i % moe_layer_freq == 0; ModelSpec counts the
    // frequency from first_k_dense, which agrees when first_k_dense is a multiple of the frequency.
    m.moe.moe_layer_freq = f.integer("moe_layer_freq", 1);
    if (m.moe.moe_layer_freq < 1 || m.moe.first_k_dense % m.moe.moe_layer_freq != 0)
      f.fail("moe_layer_freq", "moe_layer_freq " + std::to_string(m.moe.moe_layer_freq) +
                                   " with first_k_dense_replace " + std::to_string(m.moe.first_k_dense) +
                                   " is not supported", "first_k_dense_replace a multiple of moe_layer_freq");
    m.moe.routed_scaling_factor = f.number("routed_scaling_factor", 1.0);
    m.moe.score_func = f.string("scoring_func", "softmax");  // V2 configs omit it: softmax gating
  }
  m.mtp_depth = f.integer("num_nextn_predict_layers", 0);
}

void read_llama(const Fields& f, ModelSpec& m, bool qkv_bias) {
  read_common(f, m);
  read_gqa(f, m);
  m.ffn_dim = f.integer("intermediate_size");
  // Qwen2 always has q/k/v biases (modeling_qwen2.py); Llama/Mistral have them only with attention_bias.
  m.attention_bias = qkv_bias || f.boolean("attention_bias", false);
}

void read_mixtral(const Fields& f, ModelSpec& m) {
  read_common(f, m);
  read_gqa(f, m);
  m.ffn_dim = 0;  // every layer is MoE: no dense FFN
  m.moe.n_routed_experts = f.integer("num_local_experts");
  m.moe.top_k = f.integer("num_experts_per_tok");
  m.moe.expert_ffn_dim = f.integer("intermediate_size");
  m.moe.score_func = "softmax";
}

// Qwen2-MoE and Qwen3-MoE (configuration_qwen3_moe.py): the same routed-expert fields; Qwen3 has no shared
// expert and no fixed q/k/v bias (attention_bias, default false; its per-head q/k norms are 2 x head_dim
// weights per layer and are not counted).
void read_qwen_moe(const Fields& f, ModelSpec& m, bool qwen3) {
  read_common(f, m);
  read_gqa(f, m);
  m.attention_bias = qwen3 ? f.boolean("attention_bias", false) : true;
  if (f.raw().contains("mlp_only_layers") && f.raw().at("mlp_only_layers").is_array() &&
      !f.raw().at("mlp_only_layers").empty())
    f.fail("mlp_only_layers", "explicit dense layer lists are not supported", "an empty list");
  m.moe.n_routed_experts = f.integer("num_experts");
  m.moe.top_k = f.integer("num_experts_per_tok");
  m.moe.expert_ffn_dim = f.positive("moe_intermediate_size");  // divides the shared width below
  if (qwen3 && f.has("shared_expert_intermediate_size") && f.integer("shared_expert_intermediate_size") > 0)
    f.fail("shared_expert_intermediate_size", "Qwen3-MoE has no shared expert", "0 or absent");
  // One shared expert of width shared_expert_intermediate_size = that many routed-expert widths.
  const int shared = f.integer("shared_expert_intermediate_size", 0);
  if (shared % m.moe.expert_ffn_dim != 0)
    f.fail("shared_expert_intermediate_size", "shared expert width " + std::to_string(shared) +
                                                  " is not a multiple of moe_intermediate_size " +
                                                  std::to_string(m.moe.expert_ffn_dim),
           "a multiple of moe_intermediate_size");
  m.moe.n_shared_experts = shared / m.moe.expert_ffn_dim;
  // HF: layer i is sparse when (i + 1) % decoder_sparse_step == 0, i.e. layers s-1, 2s-1, ...
  const int step = f.integer("decoder_sparse_step", 1);
  if (step < 1) f.fail("decoder_sparse_step", "must be >= 1", "a positive integer");
  m.moe.first_k_dense = step - 1;
  m.moe.moe_layer_freq = step;
  m.ffn_dim = step > 1 ? f.integer("intermediate_size") : 0;
  m.moe.score_func = "softmax";
}

// gpt-oss (configuration_gpt_oss.py; OpenAI's gpt-oss model card, arXiv:2508.10925): every layer is MoE with
// num_local_experts SwiGLU experts of width intermediate_size, top-k softmax routing, GQA with q/k/v/o biases.
// Counted as full attention: the alternating 128-token sliding-window layers, the per-head attention sinks and
// the expert biases (about 0.1% of the weights) are not modelled.
void read_gpt_oss(const Fields& f, ModelSpec& m) {
  read_common(f, m);
  read_gqa(f, m);
  m.attention_bias = f.boolean("attention_bias", true);
  m.ffn_dim = 0;
  m.moe.n_routed_experts = f.integer("num_local_experts");
  // transformers names it num_experts_per_tok; the original checkpoints' config.json experts_per_token.
  m.moe.top_k = f.has("num_experts_per_tok") ? f.integer("num_experts_per_tok") : f.integer("experts_per_token");
  m.moe.expert_ffn_dim = f.integer("intermediate_size");
  m.moe.score_func = "softmax";
}

// GLM-4.5 / GLM-4.6 (configuration_glm4_moe.py): GQA attention (head_dim given, q/k/v bias when
// attention_bias) with DeepSeek-V3-style experts: shared experts, sigmoid group routing, the first
// first_k_dense_replace layers dense, and num_nextn_predict_layers MTP blocks. Partial rotary embedding does
// not change the weights.
void read_glm4_moe(const Fields& f, ModelSpec& m) {
  read_common(f, m);
  read_gqa(f, m);
  m.attention_bias = f.boolean("attention_bias", false);
  m.ffn_dim = f.integer("intermediate_size");
  m.moe.n_routed_experts = f.integer("n_routed_experts");
  read_deepseek_style_experts(f, m);
  m.moe.routed_scaling_factor = f.number("routed_scaling_factor", 1.0);
  m.moe.score_func = "sigmoid";  // modeling_glm4_moe.py: sigmoid scores with a correction bias, as DeepSeek-V3
  m.mtp_depth = f.integer("num_nextn_predict_layers", 0);
}

}  // namespace

ModelSpec parse_hf_config(const std::string& json_text, const std::string& name_for_messages,
                          const std::string& default_name) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    const auto [line, column] = line_and_column(json_text, e.byte > 0 ? e.byte - 1 : 0);
    throw_user_error(std::string("malformed JSON: ") + e.what(),
                     ErrorContext{.file = name_for_messages, .line = line, .column = column});
  } catch (const json::exception& e) {
    // Numbers beyond double range ("1e400") and the like: the file is at fault, not moeplan. nlohmann names
    // the token ("number overflow parsing '1e400'") but not its place: find the token in the text.
    ErrorContext c{.file = name_for_messages, .expected = "numbers within double range"};
    const std::string what = e.what();
    const size_t open = what.find('\''), close = what.rfind('\'');
    if (open != std::string::npos && close > open + 1) {
      const size_t at = json_text.find(what.substr(open + 1, close - open - 1));
      if (at != std::string::npos) std::tie(c.line, c.column) = line_and_column(json_text, at);
    }
    throw_user_error("unreadable JSON: " + what, c);
  }
  if (!j.is_object())
    throw_user_error("expected a JSON object", ErrorContext{.file = name_for_messages});
  Fields f(j, name_for_messages, json_text);
  std::string arch_name;
  if (j.contains("architectures") && j.at("architectures").is_array() && !j.at("architectures").empty() &&
      j.at("architectures").at(0).is_string())
    arch_name = j.at("architectures").at(0).get<std::string>();
  const std::string model_type = f.string("model_type", "");
  const Arch* arch = nullptr;
  for (const Arch& a : kArchs)
    if ((!arch_name.empty() && arch_name == a.architecture) || (arch_name.empty() && model_type == a.model_type))
      arch = &a;
  if (arch == nullptr)
    throw_user_error("unsupported architecture `" + (arch_name.empty() ? model_type : arch_name) + "`",
                     ErrorContext{.file = name_for_messages,
                                  .key_path = arch_name.empty() ? "model_type" : "architectures",
                                  .expected = "one of " + supported_list(),
                                  .hint = "describe the model inline under `model:` instead"});
  ModelSpec m;
  m.source = name_for_messages;
  switch (arch->family) {
    case Family::kDeepseek: read_deepseek(f, m); break;
    case Family::kLlama: read_llama(f, m, false); break;
    case Family::kMixtral: read_mixtral(f, m); break;
    case Family::kQwen2: read_llama(f, m, true); break;
    case Family::kQwen2Moe: read_qwen_moe(f, m, false); break;
    case Family::kQwen3: read_llama(f, m, false); break;
    case Family::kQwen3Moe: read_qwen_moe(f, m, true); break;
    case Family::kGptOss: read_gpt_oss(f, m); break;
    case Family::kGlm4Moe: read_glm4_moe(f, m); break;
  }
  // The name is the config's own: `_name_or_path` (written by transformers' save_pretrained), else the
  // caller's (a hub id), else the model type. Never the folder: in a HuggingFace cache that is a commit hash.
  std::string name = f.string("_name_or_path", "");
  if (name.empty()) name = default_name;
  if (name.empty()) name = model_type;
  if (name.empty()) name = std::filesystem::path(name_for_messages).stem().string();
  m.name = name;
  try {
    validate(m);
  } catch (const Error& e) {
    throw e.with_context(ErrorContext{.file = name_for_messages});
  }
  return m;
}

ModelSpec load_hf_config(const std::string& path, const std::string& default_name) {
  return parse_hf_config(read_input_file(path, "HuggingFace config"), path, default_name);
}

}  // namespace moeplan::io
