// The op inventory: shapes per rank, FLOPs in closed form, communication bytes.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "sim/model/layer_ops.h"
#include "sim/model/params.h"
#include "sim/spec/precision_recipe.h"
#include "sim/units/error.h"
#include "tests/model/test_models.h"

namespace moeplan {
namespace {

std::map<std::string, Op> by_name(const std::vector<Op>& ops) {
  std::map<std::string, Op> out;
  for (const Op& op : ops) out[op.name] = op;
  return out;
}

OpContext v3_context() {
  OpContext ctx;
  ctx.micro_batch = 1;
  ctx.seq_len = 4096;
  ctx.ep = 64;
  ctx.dp_per_stage = 128;
  ctx.precision = precision_preset("fp8-deepseek");
  return ctx;
}

TEST(LayerOps, DeepSeekV3MoeLayerOnAnEp64Rank) {
  const ModelSpec m = test::deepseek_v3();
  const OpContext ctx = v3_context();
  const auto ops = by_name(layer_forward_ops(m, 10, ctx));
  const double t = 4096;
  // Experts per rank 256/64 = 4; balanced arrivals 4096 * 8 = 32768 rows, 8192 per expert.
  const Op& up = ops.at("experts_gate_up");
  EXPECT_EQ(up.cls, OpClass::kGroupedGemm);
  EXPECT_EQ(up.gemm.groups, 4);
  EXPECT_DOUBLE_EQ(up.gemm.m, 8192);
  EXPECT_DOUBLE_EQ(up.gemm.n, 4096);
  EXPECT_DOUBLE_EQ(up.gemm.k, 7168);
  EXPECT_EQ(up.dtype, DType::kFp8);
  EXPECT_EQ(up.part, OpPart::kMlp);
  EXPECT_DOUBLE_EQ(up.flops, 2.0 * 32768 * 4096 * 7168);
  const Op& down = ops.at("experts_down");
  EXPECT_DOUBLE_EQ(down.gemm.n, 7168);
  EXPECT_DOUBLE_EQ(down.gemm.k, 2048);
  // Router in BF16 (DeepSeek-V3 §3.3: gating kept in higher precision).
  EXPECT_EQ(ops.at("router").dtype, DType::kBf16);
  EXPECT_DOUBLE_EQ(ops.at("router").gemm.n, 256);
  // Shared expert on the rank's own tokens.
  EXPECT_DOUBLE_EQ(ops.at("shared_gate_up").gemm.m, t);
  EXPECT_DOUBLE_EQ(ops.at("shared_gate_up").gemm.n, 4096);
  // Dispatch: FP8 payload + one FP32 scale per 128 channels, 63/64 of the copies leave the rank.
  const double leaving = 63.0 / 64.0;
  EXPECT_DOUBLE_EQ(ops.at("dispatch").comm_bytes, t * 8 * (7168 * 1.0 + 4.0 * 7168 / 128) * leaving);
  EXPECT_EQ(ops.at("dispatch").cls, OpClass::kDispatch);
  // Combine in BF16.
  EXPECT_DOUBLE_EQ(ops.at("combine").comm_bytes, t * 8 * 7168 * 2.0 * leaving);
  EXPECT_EQ(ops.at("combine").part, OpPart::kCombine);
  EXPECT_EQ(ops.count("attn_tp_allreduce"), 0u);  // no TP
}

TEST(LayerOps, Fp8RecipeCastsAroundEachFp8Gemm) {
  // DeepSeek-V3 §3.3: FP8 GEMM inputs are cast with one FP32 scale per 1x128 tile; in backward the output
  // gradient is cast along both axes (dgrad and wgrad) and the cached FP8 input is re-tiled for wgrad.
  const ModelSpec m = test::deepseek_v3();
  const auto ops = by_name(layer_forward_ops(m, 10, v3_context()));
  const double t = 4096, scale = 4.0 / 128;
  // o_proj: input 4096 x 16384 (BF16 -> FP8), output gradient 4096 x 7168.
  const Op& o = ops.at("o_proj_fp8_cast");
  EXPECT_EQ(o.cls, OpClass::kMemoryBound);
  EXPECT_DOUBLE_EQ(o.bytes, t * 16384 * (2 + 1 + scale));
  EXPECT_DOUBLE_EQ(o.bytes_backward, t * 7168 * (2 + 2 * (1 + scale)) + t * 16384 * 2 * (1 + scale));
  // kv_a shares q_a's cast input: no forward cast and no second re-tile of the input.
  EXPECT_DOUBLE_EQ(ops.at("kv_a_proj_fp8_cast").bytes, 0);
  EXPECT_DOUBLE_EQ(ops.at("kv_a_proj_fp8_cast").bytes_backward, t * 576 * (2 + 2 * (1 + scale)));
  // Routed experts receive FP8 rows from the dispatch: no forward cast; 32768 rows in backward.
  const Op& up = ops.at("experts_gate_up_fp8_cast");
  EXPECT_DOUBLE_EQ(up.bytes, 0);
  EXPECT_DOUBLE_EQ(up.bytes_backward, 32768 * 4096 * (2 + 2 * (1 + scale)) + 32768 * 7168 * 2 * (1 + scale));
  // BF16 GEMMs (router) get no casts.
  EXPECT_EQ(ops.count("router_fp8_cast"), 0u);
  // A BF16 recipe has no casts at all.
  OpContext bf16 = v3_context();
  bf16.precision = precision_preset("bf16");
  for (const Op& op : layer_forward_ops(m, 10, bf16)) EXPECT_EQ(op.name.find("fp8_cast"), std::string::npos);
}

TEST(LayerOps, LoadFactorScalesExpertRows) {
  const ModelSpec m = test::deepseek_v3();
  OpContext ctx = v3_context();
  ctx.expert_load_factor = 1.5;
  const auto ops = by_name(layer_forward_ops(m, 10, ctx));
  EXPECT_DOUBLE_EQ(ops.at("experts_gate_up").gemm.m, 8192 * 1.5);
}

TEST(LayerOps, MlaShapesAndCausalCore) {
  const ModelSpec m = test::deepseek_v3();
  OpContext ctx = v3_context();
  const auto ops = by_name(layer_forward_ops(m, 0, ctx));
  EXPECT_DOUBLE_EQ(ops.at("q_a_proj").gemm.n, 1536);
  EXPECT_DOUBLE_EQ(ops.at("q_b_proj").gemm.n, 128.0 * 192);
  EXPECT_DOUBLE_EQ(ops.at("kv_a_proj").gemm.n, 576);
  EXPECT_DOUBLE_EQ(ops.at("kv_b_proj").gemm.n, 128.0 * 256);
  EXPECT_DOUBLE_EQ(ops.at("o_proj").gemm.k, 128.0 * 128);
  // Core: 2 * T * (s/2) * heads * (192 + 128) when causal; twice that when not.
  const double causal = 2.0 * 4096 * 2048 * 128 * (192 + 128);
  EXPECT_DOUBLE_EQ(ops.at("attn_core").flops, causal);
  // Its backward kernel recomputes QK^T and runs dV, dP, dQ, dK: 2 * (3 * 192 + 2 * 128) per pair and head.
  EXPECT_DOUBLE_EQ(ops.at("attn_core").backward_flops, causal * (3.0 * 192 + 2.0 * 128) / (192 + 128));
  // Attention rates are read at the sequence length.
  EXPECT_DOUBLE_EQ(ops.at("attn_core").gemm.m, 4096);
  ctx.causal = false;
  EXPECT_DOUBLE_EQ(by_name(layer_forward_ops(m, 0, ctx)).at("attn_core").flops, 2.0 * causal);
  // Layer 0 is dense (first_k_dense = 3): dense FFN, no dispatch.
  EXPECT_EQ(ops.count("ffn_gate_up"), 1u);
  EXPECT_EQ(ops.count("dispatch"), 0u);
}

TEST(LayerOps, TensorParallelSplitsAndCollectives) {
  const ModelSpec m = test::llama31_405b();
  OpContext ctx;
  ctx.seq_len = 4096;
  ctx.tp = 8;
  const auto ops = by_name(layer_forward_ops(m, 0, ctx));
  // 16 query heads and 1 KV head per rank: qkv n = (16 + 2) * 128.
  EXPECT_DOUBLE_EQ(ops.at("qkv_proj").gemm.n, 18.0 * 128);
  EXPECT_DOUBLE_EQ(ops.at("ffn_gate_up").gemm.n, 2.0 * 53248 / 8);
  EXPECT_DOUBLE_EQ(ops.at("ffn_down").gemm.k, 53248.0 / 8);
  EXPECT_DOUBLE_EQ(ops.at("attn_tp_allreduce").comm_bytes, 4096.0 * 16384 * 2);
  EXPECT_DOUBLE_EQ(ops.at("ffn_tp_allreduce").comm_bytes, 4096.0 * 16384 * 2);
  // Per-rank GEMM FLOPs are 1/tp of the unsplit layer.
  OpContext one = ctx;
  one.tp = 1;
  double split = 0, whole = 0;
  for (const Op& op : layer_forward_ops(m, 0, ctx)) if (op.cls == OpClass::kGemm) split += op.flops;
  for (const Op& op : layer_forward_ops(m, 0, one)) if (op.cls == OpClass::kGemm) whole += op.flops;
  EXPECT_NEAR(split * 8, whole, 1e-9 * whole);
}

// Context parallelism (ring attention, load-balanced causal split): every token-sized op runs on seq/cp tokens,
// attention keeps the whole sequence as context, and the ring moves cp - 1 blocks of the rank's K and V.
TEST(LayerOps, ContextParallelSplitsTokensAndRingsKv) {
  const ModelSpec m = test::deepseek_v3();
  OpContext one = v3_context();
  one.seq_len = 32768;
  OpContext ctx = one;
  ctx.cp = 4;
  const auto whole = by_name(layer_forward_ops(m, 10, one));
  const auto split = by_name(layer_forward_ops(m, 10, ctx));
  const double t = 32768.0 / 4;
  EXPECT_DOUBLE_EQ(split.at("q_a_proj").gemm.m, t);
  EXPECT_DOUBLE_EQ(split.at("shared_gate_up").gemm.m, t);
  EXPECT_DOUBLE_EQ(split.at("dispatch").comm_bytes, whole.at("dispatch").comm_bytes / 4);
  // Attention: this rank's queries against the whole causal context, a quarter of the sequence's work.
  EXPECT_DOUBLE_EQ(split.at("attn_core").flops, 2.0 * t * (32768 / 2.0) * 128 * (192 + 128));
  EXPECT_DOUBLE_EQ(split.at("attn_core").flops, whole.at("attn_core").flops / 4);
  // Kernels run on blocks of seq/cp queries.
  EXPECT_DOUBLE_EQ(split.at("attn_core").gemm.m, t);
  // Ring: cp - 1 = 3 steps of the rank's per-head K (192) and V (128) for its tokens, in BF16.
  const Op& ring = split.at("attn_cp_ring");
  EXPECT_EQ(ring.cls, OpClass::kCpRing);
  EXPECT_EQ(ring.part, OpPart::kAttention);
  EXPECT_DOUBLE_EQ(ring.comm_bytes, 3.0 * t * 128 * (192 + 128) * 2);
  EXPECT_DOUBLE_EQ(attention_kv_bytes_per_token(m, 1, DType::kBf16), 128.0 * (192 + 128) * 2);
  EXPECT_EQ(whole.count("attn_cp_ring"), 0u);
  // The ring follows its attention kernel (stage_costs.cc hides it under that kernel).
  const auto ops = layer_forward_ops(m, 10, ctx);
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].cls == OpClass::kCpRing) {
      EXPECT_EQ(ops.at(i - 1).cls, OpClass::kAttention);
    }
  }
  // GQA rings its KV heads only: Llama 3.1 405B, 8 KV heads of 128 over TP 8 -> one per rank.
  EXPECT_DOUBLE_EQ(attention_kv_bytes_per_token(test::llama31_405b(), 8, DType::kBf16), 1.0 * 2 * 128 * 2);
  // The load-balanced split needs 2 cp pieces of equal length.
  ctx.seq_len = 32768 + 4;
  EXPECT_THROW(layer_forward_ops(m, 10, ctx), Error);
}

