// Plan search (see plan_search.h).
#include "sim/plan/plan_search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "sim/cost/cost_model.h"
#include "sim/model/memory.h"
#include "sim/train/training_run.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {

PlanObjective parse_objective(const std::string& text) {
  if (text == "time") return PlanObjective::kTime;
  if (text == "cost") return PlanObjective::kCost;
  if (text == "energy") return PlanObjective::kEnergy;
  throw_user_error("unknown objective `" + text + "`",
                   ErrorContext{.key_path = "--objective", .expected = "time, cost or energy"});
}

double parse_min_headroom(const std::string& text) {
  const bool percent = !text.empty() && text.back() == '%';
  const std::string number = percent ? text.substr(0, text.size() - 1) : text;
  double v = -1;
  try {
    size_t used = 0;
    v = std::stod(number, &used);
    if (used != number.size()) v = -1;
  } catch (const std::exception&) {
    v = -1;
  }
  if (percent) v /= 100;
  if (!(v >= 0 && v < 1))
    throw_user_error("bad headroom `" + text + "`",
                     ErrorContext{.key_path = "--min-headroom", .expected = "a fraction in [0, 1) such as 0.05 or 5%"});
  return v;
}

bool same_layout(const ParallelPlan& a, const ParallelPlan& b) {
  return a.tp == b.tp && a.cp == b.cp && (a.cp == 1 || a.cp_comm == b.cp_comm) && a.pp == b.pp && a.dp == b.dp && a.ep == b.ep && a.zero_stage == b.zero_stage &&
         a.micro_batch == b.micro_batch && a.schedule == b.schedule && a.recompute == b.recompute &&
         a.ep_overlap == b.ep_overlap && a.tp_comm_overlap == b.tp_comm_overlap &&
         (a.schedule != PipelineSchedule::kInterleaved1F1B || a.virtual_stages == b.virtual_stages);
}

std::vector<ParallelPlan> enumerate_plans(const Scenario& s, const PlanSearchOptions& o) {
  const int gpus = s.cluster.n_gpus();
  const int experts = s.model.is_moe() ? s.model.moe.n_routed_experts : 1;
  const int seq_len = s.training.phases.empty() ? 0 : s.training.phases.front().seq_len;
  auto cp_fits = [&](int cp) {
    return cp == 1 || (cp > 1 && seq_len % (2 * cp) == 0 && seq_len / cp >= kMinCpBlockTokens);
  };
  // The scenario's constraints narrow the grids before anything is generated: a fixed degree replaces its
  // grid (so a degree the grid lacks, e.g. pp 3, is searched too), and a feature the stack lacks is left off
  // rather than generated and refused.
  const PlanConstraints& c = s.constraints;
  auto grid = [](const std::vector<int>& values, int fixed) { return fixed > 0 ? std::vector<int>{fixed} : values; };
  const bool sp_allowed = c.allows(PlanFeature::kSequenceParallel);
  const bool tp_overlap_allowed = c.allows(PlanFeature::kTpOverlap);
  const bool ep_overlap_allowed = c.allows(PlanFeature::kEpOverlap);
  // The model-parallel degrees first: every (tp, cp, pp) that leaves a whole dp.
  std::vector<ParallelPlan> shapes;
  for (int tp : grid(o.tp_values, c.fixed_tp)) {
    if (tp < 1 || tp > s.cluster.scale_up_gpus()) continue;  // TP stays inside a node or NVLink domain
    for (int cp : grid(o.cp_values, c.fixed_cp)) {
      if (!cp_fits(cp)) continue;
      for (int pp : grid(o.pp_values, c.fixed_pp)) {
        if (pp < 1 || gpus % (tp * cp * pp) != 0) continue;
        ParallelPlan p = s.parallel;  // keeps comm_sms
        p.tp = tp;
        p.cp = cp;
        p.cp_comm = CpComm::kRing;
        p.pp = pp;
        p.dp = gpus / (tp * cp * pp);
        shapes.push_back(p);
        // With CP, the a2a exchange too where it can give each rank whole heads.
        if (cp > 1 && s.model.n_heads % tp == 0 && (s.model.n_heads / tp) % cp == 0) {
          p.cp_comm = CpComm::kAllToAll;
          shapes.push_back(p);
        }
      }
    }
  }
  std::vector<ParallelPlan> out;
  for (ParallelPlan p : shapes) {
    for (int ep = 1; ep <= experts && ep <= p.stage_gpus(); ++ep) {
      if (experts % ep != 0 || p.stage_gpus() % ep != 0) continue;
      if ((c.fixed_ep > 0 && ep != c.fixed_ep) || (c.max_ep > 0 && ep > c.max_ep)) continue;
      p.ep = ep;
      for (int zero : o.zero_stages)
        for (int mb : o.micro_batches)
          for (PipelineSchedule sched : o.schedules) {
            if (p.pp == 1 && sched != PipelineSchedule::k1F1B) continue;
            for (RecomputePolicy rc : o.recompute) {
              p.zero_stage = zero;
              p.micro_batch = mb;
              p.schedule = sched;
              p.virtual_stages = sched == PipelineSchedule::kInterleaved1F1B ? 2 : 1;
              p.recompute = rc;
              // Sequence parallelism comes with TP > 1: it shards the norm/dropout activations TP keeps
              // replicated, at no extra communication volume (Korthikanti et al. 2022, §4.2.2).
              p.sequence_parallel = p.tp > 1 && sp_allowed;
              // So does overlapping its collectives with the neighbouring GEMMs (TE userbuffers), which in
              // this model only ever hides communication.
              p.tp_comm_overlap = p.tp > 1 && s.cluster.p2p && tp_overlap_allowed;  // userbuffers need peer access
              p.ep_overlap = false;
              out.push_back(p);
              // 1F1B and interleaved may also overlap their steady-state all-to-all (Megatron's EP overlap).
              if (ep > 1 && ep_overlap_allowed &&
                  (sched == PipelineSchedule::k1F1B || sched == PipelineSchedule::kInterleaved1F1B)) {
                p.ep_overlap = true;
                out.push_back(p);
              }
            }
          }
    }
  }
  return out;
}

