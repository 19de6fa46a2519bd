// Profile: the contents of one calibration profile file (calibrate/profiles/<gpu>.yaml) as plain values.
//
// A profile records where its numbers come from (header + per-point source), the raw points (measured or
// published), and the curves fitted to them with their fit error. The file format is documented in
// calibrate/README.md; profile_yaml.cc reads and writes it, curve_fit.cc fits the curves.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/calib/calibration.h"

namespace moeplan {

struct ProfileHeader {
  std::string gpu;              // catalog GPU key ("h800-sxm")
  std::string device;           // device name as measured or published
  int sm_count = 0;             // 0 = unknown
  double boost_clock_mhz = 0;   // 0 = unknown
  double memory_clock_mhz = 0;  // 0 = unknown
  std::string driver;           // driver version, or "n/a" for published profiles
  std::string cuda;             // CUDA version of the measurement or the publication
  std::string date;             // ISO date of the measurement / publication
  std::string moeplan_version;  // version of moeplan that wrote or last refitted the file
  std::string method;           // "published" | "measured-cuda" | "measured-cpu"
  // "measured": every rate was measured on this GPU (by the harness, or in the published benchmarks it
  // cites); "derived": rates carried over from the profile of `derived_from` by ratios; "" = not stated.
  std::string provenance;
  std::string derived_from;     // catalog GPU key of the base profile (provenance "derived" only)
  std::vector<std::string> sources;  // citations / measurement details
  std::vector<std::string> notes;    // caveats, e.g. "multi-GPU collectives skipped: NCCL not available"
};

// Provenance common to every raw point.
struct PointSource {
  std::string source;   // where the number comes from (paper, README commit, measurement)
  std::string derived;  // non-empty: how the number was derived from other sourced numbers
  bool unverified = false;
  int line = 0;         // line in the profile file (0 when not read from a file)
};

enum class GemmKind { kDense, kGrouped };

// One GEMM (or grouped GEMM: `groups` GEMMs of m x n x k each) and its achieved rate. `pass` says which
// training GEMM the kernel is: forward (and, without points of its own, dgrad, which has the same operand
// layouts), or a weight-gradient kernel, whose reduction runs over tokens and whose FP8 operands are both
// scaled along it (DeepSeek-V3 §3.3.2), a different kernel with its own rates. A backward_weight point's
// shape is the wgrad GEMM's: m = input features, n = output features, k = tokens (per group).
struct GemmPoint {
  GemmKind kind = GemmKind::kDense;
  DType dtype = DType::kBf16;
  double m = 0, n = 0, k = 0;
  int groups = 1;
  double flops_per_s = 0;  // achieved, FLOPs counted as 2*m*n*k*groups
  PointSource src;
  Pass pass = Pass::kForward;
};

// Core attention of one kernel generation at a given number of query tokens per kernel call (the sequence
// length in training). `forward_backward` points are one rate for a forward and backward together, FLOPs
// counted as 3.5x the forward (FlashAttention-2 paper charts): used for either pass, they give the right
// total. A point without a kernel, head dimension or mask flag stands for any (profiles the harness measured
// on its own kernels); shipped profiles name the kernel of every point.
struct AttentionPoint {
  Pass pass = Pass::kForward;
  bool forward_backward = false;  // true: `pass` is ignored
  DType dtype = DType::kBf16;
  double tokens = 0;
  double flops_per_s = 0;
  std::optional<AttentionKernel> kernel;
  double head_dim = 0;            // 0 = not stated
  std::optional<bool> causal;
  PointSource src;
};

// Fixed GPU-side cost of back-to-back kernels: the time each adds when launched one after another from the
// host, and when replayed from a CUDA graph.
struct Overheads {
  bool present = false;
  double kernel_gap_s = 0;
  double kernel_gap_graph_s = 0;
  PointSource src;
};

// A memory-bound kernel (copy, memory-bound attention decode) moving `bytes` (read + write) at a rate.
struct MemoryPoint {
  std::string kernel;      // "d2d-copy", "memcpy", "mla-decode-memory-bound"
  double bytes = 0;        // bytes moved per call (0 = large / not stated)
  double bytes_per_s = 0;
  PointSource src;
};

// A collective on one fabric kind: fraction of the fabric's achievable bandwidth at a per-rank message size.
struct CommPoint {
  FabricKind fabric = FabricKind::kNvlink;
  double message_bytes = 0;
  double efficiency = 0;
  PointSource src;
};

// One GEMM kept busy back to back for `seconds`: its rate in the first window (the way the points above are
// measured, a few calls after warm-up) and over the last third of the run, once clocks, power and temperature
// have settled. Short timings see the boost clock; a training job runs for weeks at whatever clock the power
// and thermal limits leave. ratio() is what the simulator applies to the compute rates of this dtype.
struct SustainedPoint {
  DType dtype = DType::kBf16;
  double m = 0, n = 0, k = 0;
  double seconds = 0;                 // length of the back-to-back run
  double burst_flops_per_s = 0;       // first window
  double sustained_flops_per_s = 0;   // median window of the last third
  double sm_clock_mhz_burst = 0;      // 0 = not read (no NVML, or a CPU)
  double sm_clock_mhz_sustained = 0;
  double power_w = 0;                 // median over the last third; 0 = not read
  double temperature_c = 0;
  std::string throttle;               // clock-limit reasons seen in the last third ("" = none read)
  PointSource src;
  double ratio() const { return sustained_flops_per_s / burst_flops_per_s; }
};

// GEMM time model: time = flops / peak_flops_per_s + bytes / bytes_per_s + overhead_s, with
// bytes = (m*k + n*k) * in_bytes + m*n * 2 per group (BF16 output). A term that the fit could not
// support (it would have to be negative) is dropped: its rate is stored as 0 = "infinite".
struct GemmCurve {
  GemmKind kind = GemmKind::kDense;
  DType dtype = DType::kBf16;
  double peak_flops_per_s = 0;  // 0 = term dropped
  double bytes_per_s = 0;       // 0 = term dropped
  double overhead_s = 0;
  double nrmse = 0;             // RMS of (predicted - observed) / observed time over the points
  int points = 0;
  Pass pass = Pass::kForward;   // the points' pass; see GemmPoint
};

// Memory time model: time = bytes / bytes_per_s + overhead_s.
struct MemoryCurve {
  double bytes_per_s = 0;
  double overhead_s = 0;
  double nrmse = 0;
  int points = 0;
};

// Collective efficiency model (alpha-beta): efficiency = 1 / (inv_peak + half_bytes / message_bytes),
// i.e. time = alpha + bytes / (B / inv_peak) with half_bytes = alpha * B; capped at 1.
struct CommCurve {
  FabricKind fabric = FabricKind::kNvlink;
  double inv_peak = 1;       // 1 / large-message efficiency
  double half_bytes = 0;     // message size at which latency costs as much as bandwidth
  double nrmse = 0;
  int points = 0;
};

struct Profile {
  std::string path;  // file read from, "" when built in memory
  ProfileHeader header;
  std::vector<GemmPoint> gemm_points;
  std::vector<AttentionPoint> attention_points;
  std::vector<MemoryPoint> memory_points;
  std::vector<CommPoint> comm_points;
  std::vector<SustainedPoint> sustained_points;  // at most one per dtype
  Overheads overheads;
  // Fitted curves (written by fit_profile; read back from the file).
  std::vector<GemmCurve> gemm_curves;
  MemoryCurve memory_curve;
  std::vector<CommCurve> comm_curves;
};

const char* to_string(GemmKind k);
const char* to_string(Pass p);

// Bytes a GEMM of this shape moves (inputs in `dtype`, BF16 output), all groups together.
double gemm_bytes(const GemmShape& shape, DType dtype);
// FLOPs of a GEMM of this shape, all groups together (multiply-add = 2).
double gemm_flops(const GemmShape& shape);

}  // namespace moeplan
