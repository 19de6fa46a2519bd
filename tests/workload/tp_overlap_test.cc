// tp_exposed_comm_s: what a TP all-reduce leaves exposed when its reduce-scatter half is pipelined with the
// GEMM before it and its all-gather half with the GEMM after it; and what Transformer Engine's overlap does to
// those GEMMs (tp_overlap_gemms.h): ring-exchange pieces, pipelined pieces, SMs held by the collective.
#include <gtest/gtest.h>

#include <cstdio>

#include "sim/calib/profile_calibration.h"
#include "sim/workload/stage_costs.h"
#include "sim/workload/tp_overlap_gemms.h"

namespace moeplan {
namespace {

TEST(TpOverlap, EachHalfHidesUnderItsOwnGemm) {
  // 4 ms of all-reduce: 2 ms of reduce-scatter and 2 ms of all-gather.
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 0, 0), 4e-3);         // no neighbours: all of it
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 5e-3, 5e-3), 0.0);    // both halves shorter than their GEMMs
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 1e-3, 5e-3), 1e-3);   // the reduce-scatter outlasts its GEMM by 1 ms
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 5e-3, 0.5e-3), 1.5e-3);
  // A long GEMM on one side does not hide the other side's half.
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 100e-3, 0), 2e-3);
}

Op linear(const char* name, double m, double n, double k) {
  Op op;
  op.name = name;
  op.cls = OpClass::kGemm;
  op.gemm = GemmShape{m, n, k, 1};
  op.flops = 2 * m * n * k;
  op.has_weight_grad = true;
  return op;
}

TEST(TpOverlapGemms, PiecesAndHeldSmsFollowTransformerEngineDefaults) {
  GpuSpec gpu;
  gpu.name = "h100-sxm";
  const auto calib = load_calibration("calibrate/profiles/h100-sxm-te.yaml", gpu);
  const SoftwareSpec te;  // num_sm 16, num_splits 4 (TE initialize_ub defaults)
  const double margin = (132.0 - 16) / 132;
  // GPT-177B at TP8: 4096 tokens per micro-batch; qkv is column-parallel, o_proj row-parallel.
  const Op qkv = linear("qkv_proj", 4096, 4608, 12288);
  const Op proj = linear("o_proj", 4096, 12288, 1536);
  const OpTiming qkv_plain = time_op(qkv, *calib, RecomputePolicy::kNone, PrecisionRecipe{});
  OpTiming q = qkv_plain;
  apply_tp_overlap(q, qkv, *calib, 8, 132, te);
  Op qkv_piece = qkv;
  qkv_piece.gemm.m = 512;
  qkv_piece.flops /= 8;
  EXPECT_NEAR(q.f_s, 8 * calib->op_time_s(qkv_piece, Pass::kForward), 1e-15);  // ring exchange: 8 pieces
  EXPECT_GT(q.f_s, qkv_plain.f_s);                                               // smaller GEMMs cost more
  EXPECT_NEAR(q.b_s, qkv_plain.b_s / margin, 1e-12 * q.b_s);                      // bulk: 116 of 132 SMs
  EXPECT_NEAR(q.w_s, qkv_plain.w_s / margin, 1e-12 * q.w_s);
  std::printf("qkv 4096x4608x12288 at TP8: forward %.1f -> %.1f us (ring exchange)\n", qkv_plain.f_s * 1e6,
              q.f_s * 1e6);

  const OpTiming proj_plain = time_op(proj, *calib, RecomputePolicy::kNone, PrecisionRecipe{});
  OpTiming r = proj_plain;
  apply_tp_overlap(r, proj, *calib, 8, 132, te);
  Op proj_quarter = proj;
  proj_quarter.gemm.m = 1024;
  proj_quarter.flops /= 4;
  Op proj_eighth = proj;
  proj_eighth.gemm.m = 512;
  proj_eighth.flops /= 8;
  EXPECT_NEAR(r.f_s, 4 * calib->op_time_s(proj_quarter, Pass::kForward, margin), 1e-15);  // pipeline RS
  EXPECT_NEAR(r.b_s, 8 * calib->op_time_s(proj_eighth, Pass::kBackwardInput), 1e-15);      // ring exchange
  EXPECT_DOUBLE_EQ(r.w_s, proj_plain.w_s);

  // A recomputed forward is re-timed too; other ops and TP 1 are untouched.
  OpTiming rec = time_op(qkv, *calib, RecomputePolicy::kFull, PrecisionRecipe{});
  ASSERT_TRUE(rec.b_recomputes_f);
  apply_tp_overlap(rec, qkv, *calib, 8, 132, te);
  EXPECT_NEAR(rec.b_s, q.b_s + q.f_s, 1e-15);
  OpTiming other = time_op(linear("q_b_proj", 4096, 3072, 1536), *calib, RecomputePolicy::kNone, PrecisionRecipe{});
  const OpTiming other_before = other;
  apply_tp_overlap(other, linear("q_b_proj", 4096, 3072, 1536), *calib, 8, 132, te);
  EXPECT_DOUBLE_EQ(other.f_s, other_before.f_s);
  OpTiming tp1 = qkv_plain;
  apply_tp_overlap(tp1, qkv, *calib, 1, 132, te);
  EXPECT_DOUBLE_EQ(tp1.f_s, qkv_plain.f_s);
}

}  // namespace
}  // namespace moeplan
