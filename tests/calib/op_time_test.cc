// Calibration::op_time_s over the H800 profile: GEMM passes and shapes, SM fraction, attention roofline,
// memory-bound and communication ops.
#include <gtest/gtest.h>

#include "sim/calib/profile_calibration.h"
#include "sim/calib/profile_yaml.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

class OpTime : public ::testing::Test {
 protected:
  OpTime() {
    gpu_.name = "h800-sxm";
    gpu_.peak_fp8_flops = 1979e12;  // hardware.md §1a
    gpu_.peak_bf16_flops = 989e12;
    gpu_.peak_fp32_flops = 67e12;
    cal_ = load_calibration("calibrate/profiles/h800-sxm.yaml", gpu_);
  }
  static Op gemm(double m, double n, double k, int groups = 1) {
    Op op;
    op.cls = groups > 1 ? OpClass::kGroupedGemm : OpClass::kGemm;
    op.gemm = {m, n, k, groups};
    op.dtype = DType::kFp8;
    op.flops = 2 * m * n * k * groups;
    op.has_weight_grad = true;
    return op;
  }
  GpuSpec gpu_;
  std::unique_ptr<Calibration> cal_;
};

TEST_F(OpTime, GemmPassesUseTheirOwnShapes) {
  const Op op = gemm(4096, 7168, 2048);
  const double f = cal_->op_time_s(op, Pass::kForward);
  EXPECT_DOUBLE_EQ(f, op.flops / cal_->gemm_flops_per_s({4096, 7168, 2048, 1}, DType::kFp8));
  EXPECT_DOUBLE_EQ(cal_->op_time_s(op, Pass::kBackwardInput),
                   op.flops / cal_->gemm_flops_per_s({4096, 2048, 7168, 1}, DType::kFp8));
  EXPECT_DOUBLE_EQ(cal_->op_time_s(op, Pass::kBackwardWeight),
                   op.flops / cal_->gemm_flops_per_s({2048, 7168, 4096, 1}, DType::kFp8, Pass::kBackwardWeight));
  // The H800 profile has FP8 weight-gradient points (DeepGEMM PR #95): at the wgrad shape of the MoE down
  // projection the table reads 920 TFLOPS, against about 1260 for a forward GEMM of that shape.
  const double wgrad = cal_->gemm_flops_per_s({2048, 7168, 4096, 1}, DType::kFp8, Pass::kBackwardWeight);
  EXPECT_NEAR(wgrad / 1e12, 920, 920 * 0.15);
  EXPECT_LT(wgrad, 0.8 * cal_->gemm_flops_per_s({2048, 7168, 4096, 1}, DType::kFp8));
  // No BF16 weight-gradient points: BF16 wgrad falls back to the forward curve at the wgrad shape.
  Op bf = op;
  bf.dtype = DType::kBf16;
  EXPECT_DOUBLE_EQ(cal_->op_time_s(bf, Pass::kBackwardWeight),
                   bf.flops / cal_->gemm_flops_per_s({2048, 7168, 4096, 1}, DType::kBf16));
  // Dgrad has no curve of its own either: the forward kernels at the dgrad shape.
  EXPECT_DOUBLE_EQ(cal_->gemm_flops_per_s({4096, 2048, 7168, 1}, DType::kFp8, Pass::kBackwardInput),
                   cal_->gemm_flops_per_s({4096, 2048, 7168, 1}, DType::kFp8));
  Op no_w = op;
  no_w.has_weight_grad = false;
  EXPECT_EQ(cal_->op_time_s(no_w, Pass::kBackwardWeight), 0.0);
  // An expert's wgrad with 64 tokens reduces over K = 64: far slower per FLOP than its forward at 4096.
  const Op e = gemm(64, 4096, 7168, 8);
  const double per_flop_w = cal_->op_time_s(e, Pass::kBackwardWeight) / e.flops;
  const Op big = gemm(4096, 4096, 7168, 8);
  EXPECT_GT(per_flop_w, 2 * cal_->op_time_s(big, Pass::kForward) / big.flops);
}

TEST_F(OpTime, ComputeSlowsWithFewerSms) {
  // DeepSeek-V3 §3.5.1: 20 of the 132 SMs go to communication.
  const double frac = 112.0 / 132.0;
  const Op op = gemm(4096, 7168, 2048);
  EXPECT_NEAR(cal_->op_time_s(op, Pass::kForward, frac), cal_->op_time_s(op, Pass::kForward) / frac, 1e-15);
  Op mem;
  mem.cls = OpClass::kMemoryBound;
  mem.bytes = 1e9;
  EXPECT_DOUBLE_EQ(cal_->op_time_s(mem, Pass::kForward, frac), cal_->op_time_s(mem, Pass::kForward));
  EXPECT_THROW(cal_->op_time_s(op, Pass::kForward, 0.0), Error);
}

