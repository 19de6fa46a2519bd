// HuggingFace config.json import: the fixtures (written from the published field values) convert to the
// same ModelSpec as the catalog entries.
#include "sim/io/hf_config.h"

#include <gtest/gtest.h>

#include "sim/io/catalog.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

const Catalog& catalog() {
  static const Catalog c = Catalog::load("scenarios/catalog");
  return c;
}

// Every architectural field (name and source differ by design).
void expect_same_architecture(const ModelSpec& a, const ModelSpec& b) {
  EXPECT_EQ(a.n_layers, b.n_layers);
  EXPECT_EQ(a.hidden, b.hidden);
  EXPECT_EQ(a.n_heads, b.n_heads);
  EXPECT_EQ(a.n_kv_heads, b.n_kv_heads);
  EXPECT_EQ(a.head_dim, b.head_dim);
  EXPECT_EQ(a.attention, b.attention);
  EXPECT_EQ(a.mla.q_lora_rank, b.mla.q_lora_rank);
  EXPECT_EQ(a.mla.kv_lora_rank, b.mla.kv_lora_rank);
  EXPECT_EQ(a.mla.qk_nope_head_dim, b.mla.qk_nope_head_dim);
  EXPECT_EQ(a.mla.qk_rope_head_dim, b.mla.qk_rope_head_dim);
  EXPECT_EQ(a.mla.v_head_dim, b.mla.v_head_dim);
  EXPECT_EQ(a.ffn_dim, b.ffn_dim);
  EXPECT_EQ(a.gated_ffn, b.gated_ffn);
  EXPECT_EQ(a.attention_bias, b.attention_bias);
  EXPECT_EQ(a.moe.n_routed_experts, b.moe.n_routed_experts);
  EXPECT_EQ(a.moe.n_shared_experts, b.moe.n_shared_experts);
  EXPECT_EQ(a.moe.expert_ffn_dim, b.moe.expert_ffn_dim);
  EXPECT_EQ(a.moe.top_k, b.moe.top_k);
  EXPECT_EQ(a.moe.n_expert_groups, b.moe.n_expert_groups);
  EXPECT_EQ(a.moe.n_limited_groups, b.moe.n_limited_groups);
  EXPECT_EQ(a.moe.first_k_dense, b.moe.first_k_dense);
  EXPECT_EQ(a.moe.moe_layer_freq, b.moe.moe_layer_freq);
  EXPECT_DOUBLE_EQ(a.moe.routed_scaling_factor, b.moe.routed_scaling_factor);
  EXPECT_EQ(a.moe.score_func, b.moe.score_func);
  EXPECT_EQ(a.mtp_depth, b.mtp_depth);
  EXPECT_EQ(a.vocab, b.vocab);
  EXPECT_EQ(a.tied_embeddings, b.tied_embeddings);
  EXPECT_EQ(a.max_seq_len, b.max_seq_len);
}

TEST(HfConfig, FixturesMatchCatalog) {
  for (const std::string name : {"deepseek-v3", "deepseek-v2-lite", "llama-3.1-8b", "qwen2.5-72b", "mixtral-8x7b"}) {
    SCOPED_TRACE(name);
    const ModelSpec m = load_hf_config("tests/io/data/" + name + "-config.json");
    EXPECT_EQ(m.name, name);  // from _name_or_path
    expect_same_architecture(m, catalog().model(name));
  }
}

TEST(HfConfig, DeepSeekV3Fields) {
  // published-numbers.md §1.8: first_k_dense_replace 3, n_group 8, topk_group 4, 1 MTP layer.
  const ModelSpec m = load_hf_config("tests/io/data/deepseek-v3-config.json");
  EXPECT_EQ(m.attention, AttentionKind::kMla);
  EXPECT_EQ(m.n_moe_layers(), 58);
  EXPECT_EQ(m.moe.n_expert_groups, 8);
  EXPECT_EQ(m.moe.n_limited_groups, 4);
  EXPECT_EQ(m.mtp_depth, 1);
  EXPECT_DOUBLE_EQ(m.moe.routed_scaling_factor, 2.5);
}

TEST(HfConfig, Qwen2MoeSharedExpertAndSparseStep) {
  const ModelSpec m = load_hf_config("tests/io/data/qwen2-moe-config.json");
  EXPECT_EQ(m.moe.n_routed_experts, 60);
  EXPECT_EQ(m.moe.top_k, 4);
  EXPECT_EQ(m.moe.n_shared_experts, 4);  // 5632 / 1408
  EXPECT_EQ(m.n_moe_layers(), 24);       // decoder_sparse_step 1: every layer
  EXPECT_EQ(m.attention, AttentionKind::kMha);
  EXPECT_TRUE(m.attention_bias);
  EXPECT_EQ(m.name, "qwen2_moe");  // no _name_or_path: the config's model_type, not the folder
}

TEST(HfConfig, SparseStepTwoMakesOddLayersMoe) {
  const ModelSpec m = parse_hf_config(
      R"({"architectures": ["Qwen2MoeForCausalLM"], "hidden_size": 1024, "intermediate_size": 4096,
          "moe_intermediate_size": 512, "shared_expert_intermediate_size": 0, "num_experts": 8,
          "num_experts_per_tok": 2, "decoder_sparse_step": 2, "num_attention_heads": 8,
          "num_hidden_layers": 6, "num_key_value_heads": 8, "vocab_size": 1000})",
      "step2.json");
  // HF: layer i is sparse when (i + 1) % 2 == 0 -> layers 1, 3, 5.
  EXPECT_FALSE(m.layer_is_moe(0));
  EXPECT_TRUE(m.layer_is_moe(1));
  EXPECT_FALSE(m.layer_is_moe(2));
  EXPECT_TRUE(m.layer_is_moe(5));
  EXPECT_EQ(m.n_moe_layers(), 3);
  EXPECT_EQ(m.ffn_dim, 4096);
}

TEST(HfConfig, UnknownArchitectureListsSupported) {
  try {
    load_hf_config("tests/io/data/gpt2-config.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "tests/io/data/gpt2-config.json: `architectures`: unsupported architecture `GPT2LMHeadModel` "
                 "(expected one of DeepseekV3ForCausalLM, DeepseekV2ForCausalLM, LlamaForCausalLM, "
                 "MistralForCausalLM, MixtralForCausalLM, Qwen2ForCausalLM, Qwen2MoeForCausalLM, Qwen3ForCausalLM, "
                 "Qwen3MoeForCausalLM, GptOssForCausalLM, Glm4MoeForCausalLM); "
                 "describe the model inline under `model:` instead");
  }
}

TEST(HfConfig, FieldErrors) {
  try {
    parse_hf_config(R"({"model_type": "llama", "hidden_size": "big"})", "x.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "x.json: `num_hidden_layers`: missing field (expected an integer)");
  }
  try {
    parse_hf_config(R"({"model_type": "llama", "num_hidden_layers": 2, "hidden_size": "big"})", "x.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "x.json:1:49: `hidden_size`: expected an integer, found \"big\" (expected an integer from 0 to 16777216)");
  }
  EXPECT_THROW(parse_hf_config("{not json", "x.json"), Error);
  EXPECT_THROW(load_hf_config("tests/io/data/missing.json"), Error);
}

}  // namespace
}  // namespace moeplan::io
