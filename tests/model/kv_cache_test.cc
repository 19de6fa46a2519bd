// KV cache per token against ISCA'25 Table 1 (arXiv:2505.09343; published-numbers.md §6), exact in bytes.
#include <cstdio>

#include <gtest/gtest.h>

#include "sim/model/kv_cache.h"
#include "tests/model/test_models.h"

namespace moeplan {
namespace {

TEST(KvCache, Isca25Table1) {
  const double v3 = kv_cache_bytes_per_token(test::deepseek_v3());
  const double qwen = kv_cache_bytes_per_token(test::qwen25_72b());
  const double llama = kv_cache_bytes_per_token(test::llama31_405b());
  std::printf("KV bytes/token: deepseek-v3 %.0f (70272), qwen2.5-72b %.0f (327680), llama-405b %.0f (516096)\n",
              v3, qwen, llama);
  EXPECT_DOUBLE_EQ(v3, 70272.0);     // (512 + 64) * 61 * 2
  EXPECT_DOUBLE_EQ(qwen, 327680.0);  // 2 * 8 * 128 * 80 * 2
  EXPECT_DOUBLE_EQ(llama, 516096.0); // 2 * 8 * 128 * 126 * 2
  // Table 1's multiplier 4.66x. Its 7.28x for LLaMA does not follow from its own byte counts
  // (516.096 / 70.272 = 7.34), so only the bytes are checked there.
  EXPECT_NEAR(qwen / v3, 4.66, 0.005);
}

TEST(KvCache, Fp8HalvesBf16) {
  EXPECT_DOUBLE_EQ(kv_cache_bytes_per_token(test::deepseek_v3(), DType::kFp8), 70272.0 / 2);
}

}  // namespace
}  // namespace moeplan
