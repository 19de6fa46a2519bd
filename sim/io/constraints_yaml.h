// Reading a scenario's `constraints:` block into PlanConstraints (docs/scenario-format.md, "constraints").
#pragma once

#include "sim/io/yaml_reader.h"
#include "sim/spec/plan_constraints.h"
#include "sim/spec/software_spec.h"

namespace moeplan::io {

// {schedules, features, max_tp, max_cp, max_pp, max_ep, fixed: {tp, cp, pp, ep, dp}, min_headroom}. Unknown
// keys, schedules and features fail at their line with the closest valid name.
PlanConstraints read_constraints(const YamlField& f);

// `constraints.framework: <software preset>`: narrows the schedules and features to those the preset declares
// (intersected with any the block lists). Fails at `at` when the preset declares none.
void apply_framework(PlanConstraints& c, const SoftwareSpec& preset, const YamlField& at);

}  // namespace moeplan::io
