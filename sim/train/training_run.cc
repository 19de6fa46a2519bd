// run_training and simulate_step (see training_run.h).
#include "sim/train/training_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "sim/cost/churn_model.h"
#include "sim/cost/cost_model.h"
#include "sim/cost/failure_model.h"
#include "sim/model/flops.h"
#include "sim/model/kv_cache.h"
#include "sim/model/memory.h"
#include "sim/model/params.h"
#include "sim/train/analytic_step.h"
#include "sim/train/cluster_notes.h"
#include "sim/train/des_full_step.h"
#include "sim/train/des_step.h"
#include "sim/train/given_phase.h"
#include "sim/train/layer_breakdown.h"
#include "sim/train/mixed_run.h"
#include "sim/train/phase_segments.h"
#include "sim/units/error.h"
#include "sim/units/random.h"
#include "sim/units/units.h"
#include "sim/workload/gpu_speed.h"
#include "sim/workload/routing_sampler.h"

namespace moeplan {

std::string plan_summary(const ParallelPlan& p) {
  std::string s = "TP" + std::to_string(p.tp);
  if (p.cp > 1) s += " CP" + std::to_string(p.cp) + (p.cp_comm == CpComm::kAllToAll ? "-a2a" : "");
  s += " PP" + std::to_string(p.pp) + " DP" + std::to_string(p.dp);
  if (p.ep > 1) s += " EP" + std::to_string(p.ep);
  s += " ZeRO-" + std::to_string(p.zero_stage) + " " + to_string(p.schedule);
  if (p.virtual_stages > 1) s += " v=" + std::to_string(p.virtual_stages);
  if (p.ep_overlap) s += " ep-overlap";
  if (p.tp_comm_overlap) s += " tp-overlap";
  s += " mb=" + std::to_string(p.micro_batch) + " recompute=" + to_string(p.recompute);
  return s;
}

ModelSummary summarize_model(const ModelSpec& m, int seq_len) {
  ModelSummary ms;
  ms.name = m.name;
  const ParamCounts pc = count_params(m);
  ms.params_total = pc.total;
  ms.params_active = pc.active;
  ms.params_mtp = pc.mtp;
  ms.params_embedding = pc.embedding;
  ms.train_flops_per_token = train_flops_per_token(m, seq_len, true).total;
  ms.train_flops_per_token_with_mtp = train_flops_per_token(m, seq_len, true, true).total;
  ms.train_flops_per_token_noncausal = train_flops_per_token(m, seq_len, false).total;
  ms.kv_cache_bytes_per_token = kv_cache_bytes_per_token(m, DType::kBf16);
  return ms;
}

StageCosts step_costs(const Scenario& s, const Calibration& calib, const StepShape& shape) {
  // des-full draws every rank's routing and GPU speed itself, so its costs are balanced and nominal.
  if (s.fidelity == Fidelity::kDesFull) return compute_stage_costs(s, shape, calib, 1.0);
  // The routing stream is seeded from the scenario and the step shape, so every step is reproducible.
  Rng rng(s.seed, "routing/" + std::to_string(shape.seq_len) + "/" + std::to_string(shape.global_batch));
  const double tokens_per_rank = static_cast<double>(shape.plan.micro_batch) * shape.seq_len;
  const ExpertLoad load = sample_expert_load(s.model, shape.plan, s.routing, tokens_per_rank, rng);
  StageCosts costs = compute_stage_costs(s, shape, calib, load.max_over_mean);
  if (s.gpu_variation.spread > 0) {
    const std::vector<double> stage = stage_time_factors(s.gpu_variation, s.seed, shape.plan);
    for (RankCosts& rc : costs.ranks) scale_compute(rc, stage.at(static_cast<std::size_t>(rc.rank)));
  }
  return costs;
}

StepResult simulate_step(const Scenario& s, const Calibration& calib, const StepShape& shape, Timeline* timeline,
                         const Progress& progress) {
  if (s.cluster.pools.enabled())
    throw_user_error("a cluster of mixed GPU pools runs through `moeplan run`; the planner and sweeps take one GPU type",
                     ErrorContext{.key_path = "cluster.pools", .hint = "give cluster.gpu and nodes instead"});
  const StageCosts costs = step_costs(s, calib, shape);
  StepResult r;
  if (s.fidelity == Fidelity::kDesFull) {
    DesFullOptions full;
    full.progress = progress;
    r = des_full_step(s, calib, shape, costs, timeline, full);
  } else if (s.fidelity == Fidelity::kAnalytic) {
    r = analytic_step(costs, shape.plan, s.cluster.gpu.peak_bf16_flops, s.cluster.n_gpus());
  } else {
    r = des_step(s, costs, shape.plan, timeline);
  }
  r.seq_len = shape.seq_len;
  r.global_batch = shape.global_batch;
  r.mfu_convention = shape.causal ? "causal" : "non-causal";
  const GpuSpec& gpu = s.cluster.gpu;
  const bool fp8 = s.precision.gemm == DType::kFp8 && gpu.has_fp8();
  r.gemm_peak_format = fp8 ? "fp8" : "bf16";
  r.mfu_gemm_peak = fp8 ? r.mfu * gpu.peak_bf16_flops / gpu.peak_fp8_flops : r.mfu;
  return r;
}

namespace {

int batch_granule(const ParallelPlan& p) {
  return p.dp * p.micro_batch * (p.schedule == PipelineSchedule::kDualPipe ? 2 : 1);
}

// DualPipe and DualPipeV need at least 2 x pp micro-batches per pipeline (the DualPipe reference asserts it).
int min_batch(const ParallelPlan& p) {
  const bool dual = p.schedule == PipelineSchedule::kDualPipe || p.schedule == PipelineSchedule::kDualPipeV;
  return dual ? 2 * p.pp * p.dp * p.micro_batch : 0;
}

void add_does_not_fit_note(RunResult& out) {
  if (out.memory_fits || out.memory.empty()) return;
  const MemoryBreakdown* worst = &out.memory.front();
  for (const MemoryBreakdown& mb : out.memory)
    if (mb.total() > worst->total()) worst = &mb;
  out.does_not_fit = "stage " + std::to_string(worst->stage) + " needs " + units::format_bytes(worst->total()) +
                     " of " + units::format_bytes(worst->capacity) + " per GPU (over by " +
                     units::format_bytes(worst->total() - worst->capacity) + "; largest part: " + worst->dominant() +
                     ")";
  out.notes.push_back("does not fit: " + out.does_not_fit);
}

// What the GPU speed spread does to this run, for the report's notes.
std::string gpu_variation_note(const Scenario& s) {
  const std::vector<double> f = gpu_time_factors(s.gpu_variation, s.seed, s.parallel);
  const double slowest = *std::max_element(f.begin(), f.end());
  auto pct = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100 * x);
    return std::string(buf);
  };
  return "GPU speed spread " + pct(s.gpu_variation.spread) +
         (s.gpu_variation.source.empty() ? "" : " (" + s.gpu_variation.source + ")") + ": the slowest of the " +
         std::to_string(f.size()) + " GPUs computes " + pct(slowest - 1) + " slower than the median one; " +
         (s.fidelity == Fidelity::kDesFull ? "every GPU runs at its own speed"
                                           : "every stage runs at its slowest GPU's speed");
}

