// The op inventory: every operation of one transformer layer's forward pass for one micro-batch on one
// rank, with its shape, FLOPs and HBM bytes. The analytic estimate and the DES workload builder both time
// these ops through the calibration profile, so the two fidelities see the same work.
//
// Conventions: FLOPs count a multiply-add as 2. GEMM shapes are per rank after TP/EP splitting (m = rows of
// the activation = tokens, n = output features, k = input features). Backward of a GEMM is one dgrad GEMM
// (B) and one wgrad GEMM (W) of the same FLOPs as the forward. Attention "core" backward is 2x forward
// model FLOPs (dQ, dK, dV, dP) and belongs to B; its kernel also recomputes QK^T (`backward_flops`).
#pragma once

#include <string>
#include <vector>

#include "sim/spec/model_spec.h"
#include "sim/spec/parallel_plan.h"
#include "sim/spec/precision_recipe.h"
#include "sim/spec/software_spec.h"

namespace moeplan {

enum class OpClass {
  kGemm,         // one dense GEMM
  kGroupedGemm,  // routed experts: `groups` GEMMs of m x n x k (contiguous layout, tokens sorted by expert)
  kAttention,    // core attention (QK^T, softmax, PV), FLOPs and bytes given
  kMemoryBound,  // norms, activations, rope, router softmax/top-k, permutation, FP8 casts: timed by bytes
  kDispatch,     // MoE all-to-all dispatch: `comm_bytes` sent by this rank
  kCombine,      // MoE all-to-all combine
  kTpCollective, // TP all-reduce / reduce-scatter+all-gather of `comm_bytes`
  kCpRing,       // context-parallel ring attention: K/V blocks passed to the next CP rank, `comm_bytes` in
                 // forward (backward passes K/V again and their gradients: twice that)
  kCpAllToAll,   // context-parallel all-to-all (Ulysses) of `comm_bytes` per rank, the share it keeps included;
                 // backward moves the gradients of the same tensors, the same bytes
  kOverhead,     // time no kernel's rate accounts for (per-kernel gaps, blocking pipeline sends): set by the
                 // workload builder from the profile's overhead figures and the software stack, never a FLOP
};

// The part of a layer an op belongs to; DualPipe interleaves these components of two chunks.
enum class OpPart { kAttention, kDispatch, kMlp, kCombine };

struct GemmShape {
  double m = 0, n = 0, k = 0;
  int groups = 1;
};

struct Op {
  std::string name;       // "q_a_proj", "kv_b_proj", "attn_core", "o_proj", "router", "experts_gate_up", ...
  OpClass cls = OpClass::kGemm;
  OpPart part = OpPart::kAttention;
  GemmShape gemm;         // GEMM and grouped GEMM ops
  DType dtype = DType::kBf16;  // tensor-core input format
  double flops = 0;       // forward FLOPs on this rank
  double bytes = 0;       // forward HBM bytes (memory-bound ops, attention's KV/Q/O traffic)
  // Backward HBM bytes of a memory-bound op when they are not the generic 1.5x of the forward (< 0: generic).
  double bytes_backward = -1;
  // FLOPs the backward kernel executes when they differ from the model's count (< 0: not given). Flash
  // attention's backward recomputes QK^T and runs dV, dP, dQ, dK: 2 * (3 d_qk + 2 d_v) per (query, key,
  // head) against the forward's 2 * (d_qk + d_v). Published attention rates (FlashAttention-2/3, FlashMLA,
  // cuDNN benchmarks) count backward FLOPs this way, so times divide these FLOPs by those rates.
  double backward_flops = -1;
  double comm_bytes = 0;  // bytes this rank sends (dispatch, combine, TP collectives)
  bool has_weight_grad = false;  // contributes a W chunk in backward
  // Attention ops: the kernel that runs them and what published attention rates are keyed by (the query
  // tokens of one kernel call are gemm.m).
  AttentionKernel attention_kernel = AttentionKernel::kFa2;
  double head_dim = 0;    // QK head dimension of the kernel call
  bool causal = true;
};

struct OpContext {
  int micro_batch = 1;    // sequences in the micro-batch
  int seq_len = 4096;
  int tp = 1;
  // Context parallelism: the rank holds seq_len / cp tokens of each sequence (parallel_plan.h). Every
  // token-sized op scales by 1/cp; attention keeps the whole sequence as context, so its FLOPs do too.
  int cp = 1;
  CpComm cp_comm = CpComm::kRing;
  bool sequence_parallel = false;  // TP's norms run on 1/tp of the tokens (Megatron sequence parallelism)
  int ep = 1;
  int dp_per_stage = 1;   // ranks of a pipeline stage that share the EP group's tokens (tp*cp*dp)
  PrecisionRecipe precision;
  bool causal = true;     // causal attention FLOPs (half of the full QK^T / PV work)
  // Tokens the most loaded rank's experts receive, as a multiple of the balanced load (1.0 = balanced).
  double expert_load_factor = 1.0;
  AttentionKernel attention_kernel = AttentionKernel::kFa2;  // from the scenario's software stack
};

// Forward ops of transformer layer `layer` (0-based) in order.
std::vector<Op> layer_forward_ops(const ModelSpec& m, int layer, const OpContext& ctx);

// Layers of the same kind have the same forward ops under any context (0: dense FFN, 1: MoE FFN), so a
// caller that times many layers (the stage costing of every plan the search visits) builds and times one
// layer per kind. Whatever makes two layers' ops differ must be part of the kind.
int layer_kind(const ModelSpec& m, int layer);
inline constexpr int kLayerKinds = 2;
// Embedding lookup (memory-bound), output head GEMM + loss, and MTP modules.
std::vector<Op> embedding_forward_ops(const ModelSpec& m, const OpContext& ctx);
std::vector<Op> head_forward_ops(const ModelSpec& m, const OpContext& ctx);
std::vector<Op> mtp_forward_ops(const ModelSpec& m, const OpContext& ctx);

// Bytes of one token copy in an MoE dispatch (FP8 payloads carry one FP32 scale per 1x128 tile,
// DeepSeek-V3 §3.3.2) and in a combine, in the recipe's dispatch and combine formats.
double moe_dispatch_bytes_per_token(const ModelSpec& m, const PrecisionRecipe& p);
double moe_combine_bytes_per_token(const ModelSpec& m, const PrecisionRecipe& p);
// Bytes of K and V one token contributes on one TP rank in the attention kernel's input layout (per KV head;
// MLA materialises K and V per head in training), which is what ring attention passes between CP ranks.
double attention_kv_bytes_per_token(const ModelSpec& m, int tp, DType activations);

const char* to_string(OpClass c);
const char* to_string(OpPart p);

}  // namespace moeplan
