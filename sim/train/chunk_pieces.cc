// chunk_pieces (see chunk_pieces.h).
#include "sim/train/chunk_pieces.h"

#include "sim/units/error.h"

namespace moeplan {

const ChunkCost& chunk_cost_of(const PipelineOrder& order, const StageCosts& costs, int rank, int stage,
                               int direction) {
  const int key = direction * order.stages + stage;
  const auto& held = order.rank_stages.at(rank);
  const auto& chunks = costs.ranks.at(rank).chunks;
  for (size_t i = 0; i < held.size() && i < chunks.size(); ++i)
    if (held[i] == key) return chunks[i];
  // Stage costs list the rank's chunks by model stage; match on the stage index as a fallback.
  for (const ChunkCost& c : chunks)
    if (c.stage == stage) return c;
  throw_internal_error("rank " + std::to_string(rank) + " holds no chunk for stage " + std::to_string(stage));
}

int moe_layers_in(const ChunkCost& c) {
  int n = 0;
  for (const OpTiming& op : c.ops) n += op.cls == OpClass::kDispatch;
  return n;
}

std::vector<ChunkPiece> chunk_pieces(const ChunkCost& c, char pass) {
  std::vector<ChunkPiece> out;
  // MoE layer of each op: the number of dispatches up to and including it, minus one. Routed experts and
  // the combine sit after their layer's dispatch.
  std::vector<int> layer_of(c.ops.size());
  int n = -1;
  for (size_t i = 0; i < c.ops.size(); ++i) {
    if (c.ops[i].cls == OpClass::kDispatch) ++n;
    layer_of[i] = n;
  }
  auto push_compute = [&](double t, const std::string& name, int moe_layer) {
    if (t <= 0) return;
    if (!out.empty() && !out.back().comm()) {
      ChunkPiece& p = out.back();
      p.seconds += t;
      // A dispatch and a combine separate the routed experts of two layers whenever they take time (EP > 1);
      // without them (EP = 1: no routing variation to follow) the piece keeps its first layer.
      if (p.moe_layer < 0) p.moe_layer = moe_layer;
    } else {
      out.push_back({PieceKind::kCompute, t, name, moe_layer, 0});
    }
  };
  int group = -1;
  auto visit = [&](size_t i) {
    const OpTiming& op = c.ops[i];
    if (op.param_group >= 0 && op.param_group != group) {
      group = op.param_group;
      const double g = c.param_gather_s.at(group);
      if (g > 0) out.push_back({PieceKind::kParamGather, g, "zero3 all-gather", -1, 0});
    }
    if (op.cls == OpClass::kDispatch || op.cls == OpClass::kCombine || op.cls == OpClass::kTpCollective ||
        op.cls == OpClass::kCpRing || op.cls == OpClass::kCpAllToAll) {
      const double seconds = pass == 'F' ? op.comm_s : op.comm_b_s;
      if (seconds <= 0) return;
      const PieceKind kind = op.cls == OpClass::kDispatch       ? PieceKind::kDispatch
                             : op.cls == OpClass::kCombine      ? PieceKind::kCombine
                             : op.cls == OpClass::kTpCollective ? PieceKind::kTpCollective
                                                                : PieceKind::kCpComm;
      const bool moe = kind == PieceKind::kDispatch || kind == PieceKind::kCombine;
      out.push_back({kind, seconds, op.name, moe ? layer_of[i] : -1, op.comm_bytes, op.tp_hide_before_s,
                     op.tp_hide_after_s});
      return;
    }
    push_compute(pass == 'F' ? op.f_s : op.b_s, op.name, is_routed_expert_op(op) ? layer_of[i] : -1);
  };
  if (pass == 'F') {
    for (size_t i = 0; i < c.ops.size(); ++i) visit(i);
  } else if (pass == 'B') {
    for (size_t i = c.ops.size(); i-- > 0;) visit(i);
  } else {
    push_compute(c.w_s, "wgrad", -1);
  }
  return out;
}

double pair_compute_scale(const ChunkCost& f, const ChunkCost& b, double sm_fraction_during_comm) {
  const bool communicates = f.f_comm_s > 0 || b.b_comm_s > 0;
  return communicates && sm_fraction_during_comm > 0 && sm_fraction_during_comm < 1 ? 1 / sm_fraction_during_comm
                                                                                    : 1.0;
}

}  // namespace moeplan
