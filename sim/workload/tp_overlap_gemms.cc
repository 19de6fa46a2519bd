// TE tensor-parallel overlap as GEMM cost (see tp_overlap_gemms.h).
#include "sim/workload/tp_overlap_gemms.h"

#include <algorithm>

namespace moeplan {
namespace {

// The op's GEMM cut into `pieces` along its token rows, each priced on its own (smaller GEMMs run less
// efficiently: the profile's curve says by how much), on `sm_fraction` of the SMs.
double split_time_s(const Op& op, Pass pass, const Calibration& calib, int pieces, double sm_fraction) {
  if (pieces <= 1) return calib.op_time_s(op, pass, sm_fraction);
  Op piece = op;
  piece.gemm.m = op.gemm.m / pieces;
  piece.flops = op.flops / pieces;
  return pieces * calib.op_time_s(piece, pass, sm_fraction);
}

}  // namespace

TpLinear tp_linear_of(const Op& op) {
  if (op.cls != OpClass::kGemm) return TpLinear::kNone;
  if (op.name == "qkv_proj" || op.name == "ffn_gate_up") return TpLinear::kColumn;
  if (op.name == "o_proj" || op.name == "ffn_down") return TpLinear::kRow;
  return TpLinear::kNone;
}

void apply_tp_overlap(OpTiming& t, const Op& op, const Calibration& calib, int tp, int sm_count,
                      const SoftwareSpec& software) {
  const TpLinear kind = tp_linear_of(op);
  if (kind == TpLinear::kNone || tp <= 1) return;
  const int comm_sms = std::clamp(software.tp_overlap_comm_sms, 0, std::max(0, sm_count - 1));
  const double margin = sm_count > 0 ? static_cast<double>(sm_count - comm_sms) / sm_count : 1.0;
  double f = 0, b = 0, w = t.w_s;
  if (kind == TpLinear::kColumn) {
    f = split_time_s(op, Pass::kForward, calib, tp, 1.0);                      // ring-exchange all-gather
    b = calib.op_time_s(op, Pass::kBackwardInput, margin);                      // bulk reduce-scatter
    if (op.has_weight_grad) w = calib.op_time_s(op, Pass::kBackwardWeight, margin);  // bulk all-gather
  } else {
    f = split_time_s(op, Pass::kForward, calib, software.tp_overlap_pipeline_splits, margin);  // pipeline RS
    b = split_time_s(op, Pass::kBackwardInput, calib, tp, 1.0);                // ring-exchange all-gather
  }
  t.f_s = f;
  t.b_s = b + (t.b_recomputes_f ? f : 0.0);
  t.w_s = w;
}

}  // namespace moeplan
