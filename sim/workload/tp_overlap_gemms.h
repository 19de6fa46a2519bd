// What Transformer Engine's tensor-parallel communication overlap (userbuffers, `tp_comm_overlap`) does to the
// GEMMs it hides collectives under. Hiding the all-gather and reduce-scatter is not free: the GEMM is cut into
// pieces that follow the collective's chunks, and the collective's kernels hold SMs the GEMM then lacks.
// TE's defaults (transformer_engine/pytorch/module/base.py, initialize_ub: `methods` and get_default_config):
//   ring exchange  qkv and fc1 forward, proj and fc2 dgrad: tp GEMMs of m/tp rows, one per shard as it arrives
//                  (num_splits = tp_size; one SM, no SM margin);
//   pipeline       proj and fc2 forward: num_splits = 4 GEMMs of m/4 rows on the SMs left after the
//                  reduce-scatter's num_sm = 16 (set_sm_margin);
//   bulk           qkv and fc1 dgrad and wgrad: the whole GEMM beside a 16-SM collective (set_sm_margin).
// The four are the column-parallel (qkv, fc1) and row-parallel (proj, fc2) linear layers of a TP block; MLA's
// projections and the MoE experts are not TE userbuffers layers and keep their plain cost.
#pragma once

#include "sim/calib/calibration.h"
#include "sim/model/layer_ops.h"
#include "sim/spec/software_spec.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

enum class TpLinear { kNone, kColumn, kRow };

// Which TE TP linear layer an op is: qkv_proj and ffn_gate_up are column-parallel, o_proj and ffn_down
// row-parallel; anything else is none.
TpLinear tp_linear_of(const Op& op);

// Re-times `t` (from time_op) for an op of a TP block run under TE's overlap with `tp` ranks on a GPU of
// `sm_count` SMs. A recomputed forward in `t.b_s` is re-timed with it. No change for TpLinear::kNone or tp 1.
void apply_tp_overlap(OpTiming& t, const Op& op, const Calibration& calib, int tp, int sm_count,
                      const SoftwareSpec& software);

}  // namespace moeplan
