// PlanConstraints: what the user's training stack can run, written in a scenario's `constraints:` block. The
// planner (plan, compare, capacity sizing) only proposes plans inside them, and a scenario or sweep point whose
// own plan falls outside them is refused with the constraint it breaks. Every field's default is "no limit".
#pragma once

#include <string>
#include <vector>

#include "sim/spec/parallel_plan.h"

namespace moeplan {

// Plan features a stack may lack; names as written in `constraints.features`.
enum class PlanFeature { kTpOverlap, kEpOverlap, kSequenceParallel, kContextParallel };
const char* to_string(PlanFeature f);
bool parse_plan_feature(const std::string& name, PlanFeature* out);
std::vector<std::string> plan_feature_names();

struct PlanConstraints {
  bool given = false;                        // a `constraints:` block was written
  std::vector<PipelineSchedule> schedules;   // allowed schedules; empty: any
  bool features_given = false;               // `features:` was written: only those listed are allowed
  std::vector<PlanFeature> features;
  int max_tp = 0, max_cp = 0, max_pp = 0, max_ep = 0;  // 0: no limit
  int fixed_tp = 0, fixed_cp = 0, fixed_pp = 0, fixed_ep = 0, fixed_dp = 0;  // 0: free
  double min_headroom = -1;                  // least free HBM fraction on the fullest GPU; < 0: the command's
  std::string framework;                     // software preset whose declared schedules and features bound these
  bool allows(PlanFeature f) const;
};

// The first constraint plan `p` breaks, as {key under `constraints`, message}; {"", ""} when it breaks none.
struct ConstraintBreach {
  std::string key;
  std::string message;
  bool any() const { return !key.empty(); }
};
ConstraintBreach check_constraints(const PlanConstraints& c, const ParallelPlan& p);

}  // namespace moeplan