// The a2a (Ulysses) exchange: Q and K/V of the rank's tokens go out before attention, O after it; attention
// runs on whole sequences of heads / cp heads, the same FLOPs per rank as the ring.
TEST(LayerOps, ContextParallelAllToAllExchangesHeads) {
  const ModelSpec m = test::deepseek_v3();
  OpContext ring = v3_context();
  ring.seq_len = 32768;
  ring.cp = 4;
  OpContext a2a = ring;
  a2a.cp_comm = CpComm::kAllToAll;
  const auto r = by_name(layer_forward_ops(m, 10, ring));
  const auto u = by_name(layer_forward_ops(m, 10, a2a));
  const double t = 32768.0 / 4;
  EXPECT_DOUBLE_EQ(u.at("attn_core").flops, r.at("attn_core").flops);
  EXPECT_DOUBLE_EQ(u.at("attn_core").gemm.m, 32768);  // whole sequences
  EXPECT_EQ(u.count("attn_cp_ring"), 0u);
  const Op& in = u.at("attn_cp_a2a_qkv");
  const Op& out = u.at("attn_cp_a2a_out");
  EXPECT_EQ(in.cls, OpClass::kCpAllToAll);
  EXPECT_DOUBLE_EQ(in.comm_bytes, t * 128 * (192 + 192 + 128) * 2);  // Q, K, V of 128 heads, BF16
  EXPECT_DOUBLE_EQ(out.comm_bytes, t * 128 * 128 * 2);               // O
  // In order: exchange, attention, exchange back.
  const auto ops = layer_forward_ops(m, 10, a2a);
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].cls != OpClass::kAttention) continue;
    EXPECT_EQ(ops.at(i - 1).name, "attn_cp_a2a_qkv");
    EXPECT_EQ(ops.at(i + 1).name, "attn_cp_a2a_out");
  }
  // GQA with fewer KV heads than CP ranks: every rank needs one, so a rank's K/V go out cp times.
  OpContext g;
  g.seq_len = 8192;
  g.tp = 8;
  g.cp = 4;
  g.cp_comm = CpComm::kAllToAll;
  const auto l = by_name(layer_forward_ops(test::llama31_405b(), 0, g));  // 16 query heads, 1 KV head per rank
  EXPECT_DOUBLE_EQ(l.at("attn_cp_a2a_qkv").comm_bytes, 2048.0 * (16 * 128 + 4 * 2 * 128) * 2);
  // The a2a split needs cp equal pieces only.
  a2a.seq_len = 32768 + 4;
  EXPECT_NO_THROW(layer_forward_ops(m, 10, a2a));
  a2a.seq_len = 32768 + 2;
  EXPECT_THROW(layer_forward_ops(m, 10, a2a), Error);
}

