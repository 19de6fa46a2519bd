// Multi-site training run (see multi_site_run.h).
#include "sim/train/multi_site_run.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/cost/cost_model.h"
#include "sim/model/params.h"
#include "sim/network/wan_collective.h"
#include "sim/train/site_sync.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

int replica_gpus(const ParallelPlan& p) { return p.tp * p.cp * p.pp; }

std::string gpu_names(const MultiSiteSpec& m) {
  std::vector<std::string> names;
  for (const SiteSpec& s : m.sites)
    if (std::find(names.begin(), names.end(), s.gpu.name) == names.end()) names.push_back(s.gpu.name);
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " + ") + n;
  return out;
}

std::string ring_text(const MultiSiteSpec& m, const network::WanRing& r) {
  std::string out;
  for (int i : r.order) out += (out.empty() ? "" : " -> ") + m.sites[i].name;
  if (r.order.size() > 1) out += " -> " + m.sites[r.order.front()].name;
  return out;
}

}  // namespace

Scenario site_scenario(const Scenario& s, size_t i) {
  const SiteSpec& site = s.sites.sites.at(i);
  Scenario out = s;
  out.sites = MultiSiteSpec{};
  out.name = s.name + " @ " + site.name;
  out.cluster.gpu = site.gpu;
  out.cluster.gpus_per_node = site.gpus_per_node;
  out.cluster.scale_up = site.scale_up;
  out.cluster.scale_out = site.scale_out;
  out.cluster.nics_per_node = site.nics_per_node;
  out.cluster.n_nodes = site.n_nodes;
  const int site_replicas = site.n_gpus() / replica_gpus(s.parallel);
  if (s.parallel.dp_sync.is_every_step()) {
    // The whole job's DP group on this site's hardware: the same plan and global batch, on as many of the
    // site's nodes as the job has GPUs (sites of another node shape: rounded up, which only sizes the fabric).
    out.cluster.n_nodes = (s.parallel.n_gpus() + site.gpus_per_node - 1) / site.gpus_per_node;
  } else {
    // One worker: the site's replicas and their share of each global batch.
    out.parallel.dp = site_replicas;
    for (TrainingPhase& ph : out.training.phases) {
      ph.global_batch = static_cast<int>(static_cast<long long>(ph.global_batch) * site_replicas / s.parallel.dp);
      // Phase tokens count every worker's; a phase given in steps keeps them (every worker runs each step).
      ph.tokens = ph.tokens * site_replicas / s.parallel.dp;
      ph.ramp = BatchRamp{};
      ph.parallel = out.parallel;
      ph.cluster = out.cluster;
    }
  }
  for (TrainingPhase& ph : out.training.phases) {
    if (!ph.parallel_overridden) ph.parallel = out.parallel;
    if (!ph.cluster_overridden) ph.cluster = out.cluster;
  }
  if (site.usd_per_gpu_hour > 0) {
    out.price.usd_per_gpu_hour = site.usd_per_gpu_hour;
    out.price.source = site.price_source.empty() ? "site " + site.name : site.price_source;
    out.price.date.clear();
  } else {
    use_catalog_rental(out.price, site.gpu);
  }
  // Failures and churn are rated for one cluster; a multi-site run leaves them out (noted in the result).
  out.failures.enabled = false;
  out.availability = AvailabilitySpec{};
  return out;
}

