// run_mixed_training (see mixed_run.h).
#include "sim/train/mixed_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "sim/cost/cost_model.h"
#include "sim/cost/failure_model.h"
#include "sim/model/memory.h"
#include "sim/train/given_phase.h"
#include "sim/train/layer_breakdown.h"
#include "sim/train/phase_segments.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

std::string usd_rate(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f/GPU-h", usd);
  return buf;
}

// The job's rental rate: each pool's rate (its own price, else its GPU's dated catalog quote) weighted by its
// GPUs, so GPU-hours x rate is the sum of what every pool bills. No rate when a pool has none.
PriceSpec pooled_price(const Scenario& s, const MixedResult& d) {
  if (s.price.mode == PriceSpec::Mode::kOwned)
    throw_user_error("owned-cluster cost (price.mode: owned) is not modelled for mixed pools",
                     ErrorContext{.key_path = "price.mode", .hint = "use mode: rental with each pool's price"});
  if (s.price.usd_per_gpu_hour > 0 && !is_catalog_rental(s.price, s.cluster.gpu))
    throw_user_error("a scenario-wide price does not say which pool it is for",
                     ErrorContext{.key_path = "price.usd_per_gpu_hour",
                                  .hint = "give each pool its usd_per_gpu_hour and price_source"});
  PriceSpec p = s.price;
  p.usd_per_gpu_hour = 0;
  p.date.clear();
  p.source.clear();
  double weighted = 0;
  int gpus = 0;
  bool all_priced = true;
  for (std::size_t k = 0; k < d.pools.size(); ++k) {
    const MixedPool& mp = d.pools[k];
    const GpuPoolSpec& spec = s.cluster.pools.pools[k];
    gpus += mp.n_gpus;
    weighted += mp.usd_per_gpu_hour * mp.n_gpus;
    all_priced = all_priced && mp.usd_per_gpu_hour > 0;
    p.source += (p.source.empty() ? "" : "; ") + mp.name + " " + usd_rate(mp.usd_per_gpu_hour) + " (" +
                mp.price_source + ")";
    // The oldest quote dates the whole price (a pool's own price carries no date).
    if (spec.usd_per_gpu_hour <= 0 && !spec.gpu.rental.date.empty() && (p.date.empty() || spec.gpu.rental.date < p.date))
      p.date = spec.gpu.rental.date;
  }
  if (all_priced && gpus > 0) {
    p.usd_per_gpu_hour = weighted / gpus;
    p.source = "GPU-weighted mean of the pools: " + p.source;
  } else {
    p.source.clear();
    p.note = "a pool has no price, so the job has none: " + p.source;
  }
  return p;
}

std::string pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * x);
  return buf;
}

std::string seconds(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", x);
  return buf;
}

}  // namespace