TEST(LayerOps, ForwardGemmFlopsAreTwiceActiveParams) {
  // Per token, each layer's GEMM FLOPs = 2 x its active GEMM weights (norms and routing bias excluded).
  const ModelSpec m = test::mixtral_8x7b();
  OpContext ctx;
  ctx.seq_len = 1024;
  const LayerParams p = layer_params(m, 3);
  double gemm = 0;
  for (const Op& op : layer_forward_ops(m, 3, ctx))
    if (op.cls == OpClass::kGemm || op.cls == OpClass::kGroupedGemm) gemm += op.flops;
  EXPECT_NEAR(gemm / 1024.0, 2.0 * (p.active(2) - p.norms), 1e-6);
}

TEST(LayerOps, HeadEmbeddingAndMtp) {
  const ModelSpec m = test::deepseek_v3();
  const OpContext ctx = v3_context();
  const auto head = by_name(head_forward_ops(m, ctx));
  EXPECT_EQ(head.at("head").dtype, DType::kBf16);  // output head kept in BF16 (§3.3)
  EXPECT_DOUBLE_EQ(head.at("head").gemm.n, 129280);
  EXPECT_GT(head.at("cross_entropy").bytes, 0);
  const auto emb = embedding_forward_ops(m, ctx);
  ASSERT_EQ(emb.size(), 1u);
  EXPECT_EQ(emb[0].cls, OpClass::kMemoryBound);
  const auto mtp = by_name(mtp_forward_ops(m, ctx));
  EXPECT_DOUBLE_EQ(mtp.at("mtp0.eh_proj").gemm.k, 2.0 * 7168);
  EXPECT_EQ(mtp.count("mtp0.experts_gate_up"), 1u);  // the MTP block is an MoE layer
  EXPECT_EQ(mtp.count("mtp0.head"), 1u);
}

