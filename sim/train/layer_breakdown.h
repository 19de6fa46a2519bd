// layer_breakdown: the per-op time of one dense and one MoE transformer layer, read from the stage costs a
// step was simulated with, so a report can say where a layer's time goes.
#pragma once

#include <vector>

#include "sim/spec/model_spec.h"
#include "sim/train/run_result.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// The first dense layer and the first MoE layer found in the ranks' chunks (at most one of each, dense
// first). Ops of the embedding, head and MTP modules are not part of a layer and are left out.
std::vector<LayerBreakdown> layer_breakdowns(const ModelSpec& m, const StageCosts& costs);

}  // namespace moeplan
