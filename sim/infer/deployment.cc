// Serving memory and step times; the model is described in deployment.h.
#include "sim/infer/deployment.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sim/infer/ep_comm.h"
#include "sim/model/kv_cache.h"
#include "sim/model/layer_ops.h"
#include "sim/model/params.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

// Allocator fragmentation held back as a planning margin, as in training (sim/model/memory.h default).
constexpr double kFragmentationFraction = 0.05;
// cuBLAS workspace: NVIDIA recommends 32 MiB on Hopper (cuBLAS docs, cublasSetWorkspace).
constexpr double kCublasWorkspaceBytes = 32.0 * 1024 * 1024;
// Tokens per dispatch a decode GPU's all-to-all buffers hold (DeepEP low-latency production setting, §4.1).
constexpr double kDecodeBufferTokens = 128;

int expert_slots(const ServeScenario& s, const ServePool& p) {
  if (!s.model.is_moe()) return 0;
  return (s.model.moe.n_routed_experts + p.redundant_experts) / p.ep;
}

// Bytes per stored parameter of a GEMM weight: the GEMM format plus one FP32 scale per weight block
// (128x128 blocks for FP8 weights, DeepSeek-V3 §3.3.2; the shipped checkpoint is FP8 e4m3, README_WEIGHTS).
double gemm_weight_bytes(const PrecisionRecipe& p) {
  const double b = bytes_of(p.gemm);
  if (p.gemm == DType::kFp8 && p.weight_scale_block > 0)
    return b + 4.0 / (static_cast<double>(p.weight_scale_block) * p.weight_scale_block);
  return b;
}

// The model with its routed experts counted as expert slots, so the op inventory splits (E + redundant)
// slots over ep; the router is put back to E outputs afterwards.
ModelSpec slotted_model(const ServeScenario& s, const ServePool& p) {
  ModelSpec m = s.model;
  if (m.is_moe()) m.moe.n_routed_experts += p.redundant_experts;
  return m;
}

struct OpSums {
  double compute_s = 0;
  double comm_s = 0;
  double scale_out_s = 0;  // part of comm_s's time during which the NIC share is busy
  double attention_s = 0;
  double expert_s = 0;
};

struct Costing {
  const ServeScenario& s;
  const Calibration& calib;
  const ServePool& pool;
  bool decode;
  double context;         // decode: KV length per sequence; prefill: average attended context per token
  double seqs = 0;        // decode: sequences in the micro-batch
  double queries = 1;     // decode: query tokens per sequence (2 with an MTP draft)

  PoolHardware hw() const { return pool_hardware(s, decode); }

  double sm_fraction() const {
    const int sms = hw().gpu.sm_count;
    if (sms <= 0 || pool.comm_sms <= 0) return 1.0;
    return static_cast<double>(sms - pool.comm_sms) / sms;
  }

  Op attention_op(const Op& base, double tokens) const {
    Op op = base;
    op.backward_flops = -1;  // the training op's backward count does not describe this kernel; serving has none
    const ModelSpec& m = s.model;
    const double heads = static_cast<double>(m.n_heads) / pool.attention_tp;
    const double kv_layer_bytes = kv_cache_bytes_per_token(m, s.kv_cache_dtype) / m.n_layers;
    if (decode) {
      double per_pair = 0;  // FLOPs per (query, cached token, head)
      if (m.attention == AttentionKind::kMla) {
        // Absorbed MQA form, FlashMLA head_dim_k = 576 = d_c + d_h^R, head_dim_v = 512 = d_c (§4.3).
        per_pair = 2.0 * (2.0 * m.mla.kv_lora_rank + m.mla.qk_rope_head_dim);
      } else {
        per_pair = 2.0 * 2.0 * m.head_dim;
      }
      op.flops = seqs * queries * context * heads * per_pair;
      // Each sequence's cache is read once for all its query tokens. MLA's latent is shared by all heads,
      // so every TP rank reads all of it; GQA caches split by KV head.
      const double kv_split = m.attention == AttentionKind::kMla ? 1.0 : std::min<double>(pool.attention_tp, m.n_kv_heads);
      op.bytes = seqs * context * kv_layer_bytes / kv_split;
      op.gemm.m = queries;  // query tokens per kernel row: the decode end of the attention curve
    } else {
      const double d_qk = m.attention == AttentionKind::kMla ? m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim
                                                              : m.head_dim;
      const double d_v = m.attention == AttentionKind::kMla ? m.mla.v_head_dim : m.head_dim;
      // Each computed token attends to `context` positions (cached prefix included).
      op.flops = 2.0 * tokens * context * heads * (d_qk + d_v);
      op.gemm.m = tokens;  // query tokens of the kernel call: the prefill end of the attention curve
    }
    return op;
  }

