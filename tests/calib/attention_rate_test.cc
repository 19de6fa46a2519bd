// Attention rates by kernel generation, head dimension and mask; kernel gaps; profile provenance.
#include <gtest/gtest.h>

#include <string>

#include "profile_error.h"
#include "sim/calib/profile_calibration.h"
#include "sim/calib/profile_yaml.h"

namespace moeplan {
namespace {

// A GPU whose profile has unfused, FlashAttention-2 and cuDNN points (no megatron-fused, fa1, fa3, flashmla).
const char* kKernels = R"(moeplan_profile: 1
header:
  gpu: test-gpu
  device: Test GPU
  date: "2025-01-01"
  method: published
  provenance: measured
  sources: ["unit test"]
gemm:
  - {op: gemm, dtype: bf16, m: 64, n: 4096, k: 7168, tflops: 100, source: "t"}
  - {op: gemm, dtype: bf16, m: 4096, n: 4096, k: 7168, tflops: 300, source: "t"}
  - {op: gemm, dtype: bf16, m: 128, n: 7168, k: 2048, tflops: 150, source: "t"}
attention:
  - {pass: forward_backward, kernel: unfused, tokens: 2048, head_dim: 64, causal: true, tflops: 17, source: "t"}
  - {pass: forward_backward, kernel: fa2, tokens: 1024, head_dim: 128, causal: true, tflops: 100, source: "t"}
  - {pass: forward_backward, kernel: fa2, tokens: 4096, head_dim: 128, causal: true, tflops: 200, source: "t"}
  - {pass: forward_backward, kernel: fa2, tokens: 4096, head_dim: 128, causal: false, tflops: 250, source: "t"}
  - {pass: forward_backward, kernel: fa2, tokens: 4096, head_dim: 64, causal: true, tflops: 150, source: "t"}
  - {pass: forward, kernel: fa2, tokens: 4096, head_dim: 128, causal: true, tflops: 230, source: "t"}
  - {pass: forward, kernel: cudnn, tokens: 4096, head_dim: 128, causal: true, tflops: 400, source: "t"}
memory:
  - {kernel: copy, gb_per_s: 1000, source: "t"}
comm:
  - {fabric: nvlink, message_bytes: 65536, efficiency: 0.2, source: "t"}
  - {fabric: nvlink, message_bytes: 268435456, efficiency: 0.99, source: "t"}
overheads: {kernel_gap_us: 2.555, kernel_gap_graph_us: 1.34, source: "t"}
)";

ProfileCalibration calibration(const std::string& text) {
  GpuSpec gpu;
  gpu.name = "test-gpu";
  return ProfileCalibration(parse_profile(text, "p.yaml"), gpu);
}

AttentionRate rate(const ProfileCalibration& c, AttentionKernel k, Pass pass, double seq, double hd, bool causal) {
  return c.attention_rate(AttentionQuery{pass, DType::kBf16, seq, k, hd, causal});
}

TEST(AttentionRate, KernelFallsBackToTheNewestOlderThenTheOldestNewer) {
  const ProfileCalibration c = calibration(kKernels);
  // The requested kernel when the profile has it.
  AttentionRate r = rate(c, AttentionKernel::kCudnn, Pass::kForward, 4096, 128, true);
  EXPECT_EQ(r.kernel_used, AttentionKernel::kCudnn);
  EXPECT_DOUBLE_EQ(r.flops_per_s, 400e12);
  // FA3 is missing: cuDNN is the newest older one.
  r = rate(c, AttentionKernel::kFa3, Pass::kForward, 4096, 128, true);
  EXPECT_EQ(r.kernel_used, AttentionKernel::kCudnn);
  // FlashMLA's backward: cuDNN has no backward point, so FA2's forward_backward rate answers.
  r = rate(c, AttentionKernel::kFlashMla, Pass::kBackwardInput, 4096, 128, true);
  EXPECT_EQ(r.kernel_used, AttentionKernel::kFa2);
  EXPECT_DOUBLE_EQ(r.flops_per_s, 200e12);
  // FA1 is missing: the newest older one is unfused, not the newer FA2.
  r = rate(c, AttentionKernel::kFa1, Pass::kForward, 2048, 64, true);
  EXPECT_EQ(r.kernel_used, AttentionKernel::kUnfused);
  EXPECT_DOUBLE_EQ(r.flops_per_s, 17e12);
  // Megatron-fused on a profile without it: unfused is older and present.
  EXPECT_EQ(rate(c, AttentionKernel::kMegatronFused, Pass::kForward, 2048, 64, true).kernel_used,
            AttentionKernel::kUnfused);
}

TEST(AttentionRate, OldestNewerKernelWhenNothingOlderExists) {
  std::string t = kKernels;
  t.erase(t.find("  - {pass: forward_backward, kernel: unfused"),
          std::string("  - {pass: forward_backward, kernel: unfused, tokens: 2048, head_dim: 64, causal: true, "
                      "tflops: 17, source: \"t\"}\n")
              .size());
  const ProfileCalibration c = calibration(t);
  const AttentionRate r = rate(c, AttentionKernel::kUnfused, Pass::kForward, 4096, 128, true);
  EXPECT_EQ(r.kernel_used, AttentionKernel::kFa2);  // fa2 is older than cudnn
  EXPECT_DOUBLE_EQ(r.flops_per_s, 230e12);
}

TEST(AttentionRate, ForwardBackwardPointsServeBothPassesAndExactPassWins) {
  const ProfileCalibration c = calibration(kKernels);
  // FA2 has a forward point at hd 128 causal: the forward pass uses it, the backward the forward_backward one.
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kFa2, Pass::kForward, 4096, 128, true).flops_per_s, 230e12);
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kFa2, Pass::kBackwardInput, 4096, 128, true).flops_per_s, 200e12);
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kFa2, Pass::kBackwardWeight, 4096, 128, true).flops_per_s, 200e12);
  // Unfused has only a forward_backward point: both passes get it.
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kUnfused, Pass::kForward, 2048, 64, true).flops_per_s, 17e12);
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kUnfused, Pass::kBackwardInput, 2048, 64, true).flops_per_s, 17e12);
}

