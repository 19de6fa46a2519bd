// layer_breakdowns (see layer_breakdown.h).
#include "sim/train/layer_breakdown.h"

namespace moeplan {
namespace {

LayerBreakdown breakdown_of(const ChunkCost& chunk, int layer, bool moe, double load_factor) {
  LayerBreakdown out;
  out.kind = moe ? "moe" : "dense";
  out.layer = layer;
  out.expert_load_factor = moe ? load_factor : 1.0;
  for (const OpTiming& t : chunk.ops) {
    if (t.layer != layer) continue;
    out.ops.push_back(LayerOpTime{.name = t.name,
                                  .op_class = to_string(t.cls),
                                  .part = to_string(t.part),
                                  .forward_s = t.f_s,
                                  .backward_input_s = t.b_s,
                                  .backward_weight_s = t.w_s,
                                  .comm_s = t.comm_s,
                                  .comm_backward_s = t.comm_b_s,
                                  .forward_flops = t.flops_f});
  }
  return out;
}

}  // namespace

std::vector<LayerBreakdown> layer_breakdowns(const ModelSpec& m, const StageCosts& costs) {
  std::vector<LayerBreakdown> out;
  for (bool want_moe : {false, true}) {
    bool found = false;
    for (const RankCosts& rank : costs.ranks) {
      for (const ChunkCost& chunk : rank.chunks) {
        for (int layer : chunk.layers) {
          if (m.layer_is_moe(layer) != want_moe) continue;
          out.push_back(breakdown_of(chunk, layer, want_moe, costs.expert_load_factor));
          found = true;
          break;
        }
        if (found) break;
      }
      if (found) break;
    }
  }
  return out;
}

}  // namespace moeplan