// Inputs, model summary and memory of the main phase.
RunResult memory_result(const Scenario& s, int main_phase, const std::string& version) {
  RunResult out;
  out.inputs.scenario_file = s.file;
  out.inputs.scenario_name = s.name;
  out.inputs.moeplan_version = version;
  out.inputs.seed = s.seed;
  out.inputs.fidelity = to_string(s.fidelity);
  out.inputs.gpu = s.cluster.gpu.name;
  out.inputs.n_gpus = s.cluster.n_gpus();
  out.inputs.plan_summary = plan_summary(s.parallel);
  const int main_seq = main_phase >= 0 ? s.training.phases[main_phase].seq_len : 4096;
  out.model = summarize_model(s.model, main_seq);

  const ParallelPlan& main_plan =
      main_phase >= 0 && s.training.phases[main_phase].parallel_overridden ? s.training.phases[main_phase].parallel : s.parallel;
  out.memory = memory_per_stage(s.model, s.cluster, main_plan, s.precision, main_seq);
  out.memory_fits = true;
  for (const MemoryBreakdown& mb : out.memory) {
    out.memory_peak_bytes = std::max(out.memory_peak_bytes, mb.total());
    out.memory_fits = out.memory_fits && mb.fits();
  }
  return out;
}

}  // namespace

