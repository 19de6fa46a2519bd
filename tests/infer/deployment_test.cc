// The deployment model: per-GPU memory (expert slots, KV bytes per token), the decode attention roofline,
// and monotonicity of step times.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tests/infer/data_paths.h"
#include "sim/calib/profile_calibration.h"
#include "sim/infer/deployment.h"
#include "sim/io/catalog.h"

namespace moeplan {
namespace {

class Deployment : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = io::Catalog::load(test::data_path("scenarios/catalog"));
    s_ = load_serve_scenario(test::data_path("scenarios/deepseek-v3-serving-h800.yaml"), catalog_);
    calib_ = load_calibration(test::data_path("calibrate/profiles/h800-sxm.yaml"), s_.gpu);
  }
  io::Catalog catalog_;
  ServeScenario s_;
  std::unique_ptr<Calibration> calib_;
};

TEST_F(Deployment, KvBytesPerTokenMatchesIsca25) {
  s_.mtp_enabled = false;
  // ISCA'25 Table 1: DeepSeek-V3 (MLA) 70.272 KB per token in BF16 = (512 + 64) x 61 x 2 B.
  EXPECT_DOUBLE_EQ(pool_memory(s_, s_.decode, true).kv_bytes_per_token, 70272.0);
  s_.kv_cache_dtype = DType::kFp8;
  EXPECT_DOUBLE_EQ(pool_memory(s_, s_.decode, true).kv_bytes_per_token, 35136.0);
  // With MTP drafting, the MTP module's attention layer keeps its own cache: 62 layers.
  s_.mtp_enabled = true;
  s_.kv_cache_dtype = DType::kBf16;
  EXPECT_DOUBLE_EQ(pool_memory(s_, s_.decode, true).kv_bytes_per_token, 70272.0 * 62 / 61);
}

TEST_F(Deployment, MemoryAddsUpAndExpertSlotsDifferByClosedForm) {
  s_.mtp_enabled = false;
  const PoolMemory p = pool_memory(s_, s_.prefill, false);
  const PoolMemory d = pool_memory(s_, s_.decode, true);
  EXPECT_DOUBLE_EQ(p.expert_slots_per_gpu, 9);  // (256 + 32) / 32, Day 6
  EXPECT_DOUBLE_EQ(d.expert_slots_per_gpu, 2);  // (256 + 32) / 144
  EXPECT_NEAR(d.weights_bytes + d.reserve_bytes + d.kv_bytes, s_.gpu.hbm_bytes, 1.0);
  EXPECT_NEAR(d.kv_tokens * d.kv_bytes_per_token, d.kv_bytes, 1e-3);
  // 7 more expert slots x 58 MoE layers x 3 x 7168 x 2048 FP8 weights with 128x128 FP32 block scales.
  const double expert = 3.0 * 7168 * 2048 * (1.0 + 4.0 / (128.0 * 128.0));
  EXPECT_NEAR(p.weights_bytes - d.weights_bytes, 7 * 58 * expert, 1.0);
  std::printf("decode weights %.2f GB, reserve %.2f GB, KV %.2f GB = %.0f tokens per GPU\n", d.weights_bytes / 1e9,
              d.reserve_bytes / 1e9, d.kv_bytes / 1e9, d.kv_tokens);
}

TEST_F(Deployment, DecodeAttentionIsTheMlaRoofline) {
  s_.mtp_enabled = false;
  const int batch = 64;
  const double kv_len = 4989;
  const StepCost c = decode_step(s_, *calib_, batch, kv_len);
  // Per layer and micro-batch (32 sequences): bytes = 32 x L x 576 x 2 B; FLOPs = 2 x 32 x L x 128 heads x
  // (512 + 64 + 512) (FlashMLA MQA form); time = max(FLOPs / attention rate, bytes / HBM rate).
  const double seqs = batch / 2.0;
  const double bytes = seqs * kv_len * 576 * 2;
  const double flops = 2.0 * seqs * kv_len * 128 * 1088;
  const double rate = calib_->attention_rate(AttentionQuery{Pass::kForward, DType::kBf16, 1}).flops_per_s;
  const double one = std::max(flops / rate, bytes / calib_->memory_bytes_per_s());
  // 61 main layers x 2 micro-batches.
  EXPECT_NEAR(c.attention_core_s, 61 * 2 * one, 1e-12);
}

