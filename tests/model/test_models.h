// ModelSpecs of published models, built from their released configurations, for the model-layer tests.
// Sources: shared/reference/published-numbers.md §1.8 (DeepSeek-V3 config_671B.json), §2 (DeepSeek-V2
// config_236B.json), and the released HuggingFace configs of LLaMA-3.1-405B, Qwen2.5-72B, Mixtral-8x7B and
// Qwen-72B as listed with each function.
#pragma once

#include "sim/spec/cluster_spec.h"
#include "sim/spec/model_spec.h"
#include "sim/spec/parallel_plan.h"

namespace moeplan::test {

// DeepSeek-V3 inference/configs/config_671B.json; MTP depth 1 (§2.2, num_nextn_predict_layers).
inline ModelSpec deepseek_v3() {
  ModelSpec m;
  m.name = "deepseek-v3";
  m.n_layers = 61;
  m.hidden = 7168;
  m.n_heads = 128;
  m.n_kv_heads = 128;
  m.head_dim = 128;
  m.attention = AttentionKind::kMla;
  m.mla = MlaSpec{1536, 512, 128, 64, 128};
  m.ffn_dim = 18432;
  m.moe.n_routed_experts = 256;
  m.moe.n_shared_experts = 1;
  m.moe.expert_ffn_dim = 2048;
  m.moe.top_k = 8;
  m.moe.n_expert_groups = 8;
  m.moe.n_limited_groups = 4;
  m.moe.first_k_dense = 3;
  m.moe.routed_scaling_factor = 2.5;
  m.moe.score_func = "sigmoid";
  m.mtp_depth = 1;
  m.vocab = 129280;
  m.max_seq_len = 4096;
  return m;
}

// DeepSeek-V2 inference/configs/config_236B.json (published-numbers.md §2).
inline ModelSpec deepseek_v2() {
  ModelSpec m = deepseek_v3();
  m.name = "deepseek-v2";
  m.n_layers = 60;
  m.hidden = 5120;
  m.ffn_dim = 12288;
  m.moe.n_routed_experts = 160;
  m.moe.n_shared_experts = 2;
  m.moe.expert_ffn_dim = 1536;
  m.moe.top_k = 6;
  m.moe.n_limited_groups = 3;
  m.moe.first_k_dense = 1;
  m.moe.routed_scaling_factor = 16.0;
  m.moe.score_func = "softmax";
  m.mtp_depth = 0;
  m.vocab = 102400;
  return m;
}

// meta-llama/Llama-3.1-405B config.json: 126 layers, hidden 16384, 128 heads, 8 KV heads, head_dim 128,
// intermediate 53248, vocab 128256, untied embeddings.
inline ModelSpec llama31_405b() {
  ModelSpec m;
  m.name = "llama-3.1-405b";
  m.n_layers = 126;
  m.hidden = 16384;
  m.n_heads = 128;
  m.n_kv_heads = 8;
  m.head_dim = 128;
  m.attention = AttentionKind::kGqa;
  m.ffn_dim = 53248;
  m.vocab = 128256;
  m.max_seq_len = 8192;
  return m;
}

// Qwen/Qwen2.5-72B config.json: 80 layers, hidden 8192, 64 heads, 8 KV heads, intermediate 29568,
// vocab 152064, qkv bias.
inline ModelSpec qwen25_72b() {
  ModelSpec m = llama31_405b();
  m.name = "qwen2.5-72b";
  m.n_layers = 80;
  m.hidden = 8192;
  m.n_heads = 64;
  m.n_kv_heads = 8;
  m.ffn_dim = 29568;
  m.vocab = 152064;
  m.attention_bias = true;
  return m;
}

// Qwen/Qwen-72B (Qwen1) config.json: 80 layers, hidden 8192, 64 heads without KV sharing (MHA), SwiGLU
// of width intermediate_size / 2 = 24576, vocab 151936, qkv bias (c_attn), seq_length 32768.
inline ModelSpec qwen_72b() {
  ModelSpec m = llama31_405b();
  m.name = "qwen-72b";
  m.n_layers = 80;
  m.hidden = 8192;
  m.n_heads = 64;
  m.n_kv_heads = 64;
  m.attention = AttentionKind::kMha;
  m.ffn_dim = 24576;
  m.vocab = 151936;
  m.attention_bias = true;
  m.max_seq_len = 32768;
  return m;
}

// mistralai/Mixtral-8x7B-v0.1 config.json: 32 layers, hidden 4096, 32 heads, 8 KV heads, head_dim 128,
// 8 experts of 14336, top-2, softmax gating, vocab 32000.
inline ModelSpec mixtral_8x7b() {
  ModelSpec m;
  m.name = "mixtral-8x7b";
  m.n_layers = 32;
  m.hidden = 4096;
  m.n_heads = 32;
  m.n_kv_heads = 8;
  m.head_dim = 128;
  m.attention = AttentionKind::kGqa;
  m.moe.n_routed_experts = 8;
  m.moe.expert_ffn_dim = 14336;
  m.moe.top_k = 2;
  m.moe.score_func = "softmax";
  m.vocab = 32000;
  return m;
}

// A GPT-3-style dense layer (MHA, 4h GELU MLP) as analysed by Korthikanti et al. 2022 (arXiv:2205.05198).
inline ModelSpec gpt_like() {
  ModelSpec m;
  m.name = "gpt-like";
  m.n_layers = 8;
  m.hidden = 4096;
  m.n_heads = 32;
  m.n_kv_heads = 32;
  m.head_dim = 128;
  m.attention = AttentionKind::kMha;
  m.ffn_dim = 4 * 4096;
  m.gated_ffn = false;
  m.vocab = 51200;
  return m;
}

// DeepSeek-V3's pre-training layout (published-numbers.md §1.3): 2048 GPUs, no TP, PP16 DualPipe, EP64,
// ZeRO-1; dp = 2048 / 16 = 128 (derived). Micro-batch 1 sequence of 4K.
inline ParallelPlan deepseek_v3_plan() {
  ParallelPlan p;
  p.tp = 1;
  p.pp = 16;
  p.dp = 128;
  p.ep = 64;
  p.zero_stage = 1;
  p.micro_batch = 1;
  p.schedule = PipelineSchedule::kDualPipe;
  p.recompute = RecomputePolicy::kSelective;
  p.comm_sms = 20;
  return p;
}

// H800 SXM5: 80 GB HBM3 (hardware.md §1b); RTX 4090: 24 GB GDDR6X.
inline ClusterSpec cluster_with_hbm(const char* gpu, double hbm_bytes) {
  ClusterSpec c;
  c.gpu.name = gpu;
  c.gpu.hbm_bytes = hbm_bytes;
  c.n_nodes = 256;
  c.gpus_per_node = 8;
  return c;
}

}  // namespace moeplan::test
