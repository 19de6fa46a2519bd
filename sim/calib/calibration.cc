// Calibration::op_time_s: one op's time in one pass from the profile's rates.
//
// Backward GEMM shapes (sim/model/layer_ops.h: one dgrad and one wgrad GEMM of the forward's FLOPs):
//   forward  Y[m,n]  = X[m,k] W[k,n]     -> (m, n, k)
//   dgrad    dX[m,k] = dY[m,n] W^T[n,k]  -> (m, k, n)
//   wgrad    dW[k,n] = X^T[k,m] dY[m,n]  -> (k, n, m): the token count is the reduction dimension, so a
//            small per-expert batch makes a short-K GEMM, which the curve prices as inefficient.
// Each is priced on its pass's curve when the profile has one (published FP8 weight-gradient kernels run well
// below the forward ones at the same FLOPs), else on the forward curve.
#include <algorithm>

#include "sim/calib/calibration.h"
#include "sim/units/error.h"

namespace moeplan {

namespace {

// Backward of an elementwise/normalisation op reads the saved input and the output gradient and writes
// the input gradient (3 tensors) where the forward reads one and writes one (2 tensors).
constexpr double kMemoryBoundBackwardBytesRatio = 1.5;
// Core attention backward re-reads Q, K, V, O and dO and writes dQ, dK, dV: about twice the forward
// traffic. Its kernel FLOPs are the op's `backward_flops`; without them, the equal-head-dim count of the
// published benchmarks, 2.5x the forward (recomputed QK^T, dV, dP, dQ, dK against QK^T, PV).
constexpr double kAttentionBackwardBytesRatio = 2.0;
constexpr double kAttentionBackwardFlopsRatio = 2.5;

}  // namespace

double Calibration::op_time_s(const Op& op, Pass pass, double compute_sm_fraction) const {
  if (!(compute_sm_fraction > 0.0 && compute_sm_fraction <= 1.0))
    throw_internal_error("op_time_s: compute_sm_fraction must be in (0, 1]");
  switch (op.cls) {
    case OpClass::kGemm:
    case OpClass::kGroupedGemm: {
      if (pass == Pass::kBackwardWeight && !op.has_weight_grad) return 0.0;
      const GemmShape& f = op.gemm;
      if (f.m <= 0 || f.n <= 0 || f.k <= 0) return 0.0;  // e.g. an expert that received no tokens
      GemmShape s = f;
      if (pass == Pass::kBackwardInput) s = GemmShape{f.m, f.k, f.n, f.groups};
      if (pass == Pass::kBackwardWeight) s = GemmShape{f.k, f.n, f.m, f.groups};
      const double flops = op.flops > 0 ? op.flops : 2.0 * f.m * f.n * f.k * std::max(1, f.groups);
      // Tensor-core work scales with the SMs it gets (DeepSeek-V3 §3.2.2 reserves 20 of 132 SMs).
      return flops / gemm_flops_per_s(s, op.dtype, pass) / compute_sm_fraction;
    }
    case OpClass::kAttention: {
      if (pass == Pass::kBackwardWeight) return 0.0;  // core attention has no weights
      const bool fwd = pass == Pass::kForward;
      const double flops = fwd                        ? op.flops
                           : op.backward_flops >= 0.0 ? op.backward_flops
                                                      : kAttentionBackwardFlopsRatio * op.flops;
      AttentionQuery q;
      q.pass = pass;
      q.dtype = op.dtype;
      q.seq_len = op.gemm.m;
      q.kernel = op.attention_kernel;
      q.head_dim = op.head_dim;
      q.causal = op.causal;
      const double compute_s = flops / attention_rate(q).flops_per_s / compute_sm_fraction;
      const double bytes = fwd ? op.bytes : kAttentionBackwardBytesRatio * op.bytes;
      const double memory_s = bytes > 0 ? bytes / memory_bytes_per_s() : 0.0;
      // Roofline: FlashMLA decode is memory-bound (3000 GB/s), prefill compute-bound (published-numbers §4.3).
      return std::max(compute_s, memory_s);
    }
    case OpClass::kMemoryBound: {
      if (pass == Pass::kBackwardWeight) return 0.0;
      // HBM bandwidth saturates with a fraction of the SMs, so communication SMs do not slow these.
      if (pass == Pass::kForward) return op.bytes / memory_bytes_per_s();
      const double bytes = op.bytes_backward >= 0 ? op.bytes_backward : kMemoryBoundBackwardBytesRatio * op.bytes;
      return bytes / memory_bytes_per_s();
    }
    case OpClass::kDispatch:
    case OpClass::kCombine:
    case OpClass::kTpCollective:
    case OpClass::kCpRing:
    case OpClass::kCpAllToAll:
      return 0.0;  // timed by the network layer
    case OpClass::kOverhead:
      return 0.0;  // set by the workload builder
  }
  throw_internal_error("op_time_s: unknown op class");
}

}  // namespace moeplan