TEST_F(Deployment, StepTimesGrowWithWork) {
  double last = 0;
  for (int b : {1, 8, 32, 128}) {
    const double t = decode_step(s_, *calib_, b, 4989).time_s;
    EXPECT_GT(t, last) << "batch " << b;
    last = t;
  }
  EXPECT_LT(decode_step(s_, *calib_, 64, 1000).time_s, decode_step(s_, *calib_, 64, 8000).time_s);
  EXPECT_LT(prefill_step(s_, *calib_, 1000).time_s, prefill_step(s_, *calib_, 8000).time_s);
  // Two micro-batches hide communication: never slower than running them back to back.
  const StepCost two = prefill_step(s_, *calib_, 3000);
  EXPECT_LT(two.time_s, two.compute_s + two.comm_s);
  EXPECT_GE(two.time_s, std::max(two.compute_s, two.comm_s));
  // MTP: 1 + acceptance tokens per step (DeepSeek-V3 §5.4.3).
  EXPECT_DOUBLE_EQ(tokens_per_decode_step(s_), 1.85);
}

// A profile with given kernel gaps, otherwise the wrapped one's rates.
class GapCalibration : public Calibration {
 public:
  GapCalibration(const Calibration& base, double gap_s, double graph_gap_s)
      : base_(base), gap_s_(gap_s), graph_gap_s_(graph_gap_s) {}
  const ProfileInfo& info() const override { return base_.info(); }
  double gemm_flops_per_s(const GemmShape& g, DType d, Pass p) const override { return base_.gemm_flops_per_s(g, d, p); }
  AttentionRate attention_rate(const AttentionQuery& q) const override { return base_.attention_rate(q); }
  double kernel_gap_s(bool graphs) const override { return graphs ? graph_gap_s_ : gap_s_; }
  double memory_bytes_per_s() const override { return base_.memory_bytes_per_s(); }
  double comm_efficiency(FabricKind f, double b) const override { return base_.comm_efficiency(f, b); }

 private:
  const Calibration& base_;
  double gap_s_, graph_gap_s_;
};

// Every memory-bound kernel with forward work adds the profile's gap: the CUDA-graph one in decode, the
// launched one in prefill. DeepSeek-V3's 58 MoE layers have 17 such kernels each (norms, FP8 casts, rope,
// router top-k, permute/unpermute, activations), its 3 dense layers fewer; a decode step adds the MTP layer
// and the embedding and head kernels; each for 2 micro-batches.
TEST_F(Deployment, KernelGapsChargeEachMemoryBoundKernel) {
  const GapCalibration none(*calib_, 0.0, 0.0), graph(*calib_, 0.0, 1e-6), launched(*calib_, 1e-6, 0.0);
  const StepCost d0 = decode_step(s_, none, 64, 4989), d1 = decode_step(s_, graph, 64, 4989);
  const StepCost d_launch = decode_step(s_, launched, 64, 4989);
  const double kernels = (d1.compute_s - d0.compute_s) / 1e-6;
  std::printf("decode: %.0f memory-bound kernels per step charged a gap\n", kernels);
  EXPECT_NEAR(d_launch.compute_s, d0.compute_s, 1e-12);   // decode replays a graph
  EXPECT_GE(kernels, 2 * 58 * 17 - 0.5);                   // at least the MoE layers' kernels
  EXPECT_LE(kernels, 2 * 63 * 19 + 0.5);                   // at most layers + MTP + embedding/head
  const StepCost p0 = prefill_step(s_, none, 3000), p1 = prefill_step(s_, launched, 3000);
  const StepCost p_graph = prefill_step(s_, graph, 3000);
  EXPECT_NEAR(p_graph.compute_s, p0.compute_s, 1e-12);     // prefill launches kernels one by one
  EXPECT_GE((p1.compute_s - p0.compute_s) / 1e-6, 2 * 58 * 17 - 0.5);
  EXPECT_LT((p1.compute_s - p0.compute_s) / 1e-6, kernels);  // no MTP layer in prefill
}

}  // namespace
}  // namespace moeplan