namespace {

// What turns a step time into GPU-hours, dollars and energy for this scenario.
struct Budget {
  double simulated_tokens = 0;
  double given_gpu_hours = 0;
  double usd_per_gpu_hour = 0;   // rental rate or owned cost per GPU-hour
  double mwh_per_gpu_hour = 0;
  bool has_price = false;
  // Expected failure and checkpoint overhead (failure_factors): every candidate's GPU-hours, days, dollars
  // and energy include it, so a deadline or budget is checked against what the run will really take.
  FailureFactors failures;
};

Budget make_budget(const Scenario& s) {
  Budget b;
  for (const TrainingPhase& ph : s.training.phases) {
    if (ph.given_gpu_hours > 0) b.given_gpu_hours += ph.given_gpu_hours;
    else b.simulated_tokens += ph.tokens > 0 ? ph.tokens : static_cast<double>(ph.steps) * ph.seq_len * ph.global_batch;
  }
  // compute_cost is linear in GPU-hours (rate x hours, depreciation and power per hour), so one GPU-hour
  // gives the rates every candidate scales.
  // Energy needs only the GPU's power, never a price.
  b.mwh_per_gpu_hour = facility_watts_per_gpu(s.cluster.gpu, s.price) / units::kMega;
  try {
    const CostResult c = compute_cost(1.0, s.cluster.n_gpus(), s.cluster.gpu, s.price);
    b.usd_per_gpu_hour = s.price.mode == PriceSpec::Mode::kRental ? c.rental_usd : c.owned_usd;
    b.has_price = c.has_price && b.usd_per_gpu_hour > 0;
  } catch (const Error&) {
    b.has_price = false;  // owned mode without a capex figure
  }
  b.failures = failure_factors(s.failures, s.cluster.n_gpus(), s.cluster.gpus_per_node,
                               checkpoint_bytes(s.model, s.precision));
  return b;
}

// Digits vary between otherwise identical messages; folding them gives countable reasons.
std::string reason_of(const Error& e) {
  std::string r = e.context().key_path.empty() ? "" : e.context().key_path + ": ";
  bool in_number = false;
  for (char ch : e.message()) {
    const bool digit = ch >= '0' && ch <= '9';
    if (digit && !in_number) r += 'N';
    if (!digit) r += ch;
    in_number = digit;
  }
  return r;
}

struct WorkerOut {
  std::vector<std::pair<size_t, PlanCandidate>> ok;  // enumeration index, candidate
  std::map<std::string, long long> invalid;
  long long n_invalid = 0, n_no_fit = 0, n_implausible = 0;
  double min_memory = 0;
  size_t min_memory_index = 0;
};

void fill_costs(PlanCandidate& c, const StepResult& step, const Budget& b, PlanObjective objective) {
  c.step_method = step.method;
  c.step_time_s = step.time_s;
  c.mfu = step.mfu;
  c.mfu_gemm_peak = step.mfu_gemm_peak;
  c.bubble_fraction = step.bubble_fraction;
  c.exposed_comm_s = step.exposed_comm_s;
  c.micro_batches = step.micro_batches;
  const double tokens_per_step = static_cast<double>(step.global_batch) * step.seq_len;
  c.tokens_per_s = step.time_s > 0 ? tokens_per_step / step.time_s : 0;
  const double seconds = c.tokens_per_s > 0 ? b.simulated_tokens / c.tokens_per_s : 0;
  c.gpu_hours_failure_free = seconds * c.n_gpus / units::kSecondsPerHour + b.given_gpu_hours;
  c.days_failure_free = c.gpu_hours_failure_free / c.n_gpus / 24.0;
  c.gpu_hours = c.gpu_hours_failure_free * b.failures.gpu_hours;
  c.days = c.days_failure_free * b.failures.elapsed;
  c.has_price = b.has_price;
  c.cost_usd = b.has_price ? c.gpu_hours * b.usd_per_gpu_hour : 0;
  c.energy_mwh = c.gpu_hours * b.mwh_per_gpu_hour;
  switch (objective) {
    case PlanObjective::kTime: c.objective_value = c.days; break;
    case PlanObjective::kCost: c.objective_value = c.cost_usd; break;
    case PlanObjective::kEnergy: c.objective_value = c.energy_mwh; break;
  }
}

// Validates, checks memory and times one plan with the analytic step on `local` (a per-thread copy of the
// search scenario whose plan is overwritten).
void evaluate(Scenario& local, const ParallelPlan& p, size_t index, const Calibration& calib, const Budget& budget,
              const StagePartitions& partitions, PlanObjective objective, double min_headroom, WorkerOut& out) {
  TrainingPhase& ph = local.training.phases.front();
  local.parallel = p;
  ph.parallel = p;
  try {
    validate(local);
  } catch (const Error& e) {
    ++out.n_invalid;
    ++out.invalid[reason_of(e)];
    return;
  }
  // Interleaved 1F1B runs micro-batches in groups of at least pp (Megatron-Core; interleaved_group_size);
  // the schedule builder rejects fewer, so they are invalid here rather than at the re-rank.
  if (p.schedule == PipelineSchedule::kInterleaved1F1B && p.virtual_stages > 1 &&
      ph.global_batch / (p.dp * p.micro_batch) < p.pp) {
    ++out.n_invalid;
    ++out.invalid["parallel.schedule: interleaved 1F1B needs at least pp micro-batches"];
    return;
  }
  MemoryOptions mo;
  mo.micro_batches_per_step = ph.global_batch / (p.dp * p.micro_batch);
  mo.partitions = &partitions;
  const std::vector<MemoryBreakdown> mem =
      memory_per_stage(local.model, local.cluster, p, local.precision, ph.seq_len, mo);
  const MemoryBreakdown* worst = &mem.front();
  for (const MemoryBreakdown& m : mem)
    if (m.total() > worst->total()) worst = &m;
  if (out.min_memory == 0 || worst->total() < out.min_memory) {
    out.min_memory = worst->total();
    out.min_memory_index = index;
  }
  if (!worst->fits() || worst->total() > (1.0 - min_headroom) * worst->capacity) {
    ++out.n_no_fit;
    return;
  }
  PlanCandidate c;
  c.plan = p;
  c.n_gpus = local.cluster.n_gpus();
  c.n_nodes = local.cluster.n_nodes;
  c.memory_peak_bytes = worst->total();
  c.memory_capacity_bytes = worst->capacity;
  c.memory_headroom_fraction = worst->capacity > 0 ? 1.0 - worst->total() / worst->capacity : 0;
  c.memory_dominant = worst->dominant();
  const StepResult step = simulate_step(local, calib, StepShape{p, ph.seq_len, ph.global_batch, true, &partitions});
  // No step can deliver more model FLOP/s than the tensor cores of its GEMM format peak at; a step that
  // does exposes a defect in the step model for this layout, and ranking it would crown it.
  const GpuSpec& gpu = local.cluster.gpu;
  const double gemm_peak = local.precision.gemm == DType::kFp8 && gpu.has_fp8() ? gpu.peak_fp8_flops : gpu.peak_bf16_flops;
  if (step.mfu * gpu.peak_bf16_flops > gemm_peak) {
    ++out.n_implausible;
    return;
  }
  fill_costs(c, step, budget, objective);
  c.analytic_step_time_s = step.time_s;
  out.ok.emplace_back(index, std::move(c));
}

int thread_count(int requested, size_t work) {
  int n = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  n = std::max(1, n);
  return static_cast<int>(std::min<size_t>(static_cast<size_t>(n), std::max<size_t>(1, work)));
}

// Runs fn(worker, item) over items [0, n) on `threads` workers pulling from a shared counter. The first
// exception a worker throws (e.g. a profile without a curve the cluster needs) stops the others and is
// rethrown on the calling thread, where the caller can report it; escaping a std::thread would abort.
template <typename Fn>
void parallel_for(int threads, size_t n, Fn fn) {
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto body = [&](int worker) {
    try {
      for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) fn(worker, i);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next.store(n);
    }
  };
  if (threads <= 1) {
    body(0);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(body, t);
    for (std::thread& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);
}

bool better(const PlanCandidate& a, const PlanCandidate& b) {
  if (a.objective_value != b.objective_value) return a.objective_value < b.objective_value;
  if (a.step_time_s != b.step_time_s) return a.step_time_s < b.step_time_s;
  return a.memory_headroom_fraction > b.memory_headroom_fraction;
}

std::string fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string pct(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * f);
  return buf;
}

}  // namespace

