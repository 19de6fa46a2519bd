// Software-stack overheads as op lines (see software_overheads.h).
#include "sim/workload/software_overheads.h"

namespace moeplan {

KernelCounts ungapped_kernels(const OpTiming& op, const SoftwareSpec& software) {
  KernelCounts k;
  if (op.cls != OpClass::kMemoryBound) return k;
  const int per_op = software.fused_elementwise ? 1 : 2;
  k.f = per_op;
  k.b = per_op + (op.b_recomputes_f ? per_op : 0);
  return k;
}

OpTiming kernel_gap_op(const std::vector<OpTiming>& ops, size_t first, int layer, const SoftwareSpec& software,
                       double gap_s) {
  OpTiming t{.name = "kernel_gaps", .cls = OpClass::kOverhead, .part = OpPart::kMlp, .layer = layer};
  for (size_t i = first; i < ops.size(); ++i) {
    const KernelCounts k = ungapped_kernels(ops[i], software);
    t.f_s += k.f * gap_s;
    t.b_s += k.b * gap_s;
    t.w_s += k.w * gap_s;
  }
  return t;
}

OpTiming blocking_send_op(bool sends_forward, bool sends_backward, double send_s) {
  OpTiming t{.name = "pp_send_blocking", .cls = OpClass::kOverhead, .part = OpPart::kCombine};
  t.f_s = sends_forward ? send_s : 0.0;
  t.b_s = sends_backward ? send_s : 0.0;
  return t;
}

}  // namespace moeplan
