// Scenario: everything one moeplan run needs, as loaded and validated from a YAML file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/spec/availability_spec.h"
#include "sim/spec/cluster_spec.h"
#include "sim/spec/failure_spec.h"
#include "sim/spec/model_spec.h"
#include "sim/spec/parallel_plan.h"
#include "sim/spec/plan_constraints.h"
#include "sim/spec/precision_recipe.h"
#include "sim/spec/price_spec.h"
#include "sim/spec/site_spec.h"
#include "sim/spec/software_spec.h"
#include "sim/spec/training_spec.h"

namespace moeplan {

enum class Fidelity { kAnalytic, kDes, kDesFull };

struct RoutingSpec {
  std::string distribution = "balanced";  // "balanced" | "balanced-exact" | "zipf" | "dirichlet"
  double skew = 0;                        // zipf exponent or 1/dirichlet-concentration; 0 = uniform
  int nodes_per_token = 0;                // node-limited routing M; 0 = from model (n_limited_groups)
};

// Speed differences between GPUs of the same model (manufacturing and power management): each GPU's compute
// time is the profile's (the median GPU's) times a factor drawn uniformly from [1 - spread/2, 1 + spread/2],
// seeded from the scenario. A synchronous step waits for its slowest GPUs. 0 = identical GPUs.
struct GpuVariationSpec {
  double spread = 0;                      // (slowest - fastest) / median compute time, e.g. 0.08
  std::string source;                     // where the figure comes from
};

struct SweepAxis {
  std::string key;                        // dotted scenario path, e.g. "parallel.pp"
  std::vector<std::string> values;        // values as YAML scalars
};

// One option of a scale-out comparison (`compare:`, docs/scale-out.md): the scenario with these overrides.
struct CompareOption {
  std::string name;
  std::vector<std::string> overrides;     // "dotted.key=value" as on the command line
};

struct Scenario {
  std::string name;
  std::string file;                       // path it was loaded from ("" when built in code)
  ModelSpec model;
  // With `sites`, `cluster` is the first site's cluster grown to every site's GPUs: what the plan checks count
  // against (sites_yaml.h); each site runs its replicas on its own GPUs and fabrics.
  ClusterSpec cluster;
  // Several sites joined by WAN links (`sites:` / `wan:`); empty for a scenario on one cluster. When set, each
  // site runs whole dp replicas of `parallel`'s layout.
  MultiSiteSpec sites;
  ParallelPlan parallel;
  PrecisionRecipe precision;
  TrainingSpec training;
  PriceSpec price;
  FailureSpec failures;
  AvailabilitySpec availability;          // spot or volunteer nodes (docs/churn.md); off by default
  RoutingSpec routing;
  GpuVariationSpec gpu_variation;
  SoftwareSpec software;                  // which kernels and overlaps the training software used
  std::string calibration;                // profile path; "" = the GPU's default profile
  Fidelity fidelity = Fidelity::kDes;
  std::uint64_t seed = 1;
  std::vector<SweepAxis> sweep;
  PlanConstraints constraints;            // what the training stack can run (plan search and own plan)
  std::vector<CompareOption> compare;     // options `moeplan compare` runs side by side
};

// Cross-checks the parts against each other (tp*pp*dp = GPUs, ep divides experts and fits its group,
// layers split over stages, tp <= kv heads, ...). Throws a user Error with the key path and a hint.
void validate(const Scenario& s);

const char* to_string(Fidelity f);

}  // namespace moeplan