std::string explain_candidate(const PlanCandidate& c, const PlanCandidate& best) {
  const double comm = c.exposed_comm_s, bubble = c.bubble_fraction * c.step_time_s;
  const double compute = std::max(0.0, c.step_time_s - comm - bubble);
  std::string tight = c.memory_headroom_fraction < 0.05
                          ? "; only " + pct(c.memory_headroom_fraction) + " memory headroom (" + c.memory_dominant + ")"
                          : "";
  if (same_layout(c.plan, best.plan) || c.rank == 1) {
    return "best: step " + units::format_duration(c.step_time_s) + ", MFU " + pct(c.mfu) + ", bubble " +
           pct(c.bubble_fraction) + ", exposed comm " + units::format_duration(comm) + ", " +
           pct(c.memory_headroom_fraction) + " memory headroom" + (tight.empty() ? "" : " (tight: " + c.memory_dominant + ")");
  }
  const double b_comm = best.exposed_comm_s, b_bubble = best.bubble_fraction * best.step_time_s;
  const double b_compute = std::max(0.0, best.step_time_s - b_comm - b_bubble);
  struct Part { const char* name; double mine, theirs; };
  const Part parts[] = {{"pipeline bubble", bubble, b_bubble},
                        {"exposed communication", comm, b_comm},
                        {"compute (recompute, GEMM efficiency, imbalance)", compute, b_compute}};
  const Part* worst = &parts[0];
  for (const Part& p : parts)
    if (p.mine - p.theirs > worst->mine - worst->theirs) worst = &p;
  const double rel = best.objective_value > 0 ? c.objective_value / best.objective_value - 1 : 0;
  std::string s = "+" + pct(rel) + " vs #1";
  if (worst->mine > worst->theirs)
    s += ": more " + std::string(worst->name) + " (" + units::format_duration(worst->mine) + " vs " +
         units::format_duration(worst->theirs) + " per step)";
  else
    s += ": step " + units::format_duration(c.step_time_s) + " vs " + units::format_duration(best.step_time_s);
  if (c.step_method != best.step_method) s += " [" + c.step_method + " vs " + best.step_method + " timing]";
  return s + tight;
}