  double tp_collective_s(const Op& op) const {
    const int tp = pool.attention_tp;
    if (tp <= 1) return 0.0;
    // Ring all-reduce / all-gather: each rank moves 2 (tp - 1) / tp of the message over the scale-up fabric.
    const double bytes = 2.0 * (tp - 1.0) / tp * op.comm_bytes;
    const FabricSpec& up = hw().scale_up;
    return bytes / (up.achievable_Bps * calib.comm_efficiency(up.kind, op.comm_bytes));
  }

  EpLegTimes ep_comm(const Op& op, double tokens) const {
    const ModelSpec& m = s.model;
    if (decode && m.is_moe() && pool.ep > 1) {
      if (const LowLatencyA2aTable* t = s.rates.low_latency_for(s.scale_out.name)) {
        // Measured low-latency kernels (serving_rates.h): every copy of the GPU's tokens at the measured
        // effective rate for this EP size, on the NIC share the measurement had (one NIC per GPU).
        const bool dispatch = op.cls == OpClass::kDispatch;
        const PrecisionRecipe& prec = hw().precision;
        const double row = dispatch ? moe_dispatch_bytes_per_token(m, prec) : moe_combine_bytes_per_token(m, prec);
        const double share = static_cast<double>(s.nics_per_node) / s.gpus_per_node / t->nics_per_gpu;
        const double bytes = tokens / pool.attention_tp * m.moe.top_k * row;
        return EpLegTimes{0.0, bytes / (t->effective_Bps(pool.ep, dispatch) * share)};
      }
    }
    const EpTraffic t = decode ? low_latency_traffic(m, pool.ep) : normal_kernel_traffic(m, pool.ep, s.gpus_per_node);
    const PrecisionRecipe& prec = hw().precision;
    const double row = op.cls == OpClass::kDispatch ? moe_dispatch_bytes_per_token(m, prec)
                                                     : moe_combine_bytes_per_token(m, prec);
    const double share = static_cast<double>(s.nics_per_node) / s.gpus_per_node;
    // Tokens a GPU sends: its 1/tp share of the DP rank's tokens (layer_ops.h sequence-parallel layout).
    return ep_transfer_legs(t, tokens / pool.attention_tp, row, hw().scale_up, s.scale_out, share, calib);
  }

  void add(const std::vector<Op>& ops, double tokens, OpSums& out) const {
    for (const Op& raw : ops) {
      switch (raw.cls) {
        case OpClass::kDispatch:
        case OpClass::kCombine: {
          const EpLegTimes legs = ep_comm(raw, tokens);
          out.comm_s += legs.time_s();
          out.scale_out_s += legs.scale_out_s;
          continue;
        }
        case OpClass::kTpCollective:
          out.compute_s += tp_collective_s(raw);
          continue;
        default:
          break;
      }
      Op op = raw;
      if (raw.cls == OpClass::kAttention) op = attention_op(raw, tokens);
      if (raw.name.size() >= 6 && raw.name.compare(raw.name.size() - 6, 6, "router") == 0 && s.model.is_moe()) {
        op.gemm.n = s.model.moe.n_routed_experts;  // the router scores E experts, not the slots
        op.flops = 2.0 * op.gemm.m * op.gemm.n * op.gemm.k;
      }
      double t = calib.op_time_s(op, Pass::kForward, sm_fraction());
      // A memory-bound kernel's rate carries no fixed cost (GEMM curves fit theirs): each adds the profile's
      // back-to-back kernel gap, replayed from a CUDA graph in decode (DeepEP's low-latency kernels and
      // DeepGEMM's masked layout are graph-capturable), launched one by one in prefill (the normal kernels
      // are not). Fused elementwise work: one kernel per op, as in training's fused stacks.
      if (op.cls == OpClass::kMemoryBound && op.bytes > 0) t += calib.kernel_gap_s(decode);
      out.compute_s += t;
      if (op.cls == OpClass::kAttention) out.attention_s += t;
      if (op.cls == OpClass::kGroupedGemm || raw.name.find("experts_") != std::string::npos) out.expert_s += t;
    }
  }
};

OpContext context_for(const ServeScenario& s, const ServePool& p, double tokens) {
  const bool decode = &p == &s.decode;
  OpContext ctx;
  ctx.micro_batch = 1;
  ctx.seq_len = std::max(1, static_cast<int>(std::lround(tokens)));
  ctx.tp = p.attention_tp;
  ctx.ep = s.model.is_moe() ? p.ep : 1;
  ctx.dp_per_stage = p.attention_dp * p.attention_tp;
  ctx.precision = pool_hardware(s, decode).precision;
  ctx.causal = true;
  ctx.expert_load_factor = p.expert_load_factor;
  return ctx;
}