int main_phase_index(const Scenario& s) {
  int main_phase = -1;
  double main_tokens = -1;
  for (size_t i = 0; i < s.training.phases.size(); ++i) {
    const TrainingPhase& ph = s.training.phases[i];
    if (ph.given_gpu_hours > 0) continue;
    const double tokens = ph.tokens > 0 ? ph.tokens : static_cast<double>(ph.steps) * ph.seq_len * ph.global_batch;
    if (tokens > main_tokens) {
      main_tokens = tokens;
      main_phase = static_cast<int>(i);
    }
  }
  return main_phase;
}

RunResult evaluate_memory(const Scenario& s, const std::string& moeplan_version) {
  // Mixed pools cut the layers by measured speed, which needs every pool's profile: `run` checks their memory.
  if (s.cluster.pools.enabled())
    throw_user_error("memory of a cluster of mixed GPU pools depends on the cut by speed; `moeplan run` reports it "
                     "per pool",
                     ErrorContext{.key_path = "cluster.pools", .hint = "moeplan run SCENARIO"});
  RunResult out = memory_result(s, main_phase_index(s), moeplan_version);
  add_does_not_fit_note(out);
  return out;
}

RunResult run_training(const Scenario& s, const Calibration& calib, const RunOptions& options) {
  if (s.cluster.pools.enabled()) return run_mixed_training(s, options);  // each pool at its own profile
  const int n_gpus = s.cluster.n_gpus();
  const int main_phase = main_phase_index(s);
  RunResult out = memory_result(s, main_phase, options.moeplan_version);
  out.inputs.calibration_profile = calib.info().path;
  out.inputs.calibration_source = calib.info().method + ": " + calib.info().source;
  out.inputs.calibration_sustained = calib.info().sustained;
  out.inputs.calibration_provenance = calib.info().provenance;

  bool phases_fit = true;  // phases with their own plan are checked separately from the main memory
  for (size_t i = 0; i < s.training.phases.size(); ++i) {
    const TrainingPhase& ph = s.training.phases[i];
    PhaseResult pr;
    pr.name = ph.name;
    pr.seq_len = ph.seq_len;
    if (ph.given_gpu_hours > 0) {
      pr = given_phase_result(ph, ph.cluster_overridden ? ph.cluster.n_gpus() : n_gpus, out.notes);
      out.phases.push_back(pr);
      out.gpu_hours += pr.gpu_hours;
      continue;
    }
    const ParallelPlan& plan = ph.parallel_overridden ? ph.parallel : s.parallel;
    pr.plan = plan_summary(plan);
    // A phase with its own cluster runs as the scenario on that cluster (always the scenario's GPU).
    Scenario phase_scenario;
    if (ph.cluster_overridden) {
      phase_scenario = s;
      phase_scenario.cluster = ph.cluster;
      phase_scenario.cluster.gpu = s.cluster.gpu;
      pr.plan += " on " + std::to_string(phase_scenario.cluster.n_gpus()) + " GPUs";
    }
    const Scenario& ps = ph.cluster_overridden ? phase_scenario : s;
    const int phase_gpus = ps.cluster.n_gpus();
    if (ph.parallel_overridden) {
      const auto mem = memory_per_stage(s.model, ps.cluster, plan, s.precision, ph.seq_len);
      for (const MemoryBreakdown& mb : mem)
        if (!mb.fits()) {
          phases_fit = false;
          const std::string why = "phase `" + ph.name + "` (" + pr.plan + ") does not fit in memory: stage " +
                                  std::to_string(mb.stage) + " needs " + units::format_bytes(mb.total()) + " of " +
                                  units::format_bytes(mb.capacity) + " per GPU (over by " +
                                  units::format_bytes(mb.total() - mb.capacity) + "; largest part: " +
                                  mb.dominant() + ")";
          out.notes.push_back(why);
          if (out.does_not_fit.empty()) out.does_not_fit = why;
          break;
        }
    }
    // Simulate each distinct batch size once.
    std::map<int, StepResult> steps_by_batch;
    double seconds = 0, steps = 0;
    const bool keep_timeline = options.want_timeline && static_cast<int>(i) == main_phase;
    const std::vector<PhaseSegment> segments = phase_segments(ph, batch_granule(plan), min_batch(plan));
    if (segments.front().global_batch > ph.ramp.from_sequences && ph.ramp.from_sequences > 0 &&
        segments.front().global_batch == min_batch(plan))
      out.notes.push_back("phase `" + ph.name + "`: the batch ramp starts below the " +
                          std::to_string(min_batch(plan)) + " sequences " + to_string(plan.schedule) +
                          " needs (2 x pp micro-batches per pipeline); those steps run at that batch");
    for (const PhaseSegment& seg : segments) {
      auto it = steps_by_batch.find(seg.global_batch);
      if (it == steps_by_batch.end()) {
        const bool final_batch = seg.global_batch == ph.global_batch;
        Timeline* tl = keep_timeline && final_batch ? &out.timeline : nullptr;
        // Named by the phase, and by the batch too where a ramp gives the phase several.
        const Progress step_progress = options.progress.nested(
            segments.size() > 1 ? ph.name + " batch " + std::to_string(seg.global_batch) : ph.name);
        step_progress.begin("stage costs", 0);
        it = steps_by_batch
                 .emplace(seg.global_batch, simulate_step(ps, calib, StepShape{plan, ph.seq_len, seg.global_batch, true},
                                                          tl, step_progress))
                 .first;
      }
      seconds += seg.steps * it->second.time_s;
      steps += seg.steps;
      pr.tokens += seg.tokens;
    }
    pr.steps = static_cast<long long>(std::llround(steps));
    pr.step_time_s = steps > 0 ? seconds / steps : 0;
    pr.gpu_hours = seconds * phase_gpus / units::kSecondsPerHour;
    pr.days = seconds / units::kSecondsPerDay;
    if (static_cast<int>(i) == main_phase) {
      auto final_it = steps_by_batch.find(ph.global_batch);
      out.step = final_it != steps_by_batch.end() ? final_it->second : steps_by_batch.rbegin()->second;
      out.step.phase = ph.name;
      // The layer tables show the median GPU (the profile's), not a stage's slowest one.
      Scenario median_gpu = ps;
      median_gpu.gpu_variation.spread = 0;
      const StepShape shown{plan, ph.seq_len, out.step.global_batch, true};
      out.layers = layer_breakdowns(s.model, step_costs(median_gpu, calib, shown));
    }
    out.gpu_hours += pr.gpu_hours;
    out.phases.push_back(pr);
  }
  // Wall-clock time adds up phase by phase: phases may run on clusters of different sizes.
  out.days = 0;
  for (const PhaseResult& pr : out.phases) out.days += pr.days;
  if (s.gpu_variation.spread > 0) out.notes.push_back(gpu_variation_note(s));
  if (const std::string domain = scale_up_domain_note(s.cluster, s.parallel); !domain.empty())
    out.notes.push_back(domain);

  // The headline cost includes the expected failure overhead; the failure-free figures ride beside it.
  // Wall-clock time adds up phase by phase: phases may run on clusters of different sizes.
  CostResult failure_free = compute_cost(out.gpu_hours, n_gpus, s.cluster.gpu, s.price);
  failure_free.wall_clock_days = out.days;
  if (s.failures.enabled) {
    for (const TrainingPhase& ph : s.training.phases)
      if (ph.cluster_overridden && ph.cluster.n_gpus() != n_gpus) {
        out.notes.push_back("failures are rated at the scenario's " + std::to_string(n_gpus) +
                            " GPUs; phases that run on another cluster size are counted at that rate");
        break;
      }
    out.goodput = compute_goodput(s.failures, n_gpus, s.cluster.gpus_per_node,
                                  checkpoint_bytes(s.model, s.precision), out.gpu_hours, failure_free.usd_per_gpu_hour);
  }
  out.cost = include_failures(failure_free, out.goodput);
  if (s.availability.enabled()) {
    // Churn comes on top of the failures; the sync period of every-step DP is one step.
    const ParallelPlan& plan = s.parallel;
    const ChurnJob job = make_churn_job(s.failures, out.goodput, s.cluster.n_nodes, s.cluster.gpus_per_node,
                                        n_gpus / std::max(1, plan.dp), checkpoint_bytes(s.model, s.precision),
                                        out.step.time_s, failure_free.usd_per_gpu_hour);
    out.churn = compute_churn(s.availability, job, out.cost.gpu_hours);
    if (out.churn.recovery == "elastic") {
      out.notes.push_back("elastic churn: a departing replica loses its work since the last sync, one step here "
                          "(every-step data parallelism); throughput is taken to scale with the active replicas");
      if (out.goodput.enabled)
        out.notes.push_back("hardware failures are still counted as whole-job restarts (failures), multiplied "
                            "with the elastic churn");
    }
  }
  out.cost = include_churn(out.cost, out.churn);
  add_does_not_fit_note(out);
  out.memory_fits = out.memory_fits && phases_fit;
  return out;
}

}  // namespace moeplan
