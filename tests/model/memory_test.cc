// Memory per GPU: the DeepSeek-V3 layout fits an 80 GB H800 and not a 24 GB RTX 4090; ZeRO shards expert
// state over the expert-data-parallel group; activations follow the schedule tables.
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "sim/model/activations.h"
#include "sim/model/layer_ops.h"
#include "sim/model/memory.h"
#include "sim/model/params.h"
#include "sim/spec/precision_recipe.h"
#include "sim/units/error.h"
#include "sim/units/units.h"
#include "tests/model/test_models.h"

namespace moeplan {
namespace {

void print(const MemoryBreakdown& b) {
  const double g = units::kGiga;
  std::printf("stage %2d: weights %5.1f  master %5.1f  grads %5.1f  optim %5.1f  act %5.1f  comm %4.1f  "
              "reserve %4.1f  = %5.1f GB of %5.1f  %s\n",
              b.stage, b.weights / g, b.master_weights / g, b.gradients / g, b.optimizer / g, b.activations / g,
              b.comm_buffers / g, b.reserve / g, b.total() / g, b.capacity / g, b.fits() ? "fits" : "DOES NOT FIT");
}

const PrecisionRecipe kFp8 = precision_preset("fp8-deepseek");

TEST(Memory, DeepSeekV3PublishedLayoutFitsH800) {
  // published-numbers.md §1.3: 2048 H800, PP16 DualPipe, EP64, ZeRO-1, no TP, 4K sequences, FP8 recipe
  // (§3.3), selective recompute (§3.2.3). Capacity: the H800's "80 GB" HBM3 is physically 80 GiB of which
  // about 79.6 GiB is usable (note in scenarios/catalog/gpus.yaml, which lists the conservative 80e9).
  const double usable = 79.6 * units::kGiB;
  const auto stages = memory_per_stage(test::deepseek_v3(), test::cluster_with_hbm("h800-sxm", usable),
                                       test::deepseek_v3_plan(), kFp8, 4096);
  ASSERT_EQ(stages.size(), 16u);
  for (const auto& b : stages) {
    print(b);
    EXPECT_TRUE(b.fits()) << "stage " << b.stage;
  }
  // Under the conservative decimal 80e9 the middle ranks still fit; the two ranks that hold the embedding,
  // the head and the MTP module (DualPipe's first and last) are the tightest.
  const auto decimal = memory_per_stage(test::deepseek_v3(), test::cluster_with_hbm("h800-sxm", 80e9),
                                        test::deepseek_v3_plan(), kFp8, 4096);
  for (int r = 1; r < 15; ++r) EXPECT_TRUE(decimal[r].fits()) << "stage " << r;
  std::printf("with 80e9 bytes: ");
  print(decimal[0]);
  EXPECT_GT(decimal[0].total(), decimal[7].total());
}

TEST(Memory, DeepSeekV3LayoutDoesNotFitRtx4090) {
  const auto stages = memory_per_stage(test::deepseek_v3(), test::cluster_with_hbm("rtx-4090", 24e9),
                                       test::deepseek_v3_plan(), kFp8, 4096);
  for (const auto& b : stages) {
    EXPECT_FALSE(b.fits());
    // The largest part is named, and it is indeed the largest.
    const std::string d = b.dominant();
    double dominant_bytes = d == "activations" ? b.activations : d == "gradients" ? b.gradients
                            : d == "weights"   ? b.weights     : d == "optimizer" ? b.optimizer : -1;
    EXPECT_GE(dominant_bytes, b.activations);
    EXPECT_GE(dominant_bytes, b.gradients);
    EXPECT_GE(dominant_bytes, b.weights);
  }
  print(stages[3]);
  std::printf("rtx-4090 stage 3 dominant: %s\n", stages[3].dominant().c_str());
}

// Expert parameters shard over tp*dp/ep ranks, dense ones over dp. Each rank holds E/ep of every expert
// layer, so its expert optimizer state is expert_params / ep / (tp*dp/ep) = expert_params / (tp*dp):
// independent of ep. Sharding experts over the full dp group instead would make it depend on ep.
TEST(Memory, ZeroShardsExpertsOverExpertDataParallel) {
  const ModelSpec m = test::deepseek_v3();
  ParallelPlan p = test::deepseek_v3_plan();
  p.schedule = PipelineSchedule::k1F1B;  // one model copy, to keep the closed form plain
  const auto cluster = test::cluster_with_hbm("h800-sxm", 80e9);
  const auto ranks = partition_layers(m, p);
  const int r = 5;  // a middle rank: only MoE layers
  double expert_total = 0, dense = 0;
  for (int l : ranks[r].layers) {
    const LayerParams lp = layer_params(m, l);
    expert_total += lp.routed_experts;
    dense += lp.total() - lp.routed_experts;
  }
  for (int ep : {8, 16, 32, 64, 128}) {
    p.ep = ep;
    const MemoryBreakdown b = memory_per_stage(m, cluster, p, kFp8, 4096)[r];
    // BF16 moments (2 x 2 bytes), FP32 master (4 bytes), FP32 unsharded gradients under ZeRO-1.
    const double expected_opt = 2.0 * 2.0 * (dense / p.dp + expert_total / (p.tp * p.dp));
    EXPECT_NEAR(b.optimizer, expected_opt, 1e-6 * expected_opt) << "ep " << ep;
    EXPECT_NEAR(b.master_weights, expected_opt, 1e-6 * expected_opt) << "ep " << ep;
    EXPECT_NEAR(b.gradients, 4.0 * (dense + expert_total / ep), 1e-6 * b.gradients) << "ep " << ep;
    std::printf("ep %3d: expert-dp %3d  weights %.2f GB  optimizer %.3f GB\n", ep, p.expert_dp(),
                b.weights / 1e9, b.optimizer / 1e9);
  }
  // ZeRO-2 also shards gradients, over the same groups.
  p.ep = 64;
  p.zero_stage = 2;
  const MemoryBreakdown z2 = memory_per_stage(m, cluster, p, kFp8, 4096)[r];
  EXPECT_NEAR(z2.gradients, 4.0 * (dense / 128 + expert_total / 64 / 2), 1e-6 * z2.gradients);
  // ZeRO-3 also shards the working weights.
  p.zero_stage = 3;
  const MemoryBreakdown z3 = memory_per_stage(m, cluster, p, kFp8, 4096)[r];
  EXPECT_NEAR(z3.weights, 2.0 * (dense / 128 + expert_total / 64 / 2), 1e-6 * z3.weights);
}

TEST(Memory, OneF1BStageZeroHoldsPpMicroBatches) {
  const ModelSpec m = test::llama31_405b();
  ParallelPlan p;
  p.tp = 8;
  p.pp = 8;
  p.dp = 4;
  p.schedule = PipelineSchedule::k1F1B;
  const auto cluster = test::cluster_with_hbm("h100-sxm", 80e9);
  const PrecisionRecipe bf16 = precision_preset("bf16");
  const auto stages = memory_per_stage(m, cluster, p, bf16, 4096);
  const auto ranks = partition_layers(m, p);
  for (int r : {0, 3, 7}) {
    const double per_mb = micro_batch_activation_bytes(m, p, bf16, ranks[r].layers, ranks[r].head, false, 4096);
    EXPECT_NEAR(stages[r].activations, (8 - r) * per_mb, 1e-9 * per_mb) << "stage " << r;
  }
  // GPipe keeps every micro-batch of the step.
  p.schedule = PipelineSchedule::kGpipe;
  MemoryOptions opt;
  opt.micro_batches_per_step = 32;
  const auto gpipe = memory_per_stage(m, cluster, p, bf16, 4096, opt);
  const double per_mb0 = micro_batch_activation_bytes(m, p, bf16, ranks[0].layers, false, false, 4096);
  EXPECT_NEAR(gpipe[0].activations, 32 * per_mb0, 1e-9 * per_mb0);
}

TEST(Memory, DualPipeHoldsPpPlusOneAndTwoParameterCopies) {
  const ModelSpec m = test::deepseek_v3();
  ParallelPlan dual = test::deepseek_v3_plan();
  ParallelPlan one = dual;
  one.schedule = PipelineSchedule::k1F1B;
  const auto cluster = test::cluster_with_hbm("h800-sxm", 80e9);
  const auto d = memory_per_stage(m, cluster, dual, kFp8, 4096);
  const auto o = memory_per_stage(m, cluster, one, kFp8, 4096);
  double dw = 0, ow = 0;
  for (const auto& b : d) dw += b.weights;
  for (const auto& b : o) ow += b.weights;
  EXPECT_NEAR(dw, 2.0 * ow, 1e-9 * dw);  // DualPipe README: "2x" parameters
  // Every rank: in-flight micro-batches over its two chunks sum to PP + 1 (DualPipe README).
  const auto ranks = partition_layers(m, dual);
  for (const auto& r : ranks)
    EXPECT_DOUBLE_EQ(in_flight_micro_batches(dual, r, 0) + in_flight_micro_batches(dual, r, 1), 17.0);
  // DualPipeV: PP+1 with PP = stages = 2 * ranks.
  ParallelPlan v = dual;
  v.schedule = PipelineSchedule::kDualPipeV;
  v.pp = 8;
  for (const auto& r : partition_layers(m, v))
    EXPECT_DOUBLE_EQ(in_flight_micro_batches(v, r, 0) + in_flight_micro_batches(v, r, 1), 17.0);
}

TEST(Memory, InterleavedFirstStageMatchesKorthikanti) {
  // Korthikanti et al. 2022 §4.2.3: the first stage of the interleaved schedule stores p (1 + (p-1)/(p v))
  // micro-batches' worth of its layers.
  ParallelPlan p;
  p.pp = 8;
  p.virtual_stages = 4;
  p.schedule = PipelineSchedule::kInterleaved1F1B;
  const auto ranks = partition_layers(test::llama31_405b(), p);
  double total = 0;
  for (int c = 0; c < ranks[0].chunks; ++c) total += in_flight_micro_batches(p, ranks[0], c);
  EXPECT_DOUBLE_EQ(total / p.virtual_stages, 8.0 * (1.0 + 7.0 / (8.0 * 4.0)));
}

TEST(Memory, DenseActivationsMatchKorthikanti) {
  // Korthikanti et al. 2022 eq. (1)/(2): sbh(34 + 5as/h) per layer; without dropout (two sbh masks) and with
  // FlashAttention (no as^2 terms, plus a 4-byte log-sum-exp per head and token): 32 sbh + 4 a s b.
  // With TP t and no sequence parallelism: sbh(10 + 24/t) less the two masks = sbh(8 + 24/t).
  const ModelSpec m = test::gpt_like();
  ActivationSettings s;
  s.precision = precision_preset("bf16");
  s.recompute = RecomputePolicy::kNone;
  const double h = m.hidden, a = m.n_heads;
  EXPECT_DOUBLE_EQ(layer_activation_bytes_per_token(m, 0, s), 32 * h + 4 * a);
  s.tp = 4;
  EXPECT_DOUBLE_EQ(layer_activation_bytes_per_token(m, 0, s), (8 + 24.0 / 4) * h + 4 * a / 4);
  s.sequence_parallel = true;
  EXPECT_DOUBLE_EQ(layer_activation_bytes_per_token(m, 0, s), (32 * h + 4 * a) / 4);
  // Full recompute keeps only the layer input (2 bytes per hidden element).
  s.tp = 1;
  s.sequence_parallel = false;
  s.recompute = RecomputePolicy::kFull;
  EXPECT_DOUBLE_EQ(layer_activation_bytes_per_token(m, 0, s), 2 * h);
}

TEST(Memory, SelectiveRecomputeAndFp8ShrinkMlaMoeActivations) {
  const ModelSpec m = test::deepseek_v3();
  ActivationSettings none, sel, sel_bf16;
  none.precision = kFp8;
  none.recompute = RecomputePolicy::kNone;
  sel = none;
  sel.recompute = RecomputePolicy::kSelective;
  sel_bf16 = sel;
  sel_bf16.precision = precision_preset("bf16");
  const double n = layer_activation_bytes_per_token(m, 10, none);
  const double s = layer_activation_bytes_per_token(m, 10, sel);
  const double b = layer_activation_bytes_per_token(m, 10, sel_bf16);
  std::printf("deepseek-v3 MoE layer activations per token: none %.0f B, selective %.0f B, selective bf16 %.0f B\n",
              n, s, b);
  EXPECT_LT(s, n);
  EXPECT_LT(s, b);
  // Selective MLA keeps x, c_q, [c_kv; k_rope], O and the LSE:
  // 2*7168 + 2*1536 + 2*576 + 2*128*128 + 4*128 bytes, a closed form independent of the MoE part.
  ActivationSettings sel_dense = sel;
  const double dense = layer_activation_bytes_per_token(m, 0, sel_dense);
  const double ffn = 2.0 * 7168 + 2 * 2.0 * 18432 + 18432 * (1.0 + 4.0 / 128);
  EXPECT_DOUBLE_EQ(dense, 2.0 * 7168 + 2.0 * 1536 + 2.0 * 576 + 2.0 * 128 * 128 + 4.0 * 128 + ffn);
}

TEST(Memory, CheckpointBytes) {
  // fp8-deepseek: BF16 weights (2) + FP32 master (4) + two BF16 moments (4) = 10 bytes per parameter.
  const ModelSpec m = test::deepseek_v3();
  const double params = count_params(m).total_with_mtp();
  EXPECT_DOUBLE_EQ(checkpoint_bytes(m, kFp8), 10.0 * params);
  // bf16 recipe: 2 + 4 + 8 = 14.
  EXPECT_DOUBLE_EQ(checkpoint_bytes(m, precision_preset("bf16")), 14.0 * params);
}

// Context parallelism keeps seq/cp tokens of each sequence per rank, so a stage's activations scale by 1/cp;
// the CP ranks join the DP replicas in sharding the optimizer state, and ring attention adds K/V buffers.
TEST(Memory, ContextParallelSplitsActivationsAndShardsOverDpTimesCp) {
  const ModelSpec m = test::deepseek_v3();
  const auto cluster = test::cluster_with_hbm("h800-sxm", 80e9);
  ParallelPlan base = test::deepseek_v3_plan();  // TP1 PP16 DP128 EP64 ZeRO-1 DualPipe
  ParallelPlan cp = base;
  cp.cp = 4;
  cp.dp = 32;
  const int seq = 32768;
  const auto a = memory_per_stage(m, cluster, base, kFp8, seq);
  const auto b = memory_per_stage(m, cluster, cp, kFp8, seq);
  for (size_t r = 0; r < a.size(); ++r) {
    EXPECT_NEAR(b[r].activations, a[r].activations / 4, 1e-9 * a[r].activations) << "stage " << r;
    // dp x cp = 128 replicas either way: the same ZeRO-1 shards and weights.
    EXPECT_NEAR(b[r].optimizer, a[r].optimizer, 1e-9 * a[r].optimizer);
    EXPECT_NEAR(b[r].weights, a[r].weights, 1e-9 * a[r].weights);
  }
  // K/V ring buffers: two blocks in flight forward, two gradient blocks backward, for DualPipe's two chunks.
  const double tokens = seq / 4.0;
  const double ring = 4.0 * tokens * attention_kv_bytes_per_token(m, 1, DType::kBf16) * 2.0;
  ParallelPlan no_ring = cp;  // same per-rank tokens without a ring: a quarter-length sequence at cp = 1
  no_ring.cp = 1;
  no_ring.dp = 128;
  const auto c = memory_per_stage(m, cluster, no_ring, kFp8, seq / 4);
  EXPECT_NEAR(b[0].comm_buffers - c[0].comm_buffers, ring, 1e-6 * ring);
  EXPECT_NEAR(b[0].activations, c[0].activations, 1e-9 * c[0].activations);
}

TEST(Memory, EpMustDivideTpDp) {
  ParallelPlan p = test::deepseek_v3_plan();
  p.dp = 96;
  EXPECT_THROW(memory_per_stage(test::deepseek_v3(), test::cluster_with_hbm("h800", 80e9), p, kFp8, 4096), Error);
}

}  // namespace
}  // namespace moeplan

