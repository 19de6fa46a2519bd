// What the software stack adds to a step beyond its kernels' measured rates: the fixed gap of each kernel
// whose rate the profile gives without one, and pipeline sends that block the compute stream. Each becomes
// its own op line (OpClass::kOverhead) so a report shows what it costs.
#pragma once

#include <vector>

#include "sim/calib/calibration.h"
#include "sim/spec/software_spec.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// Kernels one op launches on the compute stream in each pass whose time the profile prices without a
// per-kernel term. GEMM and attention rates come from benchmarks that time back-to-back calls, so their gaps
// are inside the measured rate (the GEMM curve's overhead term); memory-bound kernels are priced by bytes
// over a streaming bandwidth, so theirs is not. Unfused elementwise code runs each such op as two kernels
// (e.g. bias add then GeLU), and a recomputed op launches its forward kernels again in backward.
struct KernelCounts {
  int f = 0, b = 0, w = 0;
};
KernelCounts ungapped_kernels(const OpTiming& op, const SoftwareSpec& software);

// The gap line for ops[first, end) of one layer (or module): every counted kernel pays `gap_s`. Returns an op
// with zero times when nothing is counted.
OpTiming kernel_gap_op(const std::vector<OpTiming>& ops, size_t first, int layer, const SoftwareSpec& software,
                       double gap_s);

// Blocking pipeline sends: the send of a chunk's output (forward, to the next stage) and of its input gradient
// (backward, to the previous stage) hold the compute stream for `send_s`.
OpTiming blocking_send_op(bool sends_forward, bool sends_backward, double send_s);

}  // namespace moeplan
