// Plan constraints (see plan_constraints.h).
#include "sim/spec/plan_constraints.h"

#include <algorithm>

namespace moeplan {
namespace {

struct FeatureName {
  PlanFeature f;
  const char* name;
};
constexpr FeatureName kFeatures[] = {{PlanFeature::kTpOverlap, "tp-overlap"},
                                     {PlanFeature::kEpOverlap, "ep-overlap"},
                                     {PlanFeature::kSequenceParallel, "sequence-parallel"},
                                     {PlanFeature::kContextParallel, "context-parallel"}};

std::string n(int v) { return std::to_string(v); }

}  // namespace

const char* to_string(PlanFeature f) {
  for (const FeatureName& x : kFeatures)
    if (x.f == f) return x.name;
  return "?";
}

bool parse_plan_feature(const std::string& name, PlanFeature* out) {
  for (const FeatureName& x : kFeatures)
    if (name == x.name) {
      *out = x.f;
      return true;
    }
  return false;
}

std::vector<std::string> plan_feature_names() {
  std::vector<std::string> out;
  for (const FeatureName& x : kFeatures) out.push_back(x.name);
  return out;
}

bool PlanConstraints::allows(PlanFeature f) const {
  return !features_given || std::find(features.begin(), features.end(), f) != features.end();
}

ConstraintBreach check_constraints(const PlanConstraints& c, const ParallelPlan& p) {
  if (!c.given) return {};
  if (!c.schedules.empty() && p.pp > 1 &&
      std::find(c.schedules.begin(), c.schedules.end(), p.schedule) == c.schedules.end()) {
    std::string allowed;
    for (PipelineSchedule s : c.schedules) allowed += std::string(allowed.empty() ? "" : ", ") + to_string(s);
    return {"schedules", std::string("schedule ") + to_string(p.schedule) + " is not among the allowed (" + allowed + ")"};
  }
  auto feature = [&](bool used, PlanFeature f) -> ConstraintBreach {
    if (used && !c.allows(f)) return {"features", std::string(to_string(f)) + " is not among the allowed features"};
    return {};
  };
  for (ConstraintBreach b : {feature(p.tp_comm_overlap, PlanFeature::kTpOverlap),
                             feature(p.ep_overlap, PlanFeature::kEpOverlap),
                             feature(p.sequence_parallel && p.tp > 1, PlanFeature::kSequenceParallel),
                             feature(p.cp > 1, PlanFeature::kContextParallel)})
    if (b.any()) return b;
  struct Degree {
    const char* name;
    int value, max, fixed;
  };
  const Degree degrees[] = {{"tp", p.tp, c.max_tp, c.fixed_tp}, {"cp", p.cp, c.max_cp, c.fixed_cp},
                            {"pp", p.pp, c.max_pp, c.fixed_pp}, {"ep", p.ep, c.max_ep, c.fixed_ep},
                            {"dp", p.dp, 0, c.fixed_dp}};
  for (const Degree& d : degrees) {
    if (d.max > 0 && d.value > d.max)
      return {std::string("max_") + d.name, std::string(d.name) + " = " + n(d.value) + " is above the allowed " + n(d.max)};
    if (d.fixed > 0 && d.value != d.fixed)
      return {std::string("fixed.") + d.name, std::string(d.name) + " = " + n(d.value) + " but the constraints fix it at " +
                                                  n(d.fixed)};
  }
  return {};
}

}  // namespace moeplan
