// Calibration: how fast this GPU really runs each op class, from a profile file with provenance.
//
// A profile holds measured or published points (GEMM TFLOP/s by shape and dtype, attention TFLOP/s,
// memory-copy GB/s, collective bandwidth by message size) and the efficiency curves fitted to them. The
// simulator never hard-codes an efficiency: every time below comes from the profile of the GPU in use.
#pragma once

#include <string>
#include <vector>

#include "sim/model/layer_ops.h"
#include "sim/spec/hardware_spec.h"
#include "sim/spec/software_spec.h"

namespace moeplan {

enum class Pass { kForward, kBackwardInput, kBackwardWeight };

struct ProfileInfo {
  std::string path;        // file it was read from ("" for built-in fallback: none exists)
  std::string gpu;         // catalog GPU name
  std::string device;      // device name as measured or as published
  std::string method;      // "published" | "measured-cuda" | "measured-cpu"
  std::string source;      // citations or measurement details
  std::string date;
  // The sustained-load factors applied to compute rates, e.g. "bf16 0.94, fp8 0.91 (60 s back-to-back
  // GEMMs)"; "" when the profile has no sustained run.
  std::string sustained;
  // Where the rates come from, readable: "measured on this GPU (published benchmarks)", "derived from
  // h800-sxm by peak ratios", ...
  std::string provenance;
};

// One core-attention kernel call as the published benchmarks key their rates: the pass, the kernel
// generation, the call's query tokens (the sequence length in training), its QK head dimension (0 = not
// known) and whether the mask is causal.
struct AttentionQuery {
  Pass pass = Pass::kForward;
  DType dtype = DType::kBf16;
  double seq_len = 0;
  AttentionKernel kernel = AttentionKernel::kFa2;
  double head_dim = 0;
  bool causal = true;
};

// The achieved rate and the kernel generation whose points gave it: the requested one, or the nearest the
// profile has (a 2024 kernel asked of an A100 profile answers with the A100's newest older one).
struct AttentionRate {
  double flops_per_s = 0;
  AttentionKernel kernel_used = AttentionKernel::kFa2;
};

class Calibration {
 public:
  virtual ~Calibration() = default;
  virtual const ProfileInfo& info() const = 0;
  // Achieved FLOP/s for one GEMM (or each GEMM of a grouped GEMM) of this shape and input dtype, run as the
  // kernel of `pass` (the shape is that GEMM's own: for backward_weight, k is the token count).
  virtual double gemm_flops_per_s(const GemmShape& shape, DType dtype, Pass pass = Pass::kForward) const = 0;
  // Achieved FLOP/s of core attention for one kernel call (decode is forward with one query token per
  // sequence), FLOPs counted as FlashAttention counts them.
  virtual AttentionRate attention_rate(const AttentionQuery& query) const = 0;
  // Fixed GPU-side cost of each kernel launched back to back, launched one by one or replayed from a CUDA
  // graph; 0 when the profile has no overheads section.
  virtual double kernel_gap_s(bool cuda_graphs) const = 0;
  // Achieved HBM bytes/s for memory-bound kernels.
  virtual double memory_bytes_per_s() const = 0;
  // Fraction of a link's achievable bandwidth a collective reaches at this per-rank message size
  // (small messages are latency-bound; 1.0 means the fabric's achievable_Bps).
  virtual double comm_efficiency(FabricKind fabric, double message_bytes) const = 0;

  // Time of one op in one pass on a GPU with `compute_sm_fraction` of its SMs (communication kernels hold
  // the rest). Communication ops return 0 here; the network layer times them.
  double op_time_s(const Op& op, Pass pass, double compute_sm_fraction = 1.0) const;
};

}  // namespace moeplan