// Sums of one micro-batch over all layers, plus the per-layer pairs needed for the overlap rule.
struct LayerTotals {
  double overlapped_s = 0;  // sum over layers of the layer's time with micro-batch overlap
  double first_fill_s = 0;  // the unhidden first stage
  OpSums sums;              // all micro-batches
};

LayerTotals run_layers(const Costing& c, const ModelSpec& slotted, double mb_tokens) {
  const ServePool& p = c.pool;
  const OpContext ctx = context_for(c.s, p, mb_tokens);
  const int mb = p.micro_batches;
  LayerTotals out;
  OpSums cache[2];
  bool have[2] = {false, false};
  for (int layer = 0; layer < slotted.n_layers; ++layer) {
    const int kind = slotted.layer_is_moe(layer) ? 1 : 0;  // layers of one kind cost the same
    if (!have[kind]) {
      c.add(layer_forward_ops(slotted, layer, ctx), mb_tokens, cache[kind]);
      have[kind] = true;
    }
    const OpSums& one = cache[kind];
    const double compute = mb * one.compute_s, comm = mb * one.comm_s;
    out.overlapped_s += mb >= 2 ? std::max(compute, comm) : compute + comm;
    if (layer == 0) out.first_fill_s = mb >= 2 ? std::min(one.compute_s, one.comm_s) / p.pipeline_stages : 0.0;
    out.sums.compute_s += compute;
    out.sums.comm_s += comm;
    out.sums.scale_out_s += mb * one.scale_out_s;
    out.sums.attention_s += mb * one.attention_s;
    out.sums.expert_s += mb * one.expert_s;
  }
  return out;
}

StepCost finish(const LayerTotals& layers, const OpSums& serial) {
  StepCost r;
  r.time_s = layers.overlapped_s + layers.first_fill_s + serial.compute_s + serial.comm_s;
  r.compute_s = layers.sums.compute_s + serial.compute_s;
  r.comm_s = layers.sums.comm_s + serial.comm_s;
  r.scale_out_s = layers.sums.scale_out_s + serial.scale_out_s;
  r.attention_core_s = layers.sums.attention_s + serial.attention_s;
  r.expert_gemm_s = layers.sums.expert_s + serial.expert_s;
  r.exposed_comm_s = std::max(0.0, r.time_s - r.compute_s);
  return r;
}

}  // namespace

double tokens_per_decode_step(const ServeScenario& s) {
  return s.mtp_enabled ? 1.0 + s.mtp_acceptance : 1.0;
}