TEST(LayerOps, Names) {
  EXPECT_STREQ(to_string(OpClass::kGroupedGemm), "grouped_gemm");
  EXPECT_STREQ(to_string(OpPart::kCombine), "combine");
}

TEST(LayerOps, EpMustDivideExperts) {
  OpContext ctx = v3_context();
  ctx.ep = 48;
  EXPECT_THROW(layer_forward_ops(test::deepseek_v3(), 10, ctx), Error);
}

TEST(LayerOps, LayersOfOneKindHaveTheSameOps) {
  // The stage costing builds and times one layer per layer_kind and reuses it for every layer of that kind;
  // that is exact only if the ops of two layers of one kind match in every field the costing reads.
  OpContext ep8 = v3_context();
  ep8.ep = 8;  // divides both DeepSeek-V3's 256 and DeepSeek-V2's 160 routed experts
  OpContext tp_ep = ep8;
  tp_ep.tp = 2;
  tp_ep.expert_load_factor = 1.3;
  for (const ModelSpec& m : {test::deepseek_v3(), test::deepseek_v2(), test::llama31_405b()})
    for (const OpContext& ctx : {ep8, tp_ep}) {
      std::vector<int> first_of_kind(kLayerKinds, -1);
      for (int layer = 0; layer < m.n_layers; ++layer) {
        int& first = first_of_kind.at(layer_kind(m, layer));
        if (first < 0) first = layer;
        const std::vector<Op> a = layer_forward_ops(m, first, ctx), b = layer_forward_ops(m, layer, ctx);
        ASSERT_EQ(a.size(), b.size()) << m.name << " layer " << layer;
        for (size_t i = 0; i < a.size(); ++i) {
          const Op &x = a[i], &y = b[i];
          EXPECT_TRUE(x.name == y.name && x.cls == y.cls && x.part == y.part && x.dtype == y.dtype &&
                      x.gemm.m == y.gemm.m && x.gemm.n == y.gemm.n && x.gemm.k == y.gemm.k &&
                      x.gemm.groups == y.gemm.groups && x.flops == y.flops && x.bytes == y.bytes &&
                      x.bytes_backward == y.bytes_backward && x.backward_flops == y.backward_flops &&
                      x.comm_bytes == y.comm_bytes && x.has_weight_grad == y.has_weight_grad &&
                      x.attention_kernel == y.attention_kernel && x.head_dim == y.head_dim && x.causal == y.causal)
              << m.name << " layer " << layer << " op " << x.name << " differs from layer " << first;
        }
      }
      // Both kinds occur in an MoE model with leading dense layers.
      if (m.is_moe() && m.moe.first_k_dense > 0) EXPECT_GE(first_of_kind[0], 0);
    }
}

}  // namespace
}  // namespace moeplan
