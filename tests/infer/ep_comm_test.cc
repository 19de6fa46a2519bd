// The ISCA'25 communication-bound decode speed (published-numbers.md §6) reproduced exactly, and the
// per-copy payloads of DeepSeek's FP8 dispatch / BF16 combine.
#include <gtest/gtest.h>

#include <cstdio>

#include "sim/infer/ep_comm.h"
#include "sim/model/layer_ops.h"
#include "sim/spec/model_spec.h"
#include "sim/spec/precision_recipe.h"

namespace moeplan {
namespace {

void report(const char* what, double predicted, double target) {
  std::printf("%-34s prediction %.6g  target %.6g  error %+.4f%%\n", what, predicted, target,
              100.0 * (predicted - target) / target);
}

// ISCA'25 §2.3.2: (1 B + 2 B) x 32 tokens x 9 experts x 7K / 50 GB/s = 120.96 us; x2 dual micro-batch =
// 241.92 us per layer; x61 layers = 14.76 ms TPOT, ~67 tok/s. Exact only with 7K = 7000 ([D], §6).
TEST(CommBoundTpot, Isca25H800Bound) {
  const CommBoundTpot b = comm_bound_tpot(32, 9, 7000, 1.0, 2.0, 50e9, 61);
  report("comm time [us]", b.comm_time_s * 1e6, 120.96);
  report("time per layer [us]", b.layer_time_s * 1e6, 241.92);
  report("TPOT [ms]", b.tpot_s * 1e3, 14.75712);
  report("tokens/s", b.tokens_per_s, 67);
  EXPECT_NEAR(b.comm_time_s, 120.96e-6, 1e-15);
  EXPECT_NEAR(b.layer_time_s, 241.92e-6, 1e-15);
  EXPECT_NEAR(b.tpot_s, 14.75712e-3, 1e-13);  // "14.76 ms"
  EXPECT_NEAR(b.tokens_per_s, 67.0, 1.0);      // "approximately 67 tokens per second"
}

// GB200 NVL72 at 900 GB/s: 6.72 us per dispatch+combine -> 0.82 ms TPOT, ~1200 tok/s (theoretical).
TEST(CommBoundTpot, Isca25Gb200Nvl72Bound) {
  const CommBoundTpot b = comm_bound_tpot(32, 9, 7000, 1.0, 2.0, 900e9, 61);
  report("GB200 comm time [us]", b.comm_time_s * 1e6, 6.72);
  report("GB200 TPOT [ms]", b.tpot_s * 1e3, 0.82);
  report("GB200 tokens/s", b.tokens_per_s, 1200);
  EXPECT_NEAR(b.comm_time_s, 6.72e-6, 1e-15);
  EXPECT_NEAR(b.tpot_s, 0.81984e-3, 1e-14);
  EXPECT_NEAR(b.tokens_per_s, 1200, 20);
}

// With the real hidden size 7168 the same bound is 123.9 us per dispatch+combine ([D], §6).
TEST(CommBoundTpot, RealHiddenSize) {
  const CommBoundTpot b = comm_bound_tpot(32, 9, 7168, 1.0, 2.0, 50e9, 61);
  EXPECT_NEAR(b.comm_time_s * 1e6, 123.86, 0.01);
  EXPECT_NEAR(b.tpot_s * 1e3, 15.11, 0.01);
}

TEST(EpPayload, Fp8DispatchBf16Combine) {
  ModelSpec m;
  m.hidden = 7168;
  const PrecisionRecipe p = precision_preset("fp8-deepseek");
  // 7168 x 1 B + 7168 / 128 FP32 scales (DeepSeek-V3 §3.3.2); combine 7168 x 2 B.
  EXPECT_DOUBLE_EQ(moe_dispatch_bytes_per_token(m, p), 7168.0 + 56.0 * 4.0);
  EXPECT_DOUBLE_EQ(moe_combine_bytes_per_token(m, p), 14336.0);
}

TEST(EpTraffic, LowLatencySendsEveryRemoteCopy) {
  ModelSpec m;
  m.hidden = 7168;
  m.moe.n_routed_experts = 256;
  m.moe.top_k = 8;
  m.moe.n_expert_groups = 8;
  m.moe.n_limited_groups = 4;
  const EpTraffic t = low_latency_traffic(m, 144);
  EXPECT_DOUBLE_EQ(t.scale_out_copies, 8.0 * 143.0 / 144.0);
  // Normal kernels over 4 nodes of 8: node-deduplicated IB copies are at most M x 3/4 = 3.
  const EpTraffic n = normal_kernel_traffic(m, 32, 8);
  EXPECT_GT(n.scale_out_copies, 1.0);
  EXPECT_LT(n.scale_out_copies, 3.0);
}

}  // namespace
}  // namespace moeplan