namespace {

// Standard normal quantile by bisection on the CDF (erfc is exact to double precision; 80 halvings of
// [-10, 10] leave an error far below what a percentile needs).
double normal_quantile(double q) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 80; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

double tokens_per_decode_step_at(const ServeScenario& s, double percentile, double output_tokens) {
  const double mean = tokens_per_decode_step(s);
  if (!s.mtp_enabled) return mean;
  const double a = s.mtp_acceptance;
  const double steps = std::max(1.0, output_tokens / mean);
  const double gain = mean - normal_quantile(percentile) * std::sqrt(a * (1.0 - a) / steps);
  return std::clamp(gain, 1.0, 2.0);
}

PoolMemory pool_memory(const ServeScenario& s, const ServePool& pool, bool decode) {
  const ModelSpec& m = s.model;
  const PoolHardware hw = pool_hardware(s, decode);
  const double wb = gemm_weight_bytes(hw.precision);
  const double hp = 2.0;  // router, norms, embedding, head stay BF16 (DeepSeek-V3 §3.3)
  const int tp = pool.attention_tp;
  PoolMemory r;
  r.hbm_bytes = hw.gpu.hbm_bytes;
  r.expert_slots_per_gpu = expert_slots(s, pool);
  auto layer_bytes = [&](const LayerParams& lp) {
    // Attention splits over TP; dense FFNs (TP1 in DeepSeek's deployment, §3.4) and the shared expert are
    // replicated on every GPU; routed experts hold this GPU's slots.
    const double gemm_params = lp.attention_tp / tp + lp.attention_replicated + lp.dense_ffn + lp.shared_experts +
                               (lp.moe ? lp.routed_expert_each * r.expert_slots_per_gpu : 0.0);
    return gemm_params * wb + (lp.router + lp.norms) * hp;
  };
  for (int i = 0; i < m.n_layers; ++i) r.weights_bytes += layer_bytes(layer_params(m, i));
  const bool draft = decode && s.mtp_enabled && m.mtp_depth > 0;
  if (draft) {
    const LayerParams block = layer_params(m, m.n_layers);
    r.weights_bytes += m.mtp_depth * (layer_bytes(block) + (mtp_module_params(m) - block.total()) * wb);
  }
  const ParamCounts pc = count_params(m);
  r.weights_bytes += (pc.embedding + pc.head) * hp;

  // KV per token: every layer, plus the MTP module's own attention layer when it drafts.
  const double kv_layers = m.n_layers + (draft ? m.mtp_depth : 0);
  r.kv_bytes_per_token = kv_cache_bytes_per_token(m, s.kv_cache_dtype) * kv_layers / m.n_layers;
  if (m.attention != AttentionKind::kMla) r.kv_bytes_per_token /= std::min<double>(tp, m.n_kv_heads);

  if (s.workspace_bytes > 0) {
    r.reserve_bytes = s.workspace_bytes;
  } else {
    // Activations and all-to-all buffers of one micro-batch in flight per direction: tokens in a micro-batch
    // and the expert rows they fan out to. Decode buffers are sized like DeepEP's low-latency kernels for
    // "a typical DeepSeek-V3/R1 production setting (128 tokens per batch)" (published-numbers.md §4.1).
    const double mb_tokens = decode ? kDecodeBufferTokens : static_cast<double>(pool.tokens_per_micro_batch);
    const double rows = m.is_moe() ? mb_tokens * m.moe.top_k / tp : 0.0;
    const double ffn = m.is_moe() ? m.moe.expert_ffn_dim : m.ffn_dim;
    const double act = mb_tokens * m.hidden * 2.0 * 4.0 + rows * ffn * 2.0 * 2.0;
    const double buffers = rows * (moe_dispatch_bytes_per_token(m, hw.precision) + moe_combine_bytes_per_token(m, hw.precision));
    r.reserve_bytes = kFragmentationFraction * r.hbm_bytes + kCublasWorkspaceBytes +
                      pool.micro_batches * (act + buffers);
  }
  r.kv_bytes = r.hbm_bytes - r.weights_bytes - r.reserve_bytes;
  r.kv_tokens = r.kv_bytes > 0 ? r.kv_bytes / r.kv_bytes_per_token : 0.0;
  return r;
}

StepCost prefill_step(const ServeScenario& s, const Calibration& calib, double avg_context,
                      double tokens_per_micro_batch) {
  const ServePool& p = s.prefill;
  const ModelSpec slotted = slotted_model(s, p);
  const double mb_tokens = tokens_per_micro_batch > 0 ? tokens_per_micro_batch : p.tokens_per_micro_batch;
  Costing c{s, calib, p, false, std::max(1.0, avg_context)};
  const LayerTotals layers = run_layers(c, slotted, mb_tokens);
  OpSums serial;
  const OpContext ctx = context_for(s, p, mb_tokens);
  for (int i = 0; i < p.micro_batches; ++i) c.add(embedding_forward_ops(slotted, ctx), mb_tokens, serial);
  StepCost r = finish(layers, serial);
  r.tokens = mb_tokens * p.micro_batches;
  return r;
}

StepCost decode_step(const ServeScenario& s, const Calibration& calib, int batch, double avg_kv_len) {
  if (batch < 1) throw_internal_error("decode_step: batch must be >= 1");
  const ServePool& p = s.decode;
  const ModelSpec slotted = slotted_model(s, p);
  const bool draft = s.mtp_enabled && s.model.mtp_depth > 0;
  const double queries = draft ? 1.0 + s.model.mtp_depth : 1.0;
  const double mb_seqs = static_cast<double>(batch) / p.micro_batches;
  const double mb_tokens = mb_seqs * queries;
  Costing c{s, calib, p, true, std::max(1.0, avg_kv_len), mb_seqs, queries};
  const LayerTotals layers = run_layers(c, slotted, mb_tokens);
  // Head (logits for every query token), embedding, and the MTP module drafting one token per sequence.
  OpSums serial;
  const OpContext ctx = context_for(s, p, mb_tokens);
  for (int i = 0; i < p.micro_batches; ++i) {
    c.add(embedding_forward_ops(slotted, ctx), mb_tokens, serial);
    c.add(head_forward_ops(slotted, ctx), mb_tokens, serial);
    if (draft) {
      Costing mtp = c;
      mtp.queries = 1.0;
      mtp.add(mtp_forward_ops(slotted, context_for(s, p, mb_seqs)), mb_seqs, serial);
    }
  }
  StepCost r = finish(layers, serial);
  r.tokens = mb_tokens * p.micro_batches;
  return r;
}

}  // namespace moeplan