RunResult run_multi_site(const Scenario& s, const std::vector<const Calibration*>& calibrations,
                         const RunOptions& options) {
  const MultiSiteSpec& m = s.sites;
  if (!m.enabled()) throw_user_error("run_multi_site needs a scenario with `sites:`", ErrorContext{.key_path = "sites"});
  if (calibrations.size() != m.sites.size())
    throw_internal_error("run_multi_site: one calibration per site is needed");
  const size_t n = m.sites.size();
  std::vector<Scenario> scenarios;
  std::vector<RunResult> runs;
  // Sites with the same hardware, size and profile run the same steps: simulate each such site once.
  std::map<std::string, size_t> simulated;
  for (size_t i = 0; i < n; ++i) {
    scenarios.push_back(site_scenario(s, i));
    const SiteSpec& site = m.sites[i];
    const std::string key = site.gpu.name + "|" + std::to_string(site.n_nodes) + "|" +
                            std::to_string(site.gpus_per_node) + "|" + site.scale_up.name + "|" +
                            site.scale_out.name + "|" + std::to_string(site.nics_per_node) + "|" +
                            calibrations[i]->info().path + "|" + calibrations[i]->info().gpu;
    auto it = simulated.find(key);
    if (it != simulated.end() && site.scale_up.achievable_Bps == m.sites[it->second].scale_up.achievable_Bps &&
        site.scale_out.achievable_Bps == m.sites[it->second].scale_out.achievable_Bps) {
      runs.push_back(runs[it->second]);
      continue;
    }
    simulated.emplace(key, i);
    runs.push_back(run_training(scenarios.back(), *calibrations[i], options));
  }
  // The slowest site sets the synchronous step of the main phase.
  size_t slowest = 0;
  for (size_t i = 1; i < n; ++i)
    if (runs[i].step.time_s > runs[slowest].step.time_s) slowest = i;
  RunResult out = runs[slowest];
  ScaleOutResult& so = out.scale_out;
  so.present = true;
  so.dp_sync = to_string(s.parallel.dp_sync.method);
  so.slowest_site = m.sites[slowest].name;
  const network::WanRing ring = network::best_wan_ring(m);
  so.ring = ring_text(m, ring);

  // The exchange across sites, per inner step of the main phase.
  SiteSyncInputs in;
  in.sites = &m;
  in.ring = &ring;
  in.plan = &s.parallel;
  in.replica_gpus = replica_gpus(s.parallel);
  in.params = out.model.params_total + out.model.params_mtp;
  in.layers = s.model.n_layers;
  in.active_params = out.model.params_active;
  for (int l = 0; l < s.model.n_layers; ++l) {
    const LayerParams lp = layer_params(s.model, l);
    in.layer_params.push_back(lp.attention_tp + lp.attention_replicated + lp.dense_ffn + lp.routed_experts +
                              lp.shared_experts + lp.router + lp.norms);
  }
  in.gradient_bytes_per_param = bytes_of(s.precision.gradients);
  in.inner_step_s = runs[slowest].step.time_s;
  // What a per-step exchange can hide under: the slowest site's backward (B and W chunks) where the fidelity
  // breaks the step down; otherwise nothing.
  for (const StageStats& st : runs[slowest].step.stages)
    if (st.has_phases)
      in.backward_s = std::min(in.inner_step_s,
                               std::max(in.backward_s, st.phases.backward_input_s + st.phases.backward_weight_s));
  const SiteSyncCost sync = site_sync_cost(in);
  so.bottleneck = sync.bottleneck;
  so.sync_time_s = sync.sync_s;
  so.exposed_sync_s_per_step = sync.exposed_s_per_step;
  so.inner_step_s = in.inner_step_s;
  so.step_time_s = so.inner_step_s + so.exposed_sync_s_per_step;
  so.compute_utilisation = so.step_time_s > 0 ? so.inner_step_s / so.step_time_s : 1;
  so.timeline = sync.timeline;
  for (const std::string& note : sync.notes) so.notes.push_back(note);

  // Phases: every site runs the same number of steps; each step waits for the slowest site, then the exchange.
  out.phases.clear();
  out.gpu_hours = 0;
  double seconds_total = 0, tokens_total = 0, steps_total = 0;
  std::vector<double> site_gpu_hours(n, 0);
  for (size_t p = 0; p < runs[0].phases.size(); ++p) {
    PhaseResult ph = runs[0].phases[p];
    if (ph.given) {
      out.phases.push_back(ph);
      out.gpu_hours += ph.gpu_hours;
      continue;
    }
    // The slowest site's phase (its batch ramp included), then the exchange, which does not depend on the
    // batch: its per-step cost is the main phase's.
    double seconds = 0;
    for (size_t i = 0; i < n; ++i) seconds = std::max(seconds, runs[i].phases[p].days * units::kSecondsPerDay);
    seconds += sync.exposed_s_per_step * static_cast<double>(ph.steps);
    ph.step_time_s = ph.steps > 0 ? seconds / static_cast<double>(ph.steps) : 0;
    ph.days = seconds / units::kSecondsPerDay;
    ph.gpu_hours = 0;
    for (size_t i = 0; i < n; ++i) {
      const double h = seconds * m.sites[i].n_gpus() / units::kSecondsPerHour;
      site_gpu_hours[i] += h;
      ph.gpu_hours += h;
    }
    ph.tokens = 0;
    for (size_t i = 0; i < n && !s.parallel.dp_sync.is_every_step(); ++i) ph.tokens += runs[i].phases[p].tokens;
    if (s.parallel.dp_sync.is_every_step()) ph.tokens = runs[0].phases[p].tokens;
    seconds_total += seconds;
    tokens_total += ph.tokens;
    steps_total += static_cast<double>(ph.steps);
    out.gpu_hours += ph.gpu_hours;
    out.phases.push_back(ph);
  }
  out.days = seconds_total / units::kSecondsPerDay;

  // Dollars per site at its price, plus egress on every WAN link.
  so.compute_usd = 0;
  for (size_t i = 0; i < n; ++i) {
    SiteStepResult r;
    r.name = m.sites[i].name;
    r.gpu = m.sites[i].gpu.name;
    r.gpus = m.sites[i].n_gpus();
    r.replicas = r.gpus / in.replica_gpus;
    r.step_time_s = runs[i].step.time_s;
    r.usd_per_gpu_hour = scenarios[i].price.usd_per_gpu_hour;
    r.price_source = scenarios[i].price.source;
    r.gpu_hours = site_gpu_hours[i];
    r.rental_usd = r.gpu_hours * r.usd_per_gpu_hour;
    so.compute_usd += r.rental_usd;
    so.sites.push_back(r);
  }
  so.wan_bytes = sync.wan_bytes_per_step * steps_total;
  so.egress_usd = sync.egress_usd_per_step * steps_total;
  so.wan_bytes_per_token = tokens_total > 0 ? so.wan_bytes / tokens_total : 0;
  so.total_usd = so.compute_usd + so.egress_usd;
  so.token_overhead = sync.token_overhead;
  so.token_overhead_source = sync.token_overhead_source;
  so.gpu_hours_equal_quality = out.gpu_hours * so.token_overhead;
  so.usd_equal_quality = so.total_usd * so.token_overhead;

  // The headline cost: every site's GPU-hours at the blended rate (the sum of the sites' dollars).
  PriceSpec blended = s.price;
  blended.usd_per_gpu_hour = out.gpu_hours > 0 ? so.compute_usd / out.gpu_hours : 0;
  blended.source = "sum over sites at each site's price (Scale out)";
  blended.date.clear();
  const int total_gpus = m.n_gpus();
  if (blended.usd_per_gpu_hour > 0 || blended.mode == PriceSpec::Mode::kOwned) {
    out.cost = compute_cost(out.gpu_hours, total_gpus, m.sites[slowest].gpu, blended);
  } else {
    out.cost = CostResult{};
    out.cost.gpu_hours = out.gpu_hours;
  }
  out.cost.wall_clock_days = out.days;
  out.goodput = GoodputResult{};
  if (s.failures.enabled) so.notes.push_back("failures are rated for one cluster and left out of a multi-site run");
  out.churn = ChurnResult{};
  if (s.availability.enabled())
    so.notes.push_back("spot or volunteer churn (availability) is rated for one cluster and left out of a "
                       "multi-site run");

  // The headline step is the synchronous one; MFU scales with it (the slowest site's FLOPs rate).
  const double inner = out.step.time_s;
  out.step.time_s = inner + sync.exposed_s_per_step;
  if (out.step.time_s > 0) {
    out.step.mfu *= inner / out.step.time_s;
    out.step.mfu_gemm_peak *= inner / out.step.time_s;
  }
  if (s.parallel.dp_sync.is_every_step()) {
    out.step.tokens_per_s = out.step.tokens_per_s * inner / out.step.time_s;
  } else {
    double tps = 0;
    for (size_t i = 0; i < n; ++i) tps += runs[i].step.tokens_per_s * runs[i].step.time_s;
    out.step.tokens_per_s = out.step.time_s > 0 ? tps / out.step.time_s : 0;
  }
  out.inputs.scenario_name = s.name;
  out.inputs.gpu = gpu_names(m);
  out.inputs.n_gpus = total_gpus;
  out.inputs.plan_summary = plan_summary(s.parallel) + " over " + std::to_string(n) + " sites";
  out.notes.push_back("multi-site run: the memory, layer and stage tables are the slowest site's (" +
                      so.slowest_site + ")");
  return out;
}

}  // namespace moeplan