TEST(AttentionRate, NearestHeadDimThenSameMaskThenLogInterpolation) {
  const ProfileCalibration c = calibration(kKernels);
  const Pass bwd = Pass::kBackwardInput;
  // hd 80 is nearer 64 than 128 in log distance (80/64 = 1.25 < 128/80 = 1.6).
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kFa2, bwd, 4096, 80, true).flops_per_s, 150e12);
  // hd 192 (MLA's QK head) takes the 128 points.
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kFa2, bwd, 4096, 192, true).flops_per_s, 200e12);
  // Non-causal uses its own point; causal interpolates between 1024 and 4096 in log(seq_len).
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kFa2, bwd, 4096, 128, false).flops_per_s, 250e12);
  EXPECT_NEAR(rate(c, AttentionKernel::kFa2, bwd, 2048, 128, true).flops_per_s, 150e12, 1);
  // Clamped at the ends; seq_len 0 takes the longest point.
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kFa2, bwd, 256, 128, true).flops_per_s, 100e12);
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kFa2, bwd, 0, 128, true).flops_per_s, 200e12);
  // hd 64 has only a causal point: a non-causal query at hd 64 still uses it (mask is a preference).
  EXPECT_DOUBLE_EQ(rate(c, AttentionKernel::kFa2, bwd, 4096, 64, false).flops_per_s, 150e12);
}

TEST(AttentionRate, OpTimeAsksForTheOpsKernelHeadDimAndMask) {
  const ProfileCalibration c = calibration(kKernels);
  Op op;
  op.cls = OpClass::kAttention;
  op.gemm.m = 4096;
  op.flops = 1e12;
  op.attention_kernel = AttentionKernel::kCudnn;
  op.head_dim = 128;
  op.causal = true;
  EXPECT_DOUBLE_EQ(c.op_time_s(op, Pass::kForward), 1e12 / 400e12);
  op.attention_kernel = AttentionKernel::kUnfused;
  op.head_dim = 64;
  op.gemm.m = 2048;
  EXPECT_DOUBLE_EQ(c.op_time_s(op, Pass::kBackwardInput), 2.5e12 / 17e12);
}

TEST(Overheads, KernelGapWithAndWithoutGraphs) {
  const ProfileCalibration c = calibration(kKernels);
  EXPECT_DOUBLE_EQ(c.kernel_gap_s(false), 2.555e-6);
  EXPECT_DOUBLE_EQ(c.kernel_gap_s(true), 1.34e-6);
  std::string t = kKernels;
  t.erase(t.find("overheads:"));
  EXPECT_EQ(calibration(t).kernel_gap_s(false), 0.0);
  EXPECT_EQ(calibration(t).kernel_gap_s(true), 0.0);
  // Round trip keeps the section.
  const Profile p = parse_profile(kKernels, "p.yaml");
  const Profile q = parse_profile(profile_to_yaml(p), "q.yaml");
  EXPECT_TRUE(q.overheads.present);
  EXPECT_DOUBLE_EQ(q.overheads.kernel_gap_graph_s, 1.34e-6);
  ASSERT_EQ(q.attention_points.size(), p.attention_points.size());
  EXPECT_TRUE(q.attention_points[0].forward_backward);
  EXPECT_EQ(q.attention_points[6].kernel, AttentionKernel::kCudnn);
  EXPECT_EQ(q.attention_points[3].causal, false);
  EXPECT_DOUBLE_EQ(q.attention_points[4].head_dim, 64);
}

TEST(Overheads, BadKeyIsALocatedError) {
  std::string t = kKernels;
  t.replace(t.find("kernel_gap_graph_us"), 19, "kernel_gap_graphs_us");
  const std::string err = profile_error_of(t);
  EXPECT_NE(err.find("p.yaml:26"), std::string::npos) << err;
  EXPECT_NE(err.find("overheads.kernel_gap_graphs_us"), std::string::npos) << err;
  EXPECT_NE(err.find("did you mean `kernel_gap_graph_us`"), std::string::npos) << err;
  t = kKernels;
  t.replace(t.find(", kernel_gap_graph_us: 1.34"), 27, "");
  EXPECT_NE(profile_error_of(t).find("overheads.kernel_gap_graph_us"), std::string::npos);
}