RunResult run_mixed_training(const Scenario& s, const RunOptions& options) {
  const PoolRuntimes pools = load_pool_runtimes(s, options.calibration_for);
  const int n_gpus = s.cluster.n_gpus();
  const int main_phase = main_phase_index(s);
  const ParallelPlan& plan = s.parallel;

  RunResult out;
  out.inputs.scenario_file = s.file;
  out.inputs.scenario_name = s.name;
  out.inputs.moeplan_version = options.moeplan_version;
  out.inputs.seed = s.seed;
  out.inputs.fidelity = to_string(s.fidelity);
  out.inputs.gpu = blended_gpu(s).name;
  out.inputs.n_gpus = n_gpus;
  out.inputs.plan_summary = plan_summary(plan) + " on pools (" + to_string(s.cluster.pools.layout) + ")";
  for (std::size_t k = 0; k < pools.calibs.size(); ++k) {
    const ProfileInfo& info = pools.calibs[k]->info();
    const std::string tag = s.cluster.pools.pools[k].name + ": ";
    out.inputs.calibration_profile += (k ? "; " : "") + tag + info.path;
    out.inputs.calibration_source += (k ? "; " : "") + tag + info.method + ": " + info.source;
    out.inputs.calibration_provenance += (k ? "; " : "") + tag + info.provenance;
  }
  out.model = summarize_model(s.model, main_phase >= 0 ? s.training.phases[main_phase].seq_len : 4096);
  out.memory_fits = true;

  for (std::size_t i = 0; i < s.training.phases.size(); ++i) {
    const TrainingPhase& ph = s.training.phases[i];
    PhaseResult pr;
    pr.name = ph.name;
    pr.seq_len = ph.seq_len;
    if (ph.given_gpu_hours > 0) {
      pr = given_phase_result(ph, n_gpus, out.notes);
      out.gpu_hours += pr.gpu_hours;
      out.phases.push_back(pr);
      continue;
    }
    pr.plan = out.inputs.plan_summary;
    std::map<int, MixedStep> steps_by_batch;
    double secs = 0, steps = 0;
    const bool main = static_cast<int>(i) == main_phase;
    for (const PhaseSegment& seg : phase_segments(ph, plan.dp * plan.micro_batch, 0)) {
      auto it = steps_by_batch.find(seg.global_batch);
      if (it == steps_by_batch.end()) {
        Timeline* tl = main && options.want_timeline && seg.global_batch == ph.global_batch ? &out.timeline : nullptr;
        it = steps_by_batch.emplace(seg.global_batch, mixed_step(s, pools, StepShape{plan, ph.seq_len, seg.global_batch, true}, tl))
                 .first;
      }
      secs += seg.steps * it->second.step.time_s;
      steps += seg.steps;
      pr.tokens += seg.tokens;
    }
    for (const auto& [batch, ms] : steps_by_batch) out.memory_fits = out.memory_fits && ms.memory_fits;
    pr.steps = static_cast<long long>(std::llround(steps));
    pr.step_time_s = steps > 0 ? secs / steps : 0;
    pr.gpu_hours = secs * n_gpus / units::kSecondsPerHour;
    pr.days = secs / units::kSecondsPerDay;
    if (main) {
      auto final_it = steps_by_batch.find(ph.global_batch);
      const MixedStep& ms = final_it != steps_by_batch.end() ? final_it->second : steps_by_batch.rbegin()->second;
      out.step = ms.step;
      out.step.phase = ph.name;
      out.mixed = ms.detail;
      out.memory = ms.memory;
      for (const MemoryBreakdown& mb : out.memory) out.memory_peak_bytes = std::max(out.memory_peak_bytes, mb.total());
      // The layer tables show the slowest member's GPU.
      const MixedMember& slow = ms.detail.members.at(static_cast<std::size_t>(ms.detail.slowest));
      std::size_t k = 0;
      while (s.cluster.pools.pools[k].name != slow.pool) ++k;
      out.layers = layer_breakdowns(s.model, step_costs(pools.scenarios[k], *pools.calibs[k],
                                                        StepShape{plan, ph.seq_len, out.step.global_batch, true}));
      out.notes.push_back(std::string("mixed GPU pools (") + to_string(s.cluster.pools.layout) + ", " + ms.detail.balance +
                          "): the slowest member is " + (ms.detail.layout == "stages" ? "stage " : "replica ") +
                          std::to_string(slow.index) + " on pool `" + slow.pool + "` (" + slow.gpu + ", " +
                          seconds(slow.time_s) + "); the others wait " + pct(ms.detail.idle_fraction) +
                          " of the time; the one-GPU-type cut (" + ms.detail.unbalanced_cut + ") would take " +
                          seconds(ms.detail.unbalanced_step_time_s) + " per step; layer tables show " + slow.gpu);
      if (s.cluster.pools.layout == GpuPoolLayout::kReplicas)
        out.notes.push_back("memory shown for pool `" + ms.memory_pool + "`, the one nearest its HBM");
    }
    out.gpu_hours += pr.gpu_hours;
    out.phases.push_back(pr);
  }
  out.days = 0;
  for (const PhaseResult& pr : out.phases) out.days += pr.days;
  if (!out.memory_fits) {
    for (const MixedMember& m : out.mixed.members)
      if (!m.fits()) {
        out.does_not_fit = std::string(out.mixed.layout == "stages" ? "stage " : "replica ") + std::to_string(m.index) +
                           " on pool `" + m.pool + "` (" + m.gpu + ") needs " + units::format_bytes(m.memory_bytes) +
                           " of " + units::format_bytes(m.capacity_bytes) + " per GPU";
        break;
      }
    if (out.does_not_fit.empty()) out.does_not_fit = "a phase's step does not fit on one of the pools' GPUs";
    out.notes.push_back("does not fit: " + out.does_not_fit);
  }

  const PriceSpec price = pooled_price(s, out.mixed);
  CostResult failure_free = compute_cost(out.gpu_hours, n_gpus, blended_gpu(s), price);
  failure_free.wall_clock_days = out.days;
  if (s.failures.enabled)
    out.goodput = compute_goodput(s.failures, n_gpus, s.cluster.gpus_per_node, checkpoint_bytes(s.model, s.precision),
                                  out.gpu_hours, failure_free.usd_per_gpu_hour);
  out.cost = include_failures(failure_free, out.goodput);
  return out;
}

}  // namespace moeplan
