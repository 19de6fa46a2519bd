// Training FLOPs per token against ISCA'25 Table 2 (Zhao et al., "Insights into DeepSeek-V3",
// arXiv:2505.09343; published-numbers.md §6), and agreement with the op inventory.
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "sim/model/flops.h"
#include "sim/model/layer_ops.h"
#include "sim/model/params.h"
#include "tests/model/test_models.h"

namespace moeplan {
namespace {

double report(const char* what, double predicted, double target) {
  const double err = (predicted - target) / target;
  std::printf("%-44s predicted %8.1f  target %8.1f GFLOP/token  error %+6.2f%%\n", what, predicted / 1e9,
              target / 1e9, 100.0 * err);
  return std::abs(err);
}

// Convention that reproduces Table 2: sequence 4096, CAUSAL attention (half the QK^T/PV work), main model
// only (no MTP), 3x forward, GEMM FLOPs of every layer plus the output head (the embedding lookup has
// none). Under this convention DeepSeek-V3 is 250.4 vs 250, V2 155.3 vs 155 and LLaMA-405B 2474 vs 2448.
// Non-causal attention overshoots V3 by 12% (281 GFLOP) and adding the MTP module (its block and its pass
// through the shared head) by 4% (261 GFLOP), so the table used causal attention without MTP.
TEST(Flops, Isca25Table2) {
  const int seq = 4096;
  EXPECT_LT(report("deepseek-v3 (causal, no MTP)", train_flops_per_token(test::deepseek_v3(), seq, true).total,
                   250e9), 0.05);
  EXPECT_LT(report("deepseek-v2 (causal)", train_flops_per_token(test::deepseek_v2(), seq, true).total, 155e9),
            0.05);
  EXPECT_LT(report("llama-3.1-405b (causal)", train_flops_per_token(test::llama31_405b(), seq, true).total,
                   2448e9), 0.05);
  report("deepseek-v3 full attention (not the convention)",
         train_flops_per_token(test::deepseek_v3(), seq, false).total, 250e9);
  report("deepseek-v3 causal + MTP (not the convention)",
         train_flops_per_token(test::deepseek_v3(), seq, true, true).total, 250e9);
}

// Qwen-72B: the published Qwen1 config (MHA, SwiGLU 24576) gives about 442 GFLOP/token against the table's
// 394 (+12%); its 6N term alone (426) is above 394, so no attention convention reaches it. The table's
// value is consistent with 8 KV heads instead of 64 (GQA, as Qwen2 has): that variant gives 386 (-2%).
// We keep the published config and hold the table's value to 15%, flagging the discrepancy.
TEST(Flops, Isca25Table2QwenDiscrepancy) {
  const double mha = train_flops_per_token(test::qwen_72b(), 4096, true).total;
  const double err = report("qwen-72b (Qwen1 config, MHA, causal)", mha, 394e9);
  EXPECT_GT(err, 0.05);  // documented mismatch: if this starts passing within 5%, revisit the comment
  EXPECT_LT(err, 0.15);
  ModelSpec gqa = test::qwen_72b();
  gqa.n_kv_heads = 8;
  report("qwen-72b with 8 KV heads (hypothesis)", train_flops_per_token(gqa, 4096, true).total, 394e9);
}

TEST(Flops, TotalIsThreeTimesForward) {
  const FlopsPerToken f = train_flops_per_token(test::deepseek_v3(), 4096, true);
  EXPECT_DOUBLE_EQ(f.backward, 2.0 * f.forward);
  EXPECT_DOUBLE_EQ(f.total, 3.0 * f.forward);
}

TEST(Flops, MatchesSixNPlusAttention) {
  // Closed form: forward = 2 * (active GEMM parameters) + attention core; the active GEMM parameters are
  // the active parameters minus embedding and norms (and the routing bias, which is not a GEMM weight).
  const ModelSpec m = test::llama31_405b();
  const ParamCounts p = count_params(m);
  const FlopsPerToken f = train_flops_per_token(m, 4096, true);
  const double gemm_params = p.active - p.embedding - p.norms;
  // Attention core, causal: 2 * (s/2) * heads * (d + d) per layer per token.
  const double attn = m.n_layers * 2.0 * 2048.0 * 128 * 256;
  EXPECT_NEAR(f.attention_forward, attn, 1.0);
  EXPECT_NEAR(f.forward, 2.0 * gemm_params + attn, 1e-9 * f.forward);
}

TEST(Flops, SumOfInventoryEqualsFlopsPerToken) {
  const ModelSpec m = test::deepseek_v3();
  OpContext ctx;
  ctx.seq_len = 4096;
  double sum = 0;
  for (int i = 0; i < m.n_layers; ++i)
    for (const Op& op : layer_forward_ops(m, i, ctx)) sum += op.flops;
  for (const Op& op : head_forward_ops(m, ctx)) sum += op.flops;
  for (const Op& op : embedding_forward_ops(m, ctx)) sum += op.flops;
  EXPECT_NEAR(train_flops_per_token(m, 4096, true).forward, sum / 4096.0, 1e-9 * sum);
}

}  // namespace
}  // namespace moeplan