TEST(AttentionRate, UnknownKernelIsALocatedErrorListingTheNames) {
  std::string t = kKernels;
  t.replace(t.find("kernel: cudnn"), 13, "kernel: fa-3");
  const std::string err = profile_error_of(t);
  EXPECT_NE(err.find("p.yaml:20"), std::string::npos) << err;
  EXPECT_NE(err.find("attention[6].kernel"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown attention kernel `fa-3`"), std::string::npos) << err;
  EXPECT_NE(err.find("unfused, megatron-fused, fa1, fa2, cudnn, fa3, flashmla"), std::string::npos) << err;
  EXPECT_NE(err.find("did you mean `fa3`"), std::string::npos) << err;
  t = kKernels;
  t.replace(t.find("pass: forward_backward"), 22, "pass: fwd_bwd");
  EXPECT_NE(profile_error_of(t).find("forward_backward"), std::string::npos);
}

TEST(Provenance, DerivedNeedsItsBaseAndIsReadable) {
  std::string t = kKernels;
  t.replace(t.find("provenance: measured"), 20, "provenance: derived");
  std::string err = profile_error_of(t);
  EXPECT_NE(err.find("header.derived_from"), std::string::npos) << err;
  EXPECT_NE(err.find("p.yaml:"), std::string::npos) << err;
  t.replace(t.find("provenance: derived"), 19, "provenance: derived\n  derived_from: h800-sxm");
  EXPECT_EQ(calibration(t).info().provenance, "derived from h800-sxm by peak ratios");
  EXPECT_EQ(calibration(kKernels).info().provenance, "measured on this GPU (published benchmarks)");
  t = kKernels;
  t.replace(t.find("provenance: measured"), 20, "provenance: guessed");
  err = profile_error_of(t);
  EXPECT_NE(err.find("header.provenance"), std::string::npos) << err;
  EXPECT_NE(err.find("measured or derived"), std::string::npos) << err;
}

// Spot checks of the shipped A100 profile against FlashAttention-2 paper Fig. 4 (A100 80GB SXM4, forward +
// backward TFLOPS; kernel-rates.md §2.2), and of the H100 SXM profile against FlashAttention-3 paper Fig. 5.
TEST(ShippedAttention, A100MatchesFlashAttention2Figure4) {
  GpuSpec gpu;
  gpu.name = "a100-80g";
  const auto c = load_calibration("calibrate/profiles/a100-80g.yaml", gpu);
  for (Pass pass : {Pass::kForward, Pass::kBackwardInput}) {
    SCOPED_TRACE(to_string(pass));
    AttentionRate r = c->attention_rate(AttentionQuery{pass, DType::kBf16, 16384, AttentionKernel::kFa2, 128, true});
    EXPECT_EQ(r.kernel_used, AttentionKernel::kFa2);
    EXPECT_NEAR(r.flops_per_s, 189e12, 1e6);
    r = c->attention_rate(AttentionQuery{pass, DType::kBf16, 2048, AttentionKernel::kUnfused, 64, true});
    EXPECT_EQ(r.kernel_used, AttentionKernel::kUnfused);
    EXPECT_NEAR(r.flops_per_s, 17e12, 1e6);
  }
  // FA3 and FlashMLA did not run on an A100 profile's data: FA2 answers.
  EXPECT_EQ(c->attention_rate(AttentionQuery{Pass::kForward, DType::kBf16, 4096, AttentionKernel::kFa3, 128, true})
                .kernel_used,
            AttentionKernel::kFa2);
  EXPECT_EQ(c->info().provenance, "measured on this GPU (published benchmarks)");
  EXPECT_DOUBLE_EQ(c->kernel_gap_s(false), 2.555e-6);  // RRZE small-kernel fit (kernel-rates.md §2.5)
  EXPECT_DOUBLE_EQ(c->kernel_gap_s(true), 1.34e-6);
}

TEST(ShippedAttention, H100Fa3ForwardAndItsBackwardFallback) {
  GpuSpec gpu;
  gpu.name = "h100-sxm";
  const auto c = load_calibration("calibrate/profiles/h100-sxm.yaml", gpu);
  AttentionRate r =
      c->attention_rate(AttentionQuery{Pass::kForward, DType::kBf16, 16384, AttentionKernel::kFa3, 128, true});
  EXPECT_EQ(r.kernel_used, AttentionKernel::kFa3);
  EXPECT_NEAR(r.flops_per_s, 616e12, 1e6);  // FA3 paper Fig. 5, hd 128 causal 16k
  // No FA3 or cuDNN backward figure is used: FA2's forward+backward rate (chart, hd 128 causal 16k: 328).
  r = c->attention_rate(AttentionQuery{Pass::kBackwardInput, DType::kBf16, 16384, AttentionKernel::kFa3, 128, true});
  EXPECT_EQ(r.kernel_used, AttentionKernel::kFa2);
  EXPECT_NEAR(r.flops_per_s, 328e12, 1e6);
}

}  // namespace
}  // namespace moeplan
