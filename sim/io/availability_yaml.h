// Reader for a scenario's `availability:` section (spot/preemptible and volunteer nodes; see
// sim/spec/availability_spec.h and docs/churn.md). Internal to the scenario loader.
#pragma once

#include "sim/io/yaml_reader.h"
#include "sim/spec/availability_spec.h"
#include "sim/spec/cluster_spec.h"

namespace moeplan::io {

// Reads `availability: {spot: {...}} | {volunteer: {...}}`. Rates without a published default are required,
// and a missing one fails at the section with what to give and where figures are published. `cluster` converts
// a per-GPU preemption rate to a per-node one.
AvailabilitySpec read_availability(const YamlField& f, const ClusterSpec& cluster);

}  // namespace moeplan::io
