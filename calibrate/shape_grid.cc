// DeepSeek-V3 calibration shapes (see shape_grid.h). Dimensions from config_671B.json
// (published-numbers.md §1.8): dim 7168, inter_dim 18432, moe_inter_dim 2048, q_lora_rank 1536,
// kv_lora_rank 512, qk_rope_head_dim 64, qk_nope_head_dim 128, v_head_dim 128, n_heads 128.
#include "calibrate/shape_grid.h"

namespace moeplan {

namespace {

struct Dims {
  int hidden, ffn, expert_ffn, q_lora, kv_lora, rope, nope, v_head, heads;
};

constexpr Dims kDeepSeekV3{7168, 18432, 2048, 1536, 512, 64, 128, 128, 128};

Dims scaled(const Dims& d, int s) {
  return {d.hidden / s, d.ffn / s, d.expert_ffn / s, d.q_lora / s, d.kv_lora / s, d.rope / s, d.nope / s,
          d.v_head / s, d.heads / s};
}

struct NK {
  int n, k;
  const char* name;
};

}  // namespace

CalibrationGrid deepseek_v3_grid(bool full) {
  const Dims d = full ? kDeepSeekV3 : scaled(kDeepSeekV3, 16);
  const int qk_head = d.nope + d.rope;
  // Per-token dense GEMMs (n = output features, k = input features).
  const std::vector<NK> dense = {
      {d.q_lora + d.kv_lora + d.rope, d.hidden, "wq_a+wkv_a"},  // DeepGEMM's 2112 x 7168
      {d.heads * qk_head, d.q_lora, "wq_b"},                    // 24576 x 1536
      {d.heads * (d.nope + d.v_head), d.kv_lora, "wkv_b"},      // 32768 x 512
      {d.hidden, d.heads * d.v_head, "wo"},                     // 7168 x 16384
      {2 * d.ffn, d.hidden, "dense_gate_up"},
      {d.hidden, d.ffn, "dense_down"},
  };
  const std::vector<NK> expert = {
      {2 * d.expert_ffn, d.hidden, "expert_gate_up"},  // 4096 x 7168
      {d.hidden, d.expert_ffn, "expert_down"},         // 7168 x 2048
  };
  // Tokens per GEMM: decode batches of 64 and 128 and a 4096-token prefill / training micro-batch.
  const std::vector<int> dense_m = full ? std::vector<int>{64, 128, 4096} : std::vector<int>{4, 16, 128};
  // Tokens per expert: decode (64, 128) through prefill (4096); DeepSeek decode batches per expert are
  // "usually within 256 tokens" (DeepSeek-V3 §3.4).
  const std::vector<int> expert_m =
      full ? std::vector<int>{64, 128, 256, 512, 1024, 4096} : std::vector<int>{4, 16, 64};
  const int groups = full ? 8 : 4;  // 256 experts / EP32 = 8 per GPU
  const int train_m = dense_m.back();

  CalibrationGrid g;
  for (const NK& s : dense)
    for (int m : dense_m) {
      if (!full && s.n * s.k > 300000 && m > 16) continue;  // keep the CPU run short
      g.gemms.push_back({GemmKind::kDense, DType::kFp8, m, s.n, s.k, 1, std::string(s.name) + " m" +
                                                                            std::to_string(m)});
    }
  // Training backward of the attention projections: dgrad (m, k, n) and wgrad (k, n, m).
  for (size_t i = 0; i < 4; ++i) {
    const NK& s = dense[i];
    g.gemms.push_back({GemmKind::kDense, DType::kFp8, train_m, s.k, s.n, 1, std::string(s.name) + " dgrad"});
    g.gemms.push_back({GemmKind::kDense, DType::kFp8, s.k, s.n, train_m, 1, std::string(s.name) + " wgrad"});
  }
  for (const NK& s : expert)
    for (int m : expert_m)
      g.gemms.push_back({GemmKind::kGrouped, DType::kFp8, m, s.n, s.k, groups,
                         std::string(s.name) + " " + std::to_string(m) + "/expert"});
  // Per-expert wgrad: the token count is the reduction dimension.
  for (const NK& s : expert)
    g.gemms.push_back({GemmKind::kGrouped, DType::kFp8, s.k, s.n, expert_m[expert_m.size() / 2], groups,
                       std::string(s.name) + " wgrad"});
  // BF16 dense GEMMs (embedding/head, attention-adjacent BF16 GEMMs, and BF16 recipes).
  for (size_t i : {size_t{0}, size_t{1}, size_t{3}})
    for (int m : {dense_m.front(), dense_m.back()})
      g.gemms.push_back({GemmKind::kDense, DType::kBf16, m, dense[i].n, dense[i].k, 1,
                         std::string(dense[i].name) + " bf16 m" + std::to_string(m)});

  // MLA decode (absorbed: head_dim_k 576, head_dim_v 512, kept at full size because the kernel is MLA's).
  if (full) {
    for (int b : {1, 8, 32, 128}) g.attention.push_back({b, d.heads, 4096});
    g.copy_bytes = {64.0 * (1 << 20), 256.0 * (1 << 20), 1024.0 * (1 << 20)};
  } else {
    for (int b : {1, 4, 16}) g.attention.push_back({b, 16, 256});
    g.copy_bytes = {32.0 * (1 << 20), 64.0 * (1 << 20), 96.0 * (1 << 20)};  // beyond a CPU's LLC
  }
  return g;
}

}  // namespace moeplan
