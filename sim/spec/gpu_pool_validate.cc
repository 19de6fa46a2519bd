// Cross-checks of mixed-GPU pools against the plan, the model and the training phases (see gpu_pool_spec.h).
#include <algorithm>
#include <numeric>
#include <set>
#include <string>

#include "sim/spec/scenario.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

std::string n(long long v) { return std::to_string(v); }

[[noreturn]] void fail(const std::string& key, const std::string& message, const std::string& hint = "") {
  throw_user_error(message, ErrorContext{.key_path = key, .hint = hint});
}

std::string pool_key(std::size_t k) { return "cluster.pools[" + std::to_string(k) + "]"; }

// GPUs one member takes: a pipeline stage's tp x cp x dp, or a replica's tp x cp x pp.
int member_gpus(const Scenario& s) {
  const ParallelPlan& p = s.parallel;
  return s.cluster.pools.layout == GpuPoolLayout::kStages ? p.tp * p.cp * p.dp : p.tp * p.cp * p.pp;
}

// Every pool gives its list, or none does; a pool's list has one entry per member, each >= 1.
void check_given(const Scenario& s, std::vector<int> GpuPoolSpec::*list, const std::string& what, long long total,
                 const std::string& total_what) {
  const auto& pools = s.cluster.pools.pools;
  const bool any = std::any_of(pools.begin(), pools.end(), [&](const GpuPoolSpec& g) { return !(g.*list).empty(); });
  if (!any) return;
  long long sum = 0;
  for (std::size_t k = 0; k < pools.size(); ++k) {
    const std::vector<int>& given = pools[k].*list;
    const std::string key = pool_key(k) + "." + what;
    if (given.empty())
      fail(key, "pool `" + pools[k].name + "` gives no " + what + " while another pool does",
           "give " + what + " for every pool, or for none (then they are balanced by speed)");
    const int members = pool_members(s, static_cast<int>(k));
    if (static_cast<int>(given.size()) != members)
      fail(key, "pool `" + pools[k].name + "` holds " + n(members) + " " +
                    (s.cluster.pools.layout == GpuPoolLayout::kStages ? "pipeline stages" : "replicas") + " but lists " +
                    n(static_cast<long long>(given.size())) + " " + what,
           "one entry per member");
    for (int v : given) {
      if (v < 1) fail(key, what + " of every member must be at least 1, not " + n(v));
      sum += v;
    }
  }
  if (sum != total)
    fail(pool_key(pools.size() - 1) + "." + what,
         "the pools' " + what + " add up to " + n(sum) + " but " + total_what + " is " + n(total),
         "make them add up to " + n(total));
}

}  // namespace

const char* to_string(GpuPoolLayout l) { return l == GpuPoolLayout::kStages ? "stages" : "replicas"; }

int pool_members(const Scenario& s, int k) {
  const int per = member_gpus(s);
  return per > 0 ? s.cluster.pools.pools.at(static_cast<std::size_t>(k)).n_gpus() / per : 0;
}