namespace moeplan {
namespace {

TEST(Memory, ChunksWithOnlyTheEmbeddingOrTheHead) {
  // Llama 3 405B on PP16 x v8 with empty first and last chunks (arXiv:2407.21783 §3.3.2): every rank holds 8
  // layers except the first (7 + embedding) and the last (7 + output head); the activation count of a chunk
  // with no layers is only what its embedding or head keeps.
  const ModelSpec m = test::llama31_405b();
  ParallelPlan p;
  p.tp = 8;
  p.pp = 16;
  p.dp = 128;
  p.zero_stage = 1;
  p.schedule = PipelineSchedule::kInterleaved1F1B;
  p.virtual_stages = 8;
  p.first_stage_layers = 0;
  p.last_stage_layers = 0;
  const auto cluster = test::cluster_with_hbm("h100-sxm", 80e9);
  const PrecisionRecipe bf16 = precision_preset("bf16");
  MemoryOptions opt;
  opt.micro_batches_per_step = 16;  // Table 4: batch 16 per DP group
  const auto mem = memory_per_stage(m, cluster, p, bf16, 8192, opt);
  ASSERT_EQ(mem.size(), 16u);
  for (const MemoryBreakdown& b : mem) {
    EXPECT_GT(b.weights, 0.0);
    EXPECT_GT(b.activations, 0.0);
    EXPECT_TRUE(std::isfinite(b.total()));
  }
  // 7 layers + the embedding (2.1B parameters) weigh less than 8 layers (3.2B each); so do 7 + the head.
  EXPECT_LT(mem[0].weights, mem[1].weights);
  EXPECT_LT(mem[15].weights, mem[1].weights);
  std::printf("Llama 3 405B PP16 v8, first/last chunks empty: rank 0 %.1f GB, rank 1 %.1f GB, rank 15 %.1f GB\n",
              mem[0].total() / 1e9, mem[1].total() / 1e9, mem[15].total() / 1e9);
}

}  // namespace
}  // namespace moeplan
