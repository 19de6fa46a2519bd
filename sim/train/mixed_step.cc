// One training step on pools of different GPU types (see mixed_step.h).
#include "sim/train/mixed_step.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

#include "sim/model/memory.h"
#include "sim/model/stage_partition.h"
#include "sim/train/analytic_step.h"
#include "sim/train/des_step.h"
#include "sim/train/training_run.h"
#include "sim/units/error.h"
#include "sim/workload/hetero_balance.h"

namespace moeplan {
namespace {

// Pool `k` as a one-GPU-type scenario. The node count stays the whole job's, so the links a collective or a
// pipeline send takes (inside a node or across the scale-out fabric) are decided as for the whole cluster.
Scenario pool_scenario(const Scenario& s, std::size_t k) {
  const GpuPoolSpec& pool = s.cluster.pools.pools.at(k);
  Scenario ps = s;
  ps.cluster.pools = {};
  ps.cluster.gpu = pool.gpu;
  ps.cluster.gpus_per_node = pool.gpus_per_node;
  ps.cluster.scale_up = pool.scale_up;
  ps.cluster.nics_per_node = pool.nics_per_node;
  ps.calibration = pool.calibration;
  return ps;
}

// Which pool each member (pipeline rank or DP replica) is in: pools in listed order.
std::vector<std::size_t> member_pools(const Scenario& s) {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < s.cluster.pools.pools.size(); ++k)
    out.insert(out.end(), static_cast<std::size_t>(pool_members(s, static_cast<int>(k))), k);
  return out;
}

// Every pool the same GPU, profile and node: one GPU type split into pools.
bool identical_pools(const Scenario& s) {
  const GpuPoolSpec& a = s.cluster.pools.pools.front();
  for (const GpuPoolSpec& b : s.cluster.pools.pools)
    if (b.gpu.name != a.gpu.name || b.calibration != a.calibration || b.scale_up.name != a.scale_up.name ||
        b.nics_per_node != a.nics_per_node)
      return false;
  return true;
}

double op_time_s(const OpTiming& op) { return op.f_s + op.b_s + op.w_s + op.comm_s + op.comm_b_s; }

// What simulate_step adds to a step result: its shape, the MFU convention and the GEMM-peak MFU (FP8 only when
// every pool's GPU has FP8 tensor cores; the ratio of summed peaks otherwise is BF16's).
void finish_step(StepResult& r, const Scenario& s, const StepShape& shape) {
  r.seq_len = shape.seq_len;
  r.global_batch = shape.global_batch;
  r.mfu_convention = shape.causal ? "causal" : "non-causal";
  double bf16 = 0, fp8 = 0;
  bool all_fp8 = s.precision.gemm == DType::kFp8;
  for (const GpuPoolSpec& p : s.cluster.pools.pools) {
    bf16 += p.gpu.peak_bf16_flops * p.n_gpus();
    fp8 += p.gpu.peak_fp8_flops * p.n_gpus();
    all_fp8 = all_fp8 && p.gpu.has_fp8();
  }
  r.gemm_peak_format = all_fp8 ? "fp8" : "bf16";
  r.mfu_gemm_peak = all_fp8 && fp8 > 0 ? r.mfu * bf16 / fp8 : r.mfu;
}

MixedPool describe_pool(const Scenario& s, std::size_t k, const Calibration& calib) {
  const GpuPoolSpec& p = s.cluster.pools.pools[k];
  MixedPool out;
  out.name = p.name;
  out.gpu = p.gpu.name;
  out.n_gpus = p.n_gpus();
  out.members = pool_members(s, static_cast<int>(k));
  out.peak_bf16_flops = p.gpu.peak_bf16_flops;
  out.usd_per_gpu_hour = p.usd_per_gpu_hour > 0 ? p.usd_per_gpu_hour : p.gpu.rental.usd_per_gpu_hour;
  out.price_source = p.usd_per_gpu_hour > 0 ? p.price_source
                                            : (p.gpu.rental.usd_per_gpu_hour > 0
                                                   ? "catalog quote " + p.gpu.rental.date + ": " + p.gpu.rental.source
                                                   : "");
  out.calibration_profile = calib.info().path;
  return out;
}

void fill_members(MixedResult& d, const BalancedSplit& b, const Scenario& s, const std::vector<std::size_t>& pool_of) {
  d.members.clear();
  for (std::size_t i = 0; i < pool_of.size(); ++i) {
    const GpuPoolSpec& p = s.cluster.pools.pools[pool_of[i]];
    MixedMember m;
    m.pool = p.name;
    m.gpu = p.gpu.name;
    m.index = static_cast<int>(i);
    m.count = b.counts.at(i);
    m.time_s = b.time_s.at(i);
    m.idle_s = b.idle_s.at(i);
    m.capacity_bytes = p.gpu.hbm_bytes;
    d.members.push_back(m);
  }
  d.slowest = b.slowest;
  d.idle_fraction = b.idle_fraction();
}

std::string counts_text(const std::vector<int>& counts) {
  std::string out;
  for (int c : counts) out += (out.empty() ? "" : " ") + std::to_string(c);
  return out;
}

// Each pipeline rank's chunk costs from its own pool's costs.
StageCosts splice(const std::vector<StageCosts>& by_pool, const std::vector<std::size_t>& pool_of) {
  StageCosts out = by_pool.front();
  for (std::size_t r = 0; r < out.ranks.size(); ++r) {
    const StageCosts& mine = by_pool.at(pool_of.at(r));
    out.ranks[r] = mine.ranks.at(r);
    out.pp_send_s = std::max(out.pp_send_s, mine.pp_send_s);
    out.sm_fraction_during_comm = std::min(out.sm_fraction_during_comm, mine.sm_fraction_during_comm);
  }
  return out;
}

StepResult run_spliced(const Scenario& s, const StageCosts& costs, const ParallelPlan& plan, Timeline* timeline) {
  Scenario rep = s;
  rep.cluster.gpu = blended_gpu(s);
  return s.fidelity == Fidelity::kAnalytic
             ? analytic_step(costs, plan, rep.cluster.gpu.peak_bf16_flops, s.cluster.n_gpus())
             : des_step(rep, costs, plan, timeline);
}

std::vector<std::vector<int>> cut_of(const std::vector<int>& counts) {
  std::vector<std::vector<int>> cut;
  int layer = 0;
  for (int c : counts) {
    cut.emplace_back();
    for (int i = 0; i < c; ++i) cut.back().push_back(layer++);
  }
  return cut;
}

MixedStep stages_step(const Scenario& s, const PoolRuntimes& pools, const StepShape& shape, Timeline* timeline) {
  const std::vector<std::size_t> pool_of = member_pools(s);
  const std::size_t n_pools = pools.scenarios.size();
  const int n_layers = s.model.n_layers;
  // The cut a single GPU type would get (by FLOPs), timed on every pool: per-layer times and each rank's work
  // besides its layers (embedding, head, MTP).
  std::vector<StageCosts> trial;
  for (std::size_t k = 0; k < n_pools; ++k) trial.push_back(step_costs(pools.scenarios[k], *pools.calibs[k], shape));
  std::vector<std::vector<double>> layer_s(pool_of.size(), std::vector<double>(static_cast<std::size_t>(n_layers), 0));
  std::vector<double> fixed_s(pool_of.size(), 0);
  std::vector<int> trial_counts;
  for (std::size_t r = 0; r < pool_of.size(); ++r) {
    trial_counts.push_back(0);
    for (const ChunkCost& c : trial.at(pool_of[r]).ranks.at(r).chunks) trial_counts.back() += static_cast<int>(c.layers.size());
  }
  for (std::size_t k = 0; k < n_pools; ++k) {
    std::vector<double> per_layer(static_cast<std::size_t>(n_layers), 0);
    for (std::size_t r = 0; r < trial[k].ranks.size(); ++r)
      for (const ChunkCost& c : trial[k].ranks[r].chunks)
        for (const OpTiming& op : c.ops) {
          if (op.layer >= 0) per_layer.at(static_cast<std::size_t>(op.layer)) += op_time_s(op);
          else if (pool_of[r] == k) fixed_s[r] += op_time_s(op);
        }
    for (std::size_t r = 0; r < pool_of.size(); ++r)
      if (pool_of[r] == k) layer_s[r] = per_layer;
  }
  std::vector<int> given;
  for (const GpuPoolSpec& p : s.cluster.pools.pools) given.insert(given.end(), p.layers.begin(), p.layers.end());
  std::vector<double> mean_layer(pool_of.size());
  for (std::size_t r = 0; r < pool_of.size(); ++r)
    mean_layer[r] = std::accumulate(layer_s[r].begin(), layer_s[r].end(), 0.0) / n_layers;
  // Pools that are all the same hardware are one GPU type: they keep its cut, so splitting a cluster into pools
  // changes nothing.
  const bool one_type = identical_pools(s);
  const BalancedSplit split = !given.empty() ? evaluate_counts(mean_layer, fixed_s, given)
                              : one_type     ? evaluate_counts(mean_layer, fixed_s, trial_counts)
                                             : balance_stage_layers(layer_s, fixed_s, 1);
  const StagePartitions cut = StagePartitions::given(s.model, shape.seq_len, cut_of(split.counts));
  StepShape balanced = shape;
  balanced.partitions = &cut;

  std::vector<StageCosts> by_pool;
  for (std::size_t k = 0; k < n_pools; ++k) by_pool.push_back(step_costs(pools.scenarios[k], *pools.calibs[k], balanced));
  const StageCosts costs = splice(by_pool, pool_of);

  MixedStep out;
  out.step = run_spliced(s, costs, shape.plan, timeline);
  finish_step(out.step, s, shape);
  out.detail.layout = "stages";
  out.detail.balance = !given.empty() ? "given" : one_type ? "one GPU type" : "by speed";
  for (std::size_t k = 0; k < n_pools; ++k) out.detail.pools.push_back(describe_pool(s, k, *pools.calibs[k]));
  // Members' times as the spliced costs give them (what the schedule runs), not the balance's estimate.
  BalancedSplit timed = split;
  std::vector<double> per_mb;
  for (std::size_t r = 0; r < pool_of.size(); ++r) {
    const ChunkTimes t = chunk_times(costs, shape.plan, static_cast<int>(r));
    per_mb.push_back(t.f + t.b);
  }
  timed.time_s = per_mb;
  timed.slowest = static_cast<int>(std::max_element(per_mb.begin(), per_mb.end()) - per_mb.begin());
  timed.max_time_s = per_mb[static_cast<std::size_t>(timed.slowest)];
  timed.idle_s.clear();
  for (double t : per_mb) timed.idle_s.push_back(timed.max_time_s - t);
  fill_members(out.detail, timed, s, pool_of);

  // Memory: each rank at its own GPU, with the balanced cut.
  MemoryOptions mo;
  mo.partitions = &cut;
  mo.micro_batches_per_step = costs.micro_batches;
  for (std::size_t k = 0; k < n_pools; ++k) {
    const std::vector<MemoryBreakdown> mem =
        memory_per_stage(s.model, pools.scenarios[k].cluster, shape.plan, s.precision, shape.seq_len, mo);
    for (std::size_t r = 0; r < pool_of.size(); ++r)
      if (pool_of[r] == k) {
        if (out.memory.size() <= r) out.memory.resize(pool_of.size());
        out.memory[r] = mem.at(r);
        out.detail.members[r].memory_bytes = mem[r].total();
        out.memory_fits = out.memory_fits && mem[r].fits();
      }
  }
  out.memory_pool = "every stage at its own pool's GPU";

  // The same job with the one-GPU-type cut (layers by FLOPs).
  const StageCosts unbalanced = splice(trial, pool_of);
  out.detail.unbalanced_step_time_s = run_spliced(s, unbalanced, shape.plan, nullptr).time_s;
  out.detail.unbalanced_cut = counts_text(trial_counts);
  return out;
}

MixedStep replicas_step(const Scenario& s, const PoolRuntimes& pools, const StepShape& shape, Timeline* timeline) {
  const std::vector<std::size_t> pool_of = member_pools(s);
  const std::size_t n_pools = pools.scenarios.size();
  const ParallelPlan& p = shape.plan;
  const int dp = p.dp;
  const int total = shape.global_batch / p.micro_batch;
  // A replica's step at m micro-batches: the pool's scenario with every replica running m (the DP collectives
  // still span all dp replicas).
  std::map<std::pair<std::size_t, int>, StepResult> sims;
  auto replica_step = [&](std::size_t k, int m, Timeline* tl) -> const StepResult& {
    auto it = sims.find({k, m});
    if (it != sims.end() && !tl) return it->second;
    StepShape one = shape;
    one.global_batch = dp * m * p.micro_batch;
    return sims.insert_or_assign({k, m}, simulate_step(pools.scenarios[k], *pools.calibs[k], one, tl)).first->second;
  };
  // Each pool's time per micro-batch and fixed part, from two measured steps (the schedules are linear in the
  // micro-batch count once the pipeline is full).
  const int min_each = p.schedule == PipelineSchedule::kInterleaved1F1B ? p.pp : 1;
  const int m_a = std::max({total / dp, 2 * p.pp, min_each});
  const int m_b = m_a + 2 * p.pp;
  std::vector<double> unit_k(n_pools), fixed_k(n_pools);
  for (std::size_t k = 0; k < n_pools; ++k) {
    const double ta = replica_step(k, m_a, nullptr).time_s;
    const double tb = replica_step(k, m_b, nullptr).time_s;
    unit_k[k] = std::max(1e-12, (tb - ta) / (m_b - m_a));
    fixed_k[k] = std::max(0.0, ta - m_a * unit_k[k]);
  }
  std::vector<double> unit, fixed;
  for (std::size_t j : pool_of) {
    unit.push_back(unit_k[j]);
    fixed.push_back(fixed_k[j]);
  }
  std::vector<int> given;
  for (const GpuPoolSpec& g : s.cluster.pools.pools) given.insert(given.end(), g.micro_batches.begin(), g.micro_batches.end());
  BalancedSplit split;
  try {
    split = given.empty() ? balance_counts(unit, fixed, total, min_each) : evaluate_counts(unit, fixed, given);
  } catch (const Error& e) {
    throw_user_error("the global batch's " + std::to_string(total) + " micro-batches cannot be split over the " +
                         std::to_string(dp) + " replicas: " + e.message(),
                     ErrorContext{.key_path = "training.phases", .hint = "a larger global_batch"});
  }
  // Each replica's real step at its count; the step waits for the slowest.
  std::vector<double> times;
  for (std::size_t j = 0; j < pool_of.size(); ++j) times.push_back(replica_step(pool_of[j], split.counts[j], nullptr).time_s);
  BalancedSplit timed = split;
  timed.time_s = times;
  timed.slowest = static_cast<int>(std::max_element(times.begin(), times.end()) - times.begin());
  timed.max_time_s = times[static_cast<std::size_t>(timed.slowest)];
  timed.idle_s.clear();
  for (double t : times) timed.idle_s.push_back(timed.max_time_s - t);

  MixedStep out;
  const std::size_t slow = static_cast<std::size_t>(timed.slowest);
  out.step = replica_step(pool_of[slow], split.counts[slow], timeline);
  // The step's own figures: the whole batch, every GPU's peak. Model FLOPs of replica j are its pool's
  // simulated step's FLOPs (all dp replicas at that count) over dp.
  double flops = 0, peak = 0;
  const int replica_gpus = p.tp * p.cp * p.pp;
  for (std::size_t j = 0; j < pool_of.size(); ++j) {
    const StepResult& r = replica_step(pool_of[j], split.counts[j], nullptr);
    const GpuSpec& g = s.cluster.pools.pools[pool_of[j]].gpu;
    flops += r.mfu * r.time_s * p.n_gpus() * g.peak_bf16_flops / dp;
    peak += g.peak_bf16_flops * replica_gpus;
  }
  out.step.time_s = timed.max_time_s;
  out.step.mfu = flops / (out.step.time_s * peak);
  out.step.tokens_per_s = static_cast<double>(shape.global_batch) * shape.seq_len / out.step.time_s;
  out.step.micro_batches = split.counts[slow];
  finish_step(out.step, s, shape);

  out.detail.layout = "replicas";
  out.detail.balance = given.empty() ? "by speed" : "given";
  for (std::size_t k = 0; k < n_pools; ++k) out.detail.pools.push_back(describe_pool(s, k, *pools.calibs[k]));
  fill_members(out.detail, timed, s, pool_of);

  // Memory per pool at its largest micro-batch count; the pool nearest its HBM is the one shown.
  double worst = -1;
  for (std::size_t k = 0; k < n_pools; ++k) {
    int most = 0;
    for (std::size_t j = 0; j < pool_of.size(); ++j)
      if (pool_of[j] == k) most = std::max(most, split.counts[j]);
    MemoryOptions mo;
    mo.micro_batches_per_step = most;
    const std::vector<MemoryBreakdown> mem =
        memory_per_stage(s.model, pools.scenarios[k].cluster, p, s.precision, shape.seq_len, mo);
    double peak_mem = 0, ratio = 0;
    for (const MemoryBreakdown& mb : mem) {
      peak_mem = std::max(peak_mem, mb.total());
      ratio = std::max(ratio, mb.total() / std::max(1.0, mb.capacity));
      out.memory_fits = out.memory_fits && mb.fits();
    }
    for (std::size_t j = 0; j < pool_of.size(); ++j)
      if (pool_of[j] == k) out.detail.members[j].memory_bytes = peak_mem;
    if (ratio > worst) {
      worst = ratio;
      out.memory = mem;
      out.memory_pool = s.cluster.pools.pools[k].name;
    }
  }

  // The same job with micro-batches split evenly.
  const int even = std::max(min_each, total / dp);
  double unbalanced = 0;
  for (std::size_t k = 0; k < n_pools; ++k) unbalanced = std::max(unbalanced, replica_step(k, even, nullptr).time_s);
  out.detail.unbalanced_step_time_s = unbalanced;
  out.detail.unbalanced_cut = std::to_string(even) + " per replica";
  return out;
}

}  // namespace