TEST_F(OpTime, MemoryBoundAndAttentionRoofline) {
  Op mem;
  mem.cls = OpClass::kMemoryBound;
  mem.bytes = 3e9;
  // FlashMLA's 3000 GB/s memory-bound figure is the H800 profile's HBM rate: 3 GB take 1 ms.
  EXPECT_NEAR(cal_->op_time_s(mem, Pass::kForward), 1e-3, 1e-9);
  EXPECT_NEAR(cal_->op_time_s(mem, Pass::kBackwardInput), 1.5e-3, 1e-9);
  EXPECT_EQ(cal_->op_time_s(mem, Pass::kBackwardWeight), 0.0);
  // An op that states its own backward traffic (FP8 casts) is timed by it, not by the generic 1.5x.
  mem.bytes_backward = 6e9;
  EXPECT_NEAR(cal_->op_time_s(mem, Pass::kBackwardInput), 2e-3, 1e-9);
  mem.bytes = 0;
  EXPECT_EQ(cal_->op_time_s(mem, Pass::kForward), 0.0);

  // MLA decode, 128 sequences x 4096 context, 32 heads per rank (TP4 attention, DeepSeek-V3 §3.4): reads
  // 128 x 4096 x 576 x 2 B of KV for 2 x 128 x 32 x 4096 x 1088 FLOPs (60 FLOP/B, below H800's
  // 660 TFLOPS / 3000 GB/s = 220): memory-bound at 3000 GB/s (published-numbers.md §4.3).
  Op dec;
  dec.cls = OpClass::kAttention;
  dec.gemm.m = 128;
  dec.flops = 2.0 * 128 * 32 * 4096 * 1088;
  dec.bytes = 128.0 * 4096 * 576 * 2;
  EXPECT_NEAR(cal_->op_time_s(dec, Pass::kForward), dec.bytes / 3000e9, 1e-12);
  // Prefill attention with little traffic per FLOP is compute-bound at the 640 TFLOPS forward rate.
  Op pre = dec;
  pre.gemm.m = 4096;
  pre.bytes = 1e6;
  EXPECT_NEAR(cal_->op_time_s(pre, Pass::kForward), pre.flops / 640e12, 1e-12);
  // Backward runs the kernel's FLOPs at the backward rate. Published attention rates count the backward as
  // the recomputed QK^T plus dV, dP, dQ, dK (FlashAttention's benchmark: 2.5x the forward at equal head
  // dims), so an op without its own count is charged 2.5x its forward FLOPs...
  const double bwd_rate = 640e12 * 1000 / 1460;
  EXPECT_NEAR(cal_->op_time_s(pre, Pass::kBackwardInput) / (2.5 * pre.flops / bwd_rate), 1.0, 1e-3);
  // ...and MLA's d_qk 192 / d_v 128 makes it (3 x 192 + 2 x 128) / (192 + 128) = 2.6x.
  pre.backward_flops = 2.6 * pre.flops;
  EXPECT_NEAR(cal_->op_time_s(pre, Pass::kBackwardInput) / (2.6 * pre.flops / bwd_rate), 1.0, 1e-3);
}

TEST_F(OpTime, CommunicationOpsAreNotTimedHere) {
  for (OpClass c : {OpClass::kDispatch, OpClass::kCombine, OpClass::kTpCollective}) {
    Op op;
    op.cls = c;
    op.comm_bytes = 1e9;
    EXPECT_EQ(cal_->op_time_s(op, Pass::kForward), 0.0);
  }
  // Collective efficiency: latency-bound small messages, ~1 for large ones (alpha-beta, IB 3.7 us x 47 GB/s).
  EXPECT_LT(cal_->comm_efficiency(FabricKind::kInfiniband, 64 * 1024), 0.5);
  EXPECT_GT(cal_->comm_efficiency(FabricKind::kInfiniband, 256e6), 0.99);
  EXPECT_NEAR(cal_->comm_efficiency(FabricKind::kInfiniband, 3.7e-6 * 47e9), 0.5, 1e-3);
}

TEST_F(OpTime, DtypeFallbacks) {
  // FP16 uses the BF16 curve; FP32 the BF16 curve at the FP32/BF16 peak ratio (67/989).
  const GemmShape s{4096, 7168, 7168, 1};
  EXPECT_DOUBLE_EQ(cal_->gemm_flops_per_s(s, DType::kFp16), cal_->gemm_flops_per_s(s, DType::kBf16));
  EXPECT_LT(cal_->gemm_flops_per_s(s, DType::kFp32), 0.1 * cal_->gemm_flops_per_s(s, DType::kBf16));
  EXPECT_EQ(cal_->info().method, "published");
  EXPECT_EQ(cal_->info().gpu, "h800-sxm");
}

}  // namespace
}  // namespace moeplan
