// Notes a run report gives about how the cluster's shape enters the step: a scale-up domain larger than a
// node (GB200 NVL72) changes which groups talk over NVLink, and a reader comparing it with an 8-GPU-node
// cluster needs to be told so.
#pragma once

#include <string>

#include "sim/spec/cluster_spec.h"
#include "sim/spec/parallel_plan.h"

namespace moeplan {

// "" when the scale-up domain is the node. Otherwise: how the cluster splits into blocks on one scale-up
// fabric, the GPUs of each domain left idle, and which of the plan's groups (TP, EP) that keeps on the
// scale-up fabric instead of the NICs.
std::string scale_up_domain_note(const ClusterSpec& c, const ParallelPlan& p);

}  // namespace moeplan