GpuSpec blended_gpu(const Scenario& s) {
  GpuSpec g = s.cluster.gpu;
  const auto& pools = s.cluster.pools.pools;
  const double n = s.cluster.n_gpus();
  g.name = g.display_name = "";
  g.peak_bf16_flops = g.peak_fp8_flops = g.tdp_w = g.purchase_usd = 0;
  for (const GpuPoolSpec& p : pools) {
    const double w = p.n_gpus() / n;
    g.name += (g.name.empty() ? "" : "+") + p.gpu.name;
    g.display_name += (g.display_name.empty() ? "" : " + ") + std::to_string(p.n_gpus()) + " x " + p.gpu.display_name;
    g.peak_bf16_flops += w * p.gpu.peak_bf16_flops;
    g.peak_fp8_flops += w * p.gpu.peak_fp8_flops;
    g.tdp_w += w * p.gpu.tdp_w;
    g.purchase_usd += w * p.gpu.purchase_usd;
  }
  return g;
}

PoolRuntimes load_pool_runtimes(const Scenario& s, const CalibrationFor& calibration_for) {
  if (!calibration_for) throw_internal_error("mixed pools: no calibration loader given");
  PoolRuntimes out;
  for (std::size_t k = 0; k < s.cluster.pools.pools.size(); ++k) {
    out.scenarios.push_back(pool_scenario(s, k));
    try {
      out.calibs.push_back(calibration_for(out.scenarios.back()));
    } catch (const Error& e) {
      ErrorContext c = e.context();
      if (c.key_path == "calibration") c.key_path = "cluster.pools[" + std::to_string(k) + "].calibration";
      throw Error(e.kind(), e.message(), c);
    }
  }
  return out;
}

MixedStep mixed_step(const Scenario& s, const PoolRuntimes& pools, const StepShape& shape, Timeline* timeline) {
  if (!s.cluster.pools.enabled()) throw_internal_error("mixed_step: the cluster has one GPU type");
  return s.cluster.pools.layout == GpuPoolLayout::kStages ? stages_step(s, pools, shape, timeline)
                                                        : replicas_step(s, pools, shape, timeline);
}

}  // namespace moeplan
