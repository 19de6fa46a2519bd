// Parameter counts against the published totals (sources next to each check).
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "sim/model/params.h"
#include "tests/model/test_models.h"

namespace moeplan {
namespace {

double report(const char* what, double predicted, double target) {
  const double err = (predicted - target) / target;
  std::printf("%-34s predicted %10.3f B  target %10.3f B  error %+6.2f%%\n", what, predicted / 1e9, target / 1e9,
              100.0 * err);
  return std::abs(err);
}

TEST(Params, DeepSeekV3MainModelTotalAndActive) {
  const ParamCounts c = count_params(test::deepseek_v3());
  // DeepSeek-V3 report §4.2 and README_WEIGHTS.md: 671B total (main model, MTP separate), 37B activated;
  // README_WEIGHTS: 36.7B activated including 0.9B embedding and 0.9B head.
  EXPECT_LT(report("deepseek-v3 total", c.total, 671e9), 0.005);
  EXPECT_LT(report("deepseek-v3 active", c.active, 37e9), 0.03);
  EXPECT_LT(report("deepseek-v3 active (README 36.7B)", c.active, 36.7e9), 0.03);
  EXPECT_LT(report("deepseek-v3 embedding (0.9B)", c.embedding, 0.9e9), 0.05);
  EXPECT_LT(report("deepseek-v3 head (0.9B)", c.head, 0.9e9), 0.05);
  // README_WEIGHTS.md: MTP module 11.5B unique parameters; HF total 685B = 671B + 14B.
  EXPECT_LT(report("deepseek-v3 MTP unique", c.mtp, 11.5e9), 0.02);
  EXPECT_LT(report("deepseek-v3 main + MTP + emb/head", c.total_with_mtp(), 685e9), 0.01);
}

TEST(Params, DeepSeekV3ComponentsInClosedForm) {
  const ParamCounts c = count_params(test::deepseek_v3());
  // MLA (DeepSeek-V2 §2.1) with V3 dims: q_a 7168*1536, q_a_norm 1536, q_b 1536*128*192, kv_a 7168*576,
  // kv_a_norm 512, kv_b 512*128*256, o 16384*7168.
  const double mla = 7168.0 * 1536 + 1536 + 1536.0 * 128 * 192 + 7168.0 * 576 + 512 + 512.0 * 128 * 256 +
                     128.0 * 128 * 7168;
  EXPECT_DOUBLE_EQ(c.attention_per_layer, mla);
  EXPECT_DOUBLE_EQ(c.routed_expert_each, 3.0 * 7168 * 2048);
  EXPECT_DOUBLE_EQ(c.dense_ffn_per_layer, 3.0 * 7168 * 18432);
  EXPECT_DOUBLE_EQ(c.router_per_layer, 7168.0 * 256 + 256);  // gate + routing bias
  EXPECT_DOUBLE_EQ(c.embedding, 129280.0 * 7168);
}

TEST(Params, DeepSeekV2) {
  const ParamCounts c = count_params(test::deepseek_v2());
  // DeepSeek-V2 §3.1.2: 236B total, 21B activated.
  EXPECT_LT(report("deepseek-v2 total", c.total, 236e9), 0.01);
  EXPECT_LT(report("deepseek-v2 active", c.active, 21e9), 0.03);
}

TEST(Params, Llama405B) {
  const ParamCounts c = count_params(test::llama31_405b());
  // Llama 3 paper (arXiv:2407.21783) Table 3: 405B.
  EXPECT_LT(report("llama-3.1-405b total", c.total, 405e9), 0.01);
  EXPECT_DOUBLE_EQ(c.total, c.active);  // dense
}

TEST(Params, Mixtral8x7B) {
  const ParamCounts c = count_params(test::mixtral_8x7b());
  // Mixtral of Experts (arXiv:2401.04088) §2: 46.7B total (their "47B"), 12.9B active ("13B").
  EXPECT_LT(report("mixtral-8x7b total", c.total, 46.7e9), 0.005);
  EXPECT_LT(report("mixtral-8x7b active", c.active, 12.9e9), 0.01);
}

TEST(Params, Qwen25And72B) {
  // Qwen2.5 model card: 72.7B parameters; Qwen-72B (Qwen1) model card: 72B.
  EXPECT_LT(report("qwen2.5-72b total", count_params(test::qwen25_72b()).total, 72.7e9), 0.005);
  EXPECT_LT(report("qwen-72b total", count_params(test::qwen_72b()).total, 72e9), 0.01);
}

TEST(Params, TiedEmbeddingsHaveNoHead) {
  ModelSpec m = test::gpt_like();
  const double untied = count_params(m).total;
  m.tied_embeddings = true;
  const ParamCounts c = count_params(m);
  EXPECT_EQ(c.head, 0.0);
  EXPECT_DOUBLE_EQ(untied - c.total, 51200.0 * 4096);
}

}  // namespace
}  // namespace moeplan
