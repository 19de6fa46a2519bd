// Discrete-event step: one pipeline (DP replicas behave identically at `des` fidelity) replayed on the
// engine from the schedule's per-rank chunk order. Each chunk is split into the parts DualPipe interleaves
// (attention, dispatch, MLP, combine per layer); compute parts run on the rank's compute stream, EP
// communication on its communication stream holding `comm_sms` SMs, pipeline sends on links between ranks.
// Overlap comes only from this dependency graph.
#pragma once

#include "sim/spec/scenario.h"
#include "sim/train/run_result.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// Simulates one step. When `timeline` is not null, fills it with every chunk part and the per-rank
// activation memory over time.
StepResult des_step(const Scenario& s, const StageCosts& costs, const ParallelPlan& plan, Timeline* timeline);

}  // namespace moeplan
