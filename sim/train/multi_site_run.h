// run_multi_site: a training run spread over several sites joined by WAN links (Scenario::sites).
//
// Each site's replicas run on that site's GPUs and fabrics through the single-cluster machinery
// (run_training), and the synchronous step waits for the slowest site. How the sites exchange gradients depends
// on parallel.dp_sync:
//  - every-step: one data-parallel group over every replica. A site is simulated as if the whole job ran on its
//    hardware (its step then includes the DP reduce-scatter and all-gather on its own fabric), and the WAN
//    stage of the hierarchical all-reduce (wan_collective.h) is added to every step, exposed: it starts when
//    the site has reduced its gradients.
//  - the low-communication methods (DiLoCo family, DeMo): each site is one worker that trains its share of
//    the global batch with data parallelism inside the site; the outer exchange across sites is costed by the
//    outer-sync model (sim/workload/outer_sync.h).
// GPU-hours and dollars are summed over sites at each site's price; egress is priced per WAN link.
#pragma once

#include <vector>

#include "sim/calib/calibration.h"
#include "sim/spec/scenario.h"
#include "sim/train/run_result.h"
#include "sim/train/training_run.h"

namespace moeplan {

// The scenario site `i` runs (see the file comment): its GPU, nodes and fabrics, its price (the site's, else
// its GPU's catalog quote), and either the whole job's plan (every-step) or its own replicas and share of
// the global batch (the other methods).
Scenario site_scenario(const Scenario& s, size_t i);

// `calibrations[i]` is site i's profile. Throws a user Error when the scenario has no sites.
RunResult run_multi_site(const Scenario& s, const std::vector<const Calibration*>& calibrations,
                         const RunOptions& options = {});

}  // namespace moeplan