PlanResult search_plans(const Scenario& s, const Calibration& calib, const PlanSearchOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const int main_phase = main_phase_index(s);
  if (main_phase < 0)
    throw_user_error("the scenario has no simulated training phase to plan for",
                     ErrorContext{.key_path = "training.phases", .hint = "add a phase with tokens or steps"});
  const TrainingPhase& main = s.training.phases[main_phase];
  const ParallelPlan scenario_plan = main.parallel_overridden ? main.parallel : s.parallel;
  if (!(options.min_headroom >= 0 && options.min_headroom < 1))
    throw_user_error("must be in [0, 1)", ErrorContext{.key_path = "--min-headroom",
                                                       .expected = "a fraction of HBM such as 0.05 or 5%"});
  // The scenario's `constraints.min_headroom` raises the command's floor (it never lowers it).
  const double min_headroom = std::max(options.min_headroom, s.constraints.min_headroom);
  const Budget budget = make_budget(s);
  if (options.objective == PlanObjective::kCost && !budget.has_price)
    throw_user_error("no price for " + s.cluster.gpu.name + " to rank plans by cost",
                     ErrorContext{.key_path = "price.usd_per_gpu_hour", .hint = "set a price or use --objective time"});

  // The search scenario: the main phase alone, with no plan override of its own, at analytic fidelity.
  Scenario base = s;
  base.fidelity = Fidelity::kAnalytic;
  base.sweep.clear();
  base.training.phases = {main};
  base.training.phases.front().parallel_overridden = false;
  base.training.phases.front().ramp = BatchRamp{};

  PlanResult r;
  r.scenario_name = s.name;
  r.model = s.model.name;
  r.gpu = s.cluster.gpu.name;
  r.n_gpus = s.cluster.n_gpus();
  r.n_nodes = s.cluster.n_nodes;
  r.seq_len = main.seq_len;
  r.global_batch = main.global_batch;
  r.objective = options.objective;
  r.min_headroom = min_headroom;

  std::vector<ParallelPlan> plans = enumerate_plans(s, options);
  bool listed = false;
  for (const ParallelPlan& p : plans) listed = listed || same_layout(p, scenario_plan);
  if (!listed) plans.push_back(scenario_plan);
  r.enumerated = static_cast<long long>(plans.size());

  // Every plan with the same stage count gets the same cut of the model: cut once per count, share read-only.
  std::vector<int> stage_counts;
  for (const ParallelPlan& p : plans) stage_counts.push_back(pipeline_stage_count(p));
  const StagePartitions partitions(s.model, main.seq_len, stage_counts);

  const int threads = thread_count(options.threads, plans.size());
  r.threads = threads;
  std::vector<WorkerOut> outs(threads);
  std::vector<Scenario> locals(threads, base);
  options.progress.begin("analytic scan of " + std::to_string(plans.size()) + " layouts", plans.size());
  parallel_for(threads, plans.size(), [&](int w, size_t i) {
    evaluate(locals[w], plans[i], i, calib, budget, partitions, options.objective, min_headroom, outs[w]);
    options.progress.advance();
  });

  // Merge in enumeration order so the ranking is independent of scheduling.
  std::vector<std::pair<size_t, PlanCandidate>> ok;
  std::map<std::string, long long> reasons;
  size_t min_index = 0;
  for (WorkerOut& o : outs) {
    r.invalid += o.n_invalid;
    r.not_fitting += o.n_no_fit;
    r.implausible += o.n_implausible;
    for (auto& [k, v] : o.invalid) reasons[k] += v;
    if (o.min_memory > 0 && (r.min_memory_bytes == 0 || o.min_memory < r.min_memory_bytes ||
                             (o.min_memory == r.min_memory_bytes && o.min_memory_index < min_index))) {
      r.min_memory_bytes = o.min_memory;
      min_index = o.min_memory_index;
    }
    for (auto& e : o.ok) ok.push_back(std::move(e));
  }
  if (r.min_memory_bytes > 0) r.min_memory_plan = plan_summary(plans[min_index]);
  for (auto& [k, v] : reasons) r.invalid_reasons.push_back({k, v});
  std::stable_sort(r.invalid_reasons.begin(), r.invalid_reasons.end(),
                   [](const SkipReason& a, const SkipReason& b) { return a.count > b.count; });
  r.costed = static_cast<long long>(ok.size());
  std::sort(ok.begin(), ok.end(), [](const auto& a, const auto& b) {
    return better(a.second, b.second) || (!better(b.second, a.second) && a.first < b.first);
  });

  int analytic_rank = 0;
  for (size_t i = 0; i < ok.size(); ++i)
    if (same_layout(ok[i].second.plan, scenario_plan)) analytic_rank = static_cast<int>(i) + 1;
  r.scenario_plan_analytic_rank = analytic_rank;

  // Re-time a shortlist on the event engine and rank it among itself, ahead of the rest: the best
  // `des_rerank` analytic plans, the best analytic plan of each schedule (each schedule has its own
  // closed form, so each gets a representative timed without it), and the scenario's own plan, so the
  // user's layout is always compared with the winners at the same fidelity.
  // The analytic closed forms assume communication hides perfectly inside overlapped pairs, which the DES
  // often does not find (warm-up, cool-down, dependency chains), so by default a wider set than the plans
  // shown is re-timed: 32 DeepSeek-V3-sized steps cost about 2 s.
  const int rerank = options.des_rerank < 0 ? std::max(options.top_n, 32) : options.des_rerank;
  std::vector<size_t> shortlist;
  if (rerank > 0 && !ok.empty()) {
    std::vector<bool> picked(ok.size(), false);
    auto pick = [&](size_t i) {
      if (!picked[i]) {
        picked[i] = true;
        shortlist.push_back(i);
      }
    };
    for (size_t i = 0; i < ok.size() && i < static_cast<size_t>(rerank); ++i) pick(i);
    for (PipelineSchedule sched : options.schedules)
      for (size_t i = 0; i < ok.size(); ++i)
        if (ok[i].second.plan.schedule == sched) {
          pick(i);
          break;
        }
    if (analytic_rank > 0) pick(static_cast<size_t>(analytic_rank - 1));
    std::sort(shortlist.begin(), shortlist.end());
    // Move the shortlist to the front, keeping analytic order in both parts.
    std::vector<std::pair<size_t, PlanCandidate>> reordered;
    reordered.reserve(ok.size());
    for (size_t i : shortlist) reordered.push_back(std::move(ok[i]));
    for (size_t i = 0; i < ok.size(); ++i)
      if (!picked[i]) reordered.push_back(std::move(ok[i]));
    ok = std::move(reordered);
  }
  const size_t k = shortlist.size();
  if (k > 0) {
    Scenario des_base = base;
    des_base.fidelity = Fidelity::kDes;
    const int des_threads = thread_count(options.threads, k);
    std::vector<Scenario> des_locals(des_threads, des_base);
    std::vector<std::string> failures(k);
    options.progress.begin("DES re-timing of the best " + std::to_string(k) + " plans", k);
    parallel_for(des_threads, k, [&](int w, size_t i) {
      PlanCandidate& c = ok[i].second;
      Scenario& local = des_locals[w];
      local.parallel = c.plan;
      local.training.phases.front().parallel = c.plan;
      try {
        const StepResult step =
            simulate_step(local, calib, StepShape{c.plan, main.seq_len, main.global_batch, true, &partitions});
        fill_costs(c, step, budget, options.objective);
      } catch (const Error& e) {
        failures[i] = plan_summary(c.plan) + ": " + e.what();
      }
      options.progress.advance();
    });
    // A plan the event engine refuses (a schedule constraint the closed form does not know) is invalid.
    size_t kept = 0;
    for (size_t i = 0; i < ok.size(); ++i) {
      if (i < k && !failures[i].empty()) {
        r.notes.push_back("dropped at the DES re-rank: " + failures[i]);
        ++r.invalid;
        --r.costed;
        continue;
      }
      if (kept != i) ok[kept] = std::move(ok[i]);
      ++kept;
    }
    const size_t dropped = ok.size() - kept;
    ok.resize(kept);
    const size_t k_ok = k - dropped;
    if (dropped > 0) r.invalid_reasons.push_back({"rejected by the discrete-event schedule", static_cast<long long>(dropped)});
    std::stable_sort(ok.begin(), ok.begin() + static_cast<std::ptrdiff_t>(k_ok),
                     [](const auto& a, const auto& b) { return better(a.second, b.second); });
    r.des_rechecked = static_cast<long long>(k_ok);
    r.notes.push_back("ranks 1-" + std::to_string(k_ok) + " were re-timed with the discrete-event step (the best " +
                      std::to_string(std::min<size_t>(ok.size(), rerank)) +
                      " analytic plans, the best of each schedule and the scenario's plan) and ranked among "
                      "themselves; the rest keep their analytic times and order");
  }
  if (r.implausible > 0)
    r.notes.push_back(std::to_string(r.implausible) + " plans dropped: their analytic step implies more FLOP/s than "
                      "the GPU's GEMM peak (a defect of the closed form for those layouts)");

  for (size_t i = 0; i < ok.size(); ++i) {
    PlanCandidate& c = ok[i].second;
    c.rank = static_cast<int>(i) + 1;
    c.is_scenario_plan = same_layout(c.plan, scenario_plan);
    if (c.is_scenario_plan || i < static_cast<size_t>(std::max(0, options.top_n))) c.summary = plan_summary(c.plan);
    if (c.is_scenario_plan) {
      r.scenario_plan_found = true;
      r.scenario_plan = c;
    }
  }
  const size_t keep = std::min(ok.size(), static_cast<size_t>(std::max(0, options.top_n)));
  for (size_t i = 0; i < keep; ++i) r.top.push_back(ok[i].second);
  for (PlanCandidate& c : r.top) c.why = explain_candidate(c, r.top.front());
  if (r.scenario_plan_found) r.scenario_plan.why = r.top.empty() ? "" : explain_candidate(r.scenario_plan, r.top.front());

  r.gpu_hours_basis = "GPU-hours: " + units::format_count(budget.simulated_tokens) +
                      " simulated tokens at the main phase's throughput (seq " + std::to_string(main.seq_len) +
                      ", batch " + std::to_string(main.global_batch) + ")" +
                      (budget.given_gpu_hours > 0
                           ? " + " + units::format_count(budget.given_gpu_hours) + " given GPU-hours"
                           : std::string()) +
                      (budget.failures.gpu_hours > 1
                           ? "; GPU-hours, days, cost and energy include the expected failure and checkpoint "
                             "overhead (x" + fixed3(budget.failures.gpu_hours) + " GPU-hours, x" +
                                 fixed3(budget.failures.elapsed) + " days)"
                           : "; failure model off: no failure overhead");
  if (!budget.has_price)
    r.notes.push_back("no price known for " + s.cluster.gpu.name + ": costs show \"no price\" (set price.usd_per_gpu_hour)");
  // The scenario's own layout left out only for the headroom margin: say so, with the setting that lists it.
  if (!r.scenario_plan_found) {
    MemoryOptions mo;
    mo.micro_batches_per_step = main.global_batch / std::max(1, scenario_plan.dp * scenario_plan.micro_batch);
    double peak = 0, capacity = 0;
    try {
      for (const MemoryBreakdown& m : memory_per_stage(s.model, s.cluster, scenario_plan, s.precision, main.seq_len, mo))
        if (m.total() > peak) peak = m.total(), capacity = m.capacity;
    } catch (const Error&) {
      peak = 0;
    }
    if (peak > 0 && peak <= capacity && peak > (1.0 - min_headroom) * capacity)
      r.notes.push_back("the scenario's own plan (" + plan_summary(scenario_plan) + ") fits with only " +
                        pct(1.0 - peak / capacity) + " HBM headroom, below the " + pct(min_headroom) +
                        " a listed plan must leave (--min-headroom " + pct(std::floor(100 * (1.0 - peak / capacity)) / 100) +
                        " lists it)");
  }
  r.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace moeplan