void validate_pools(const Scenario& s) {
  const GpuPoolsSpec& gp = s.cluster.pools;
  if (!gp.enabled()) return;
  const ParallelPlan& p = s.parallel;
  const bool stages = gp.layout == GpuPoolLayout::kStages;
  std::set<std::string> names;
  for (std::size_t k = 0; k < gp.pools.size(); ++k) {
    const GpuPoolSpec& pool = gp.pools[k];
    if (!names.insert(pool.name).second)
      fail(pool_key(k) + ".name", "two pools are named `" + pool.name + "`",
           "give each pool its own name (two pools of one GPU type need one)");
    if (pool.gpus_per_node != gp.pools.front().gpus_per_node)
      fail(pool_key(k) + ".gpus_per_node",
           "pool `" + pool.name + "` has " + n(pool.gpus_per_node) + " GPUs per node and pool `" +
               gp.pools.front().name + "` " + n(gp.pools.front().gpus_per_node),
           "every pool has the same node size");
    const int per = member_gpus(s);
    if (pool.n_gpus() % per != 0 || pool.n_gpus() < per)
      fail(pool_key(k) + ".nodes",
           "pool `" + pool.name + "` has " + n(pool.n_gpus()) + " GPUs, not a whole number of " +
               (stages ? "pipeline stages of tp x cp x dp = " : "replicas of tp x cp x pp = ") + n(per) + " GPUs",
           stages ? "each pool holds whole pipeline stages: size it in multiples of " + n(per) + " GPUs"
                  : "each pool holds whole replicas: size it in multiples of " + n(per) + " GPUs");
  }
  if (stages) {
    if (p.schedule != PipelineSchedule::kGpipe && p.schedule != PipelineSchedule::k1F1B &&
        p.schedule != PipelineSchedule::kZbH1)
      fail("parallel.schedule",
           std::string("pipeline stages on mixed pools need one model chunk per rank; ") + to_string(p.schedule) +
               " gives a rank several",
           "use gpipe, 1f1b or zb-h1, or pool_layout: replicas");
    if (p.first_stage_layers || p.last_stage_layers)
      fail(p.first_stage_layers ? "parallel.first_stage_layers" : "parallel.last_stage_layers",
           "with pipeline stages on mixed pools the layers per stage are balanced by speed",
           "drop it, or give each pool's `layers`");
    check_given(s, &GpuPoolSpec::layers, "layers", s.model.n_layers, "the model's layer count");
    for (std::size_t k = 0; k < gp.pools.size(); ++k)
      if (!gp.pools[k].micro_batches.empty())
        fail(pool_key(k) + ".micro_batches", "micro_batches are given per replica; these pools hold stages",
             "use pool_layout: replicas, or drop micro_batches");
  } else {
    if (p.schedule == PipelineSchedule::kDualPipe || p.schedule == PipelineSchedule::kDualPipeV)
      fail("parallel.schedule",
           std::string("replicas on mixed pools are given micro-batch counts one at a time; ") + to_string(p.schedule) +
               " feeds micro-batches in pairs from both ends",
           "use 1f1b, interleaved, gpipe or zb-h1");
    for (std::size_t k = 0; k < gp.pools.size(); ++k)
      if (!gp.pools[k].layers.empty())
        fail(pool_key(k) + ".layers", "layers are given per pipeline stage; these pools hold replicas",
             "use pool_layout: stages, or drop layers");
  }
  // Sites hold one GPU type each (site_spec.h); churn is costed on the one-GPU-type run path.
  if (s.sites.enabled())
    fail("sites", "a scenario has either sites or mixed GPU pools in one cluster, not both",
         "give each site its own GPU type, or drop `sites`");
  if (s.availability.enabled())
    fail("availability", "spot or volunteer churn is not modelled for mixed GPU pools",
         "drop `availability`, or run the pools' GPU types as scenarios of their own");
  if (s.fidelity == Fidelity::kDesFull)
    fail("fidelity", "des-full lays out every rank on one GPU type; mixed pools run at des or analytic",
         "use fidelity: des");
  for (std::size_t i = 0; i < s.training.phases.size(); ++i) {
    const TrainingPhase& ph = s.training.phases[i];
    const std::string key = "training.phases[" + std::to_string(i) + "]";
    if (ph.cluster_overridden || ph.parallel_overridden)
      fail(key + (ph.cluster_overridden ? ".cluster" : ".parallel"),
           "a phase on mixed pools runs on the scenario's pools and plan",
           "write the other cluster or plan as a scenario of its own");
    if (ph.given_gpu_hours > 0 || stages) continue;
    if (ph.global_batch % p.micro_batch != 0)
      fail(key + ".global_batch", "the global batch of " + n(ph.global_batch) + " sequences is not a whole number of "
                                  "micro-batches of " + n(p.micro_batch), "a multiple of parallel.micro_batch");
    if (!gp.pools.front().micro_batches.empty()) {
      if (ph.ramp.over_tokens > 0)
        fail(key + ".ramp", "micro-batches given per replica fix the batch; a ramp changes it",
             "drop the ramp, or let the pools balance the micro-batches");
      check_given(s, &GpuPoolSpec::micro_batches, "micro_batches", ph.global_batch / p.micro_batch,
                  "phase `" + ph.name + "`'s micro-batch count (global_batch / micro_batch)");
    }
  }
}

}  // namespace moeplan
