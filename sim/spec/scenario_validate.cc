// Cross-part checks of a Scenario: the plan must fit the cluster and the model. Every phase's own plan
// (TrainingPhase::parallel when overridden) gets the same checks as the scenario's plan.
#include <algorithm>
#include <cstdio>
#include <string>

#include "sim/spec/scenario.h"
#include "sim/units/checked.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {
std::string n(long long v) { return std::to_string(v); }
std::string ratio(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
[[noreturn]] void fail(const std::string& key, const std::string& message, const std::string& hint = "") {
  throw_user_error(message, ErrorContext{.key_path = key, .hint = hint});
}

// Checks plan `p` against the model and cluster; `prefix` is "" for the scenario's plan and
// "training.phases[i]." for a phase's own plan, so the key path names the plan that is wrong.
void check_plan(const ParallelPlan& p, const Scenario& s, const ClusterSpec& cluster, const std::string& prefix) {
  const ModelSpec& m = s.model;
  const int gpus = cluster.n_gpus();
  const std::string key = prefix + "parallel";
  // Overlapping TP collectives with GEMMs (Transformer Engine userbuffers) maps the peer GPUs' buffers into each
  // GPU (CUDA IPC peer access); with P2P off there is no peer mapping to overlap through.
  if (p.tp_comm_overlap && !s.cluster.p2p)
    fail(key + ".tp_comm_overlap", "overlapping TP communication with GEMMs needs peer-to-peer access between GPUs, "
                                   "and cluster.p2p is false",
         "set tp_comm_overlap: false, or use GPUs with P2P (NVLink, or PCIe P2P enabled)");
  // The stack's limits (`constraints:`): a plan it cannot run is refused here, so the planner, a sweep point
  // and `run` all see the same verdict.
  if (const ConstraintBreach b = check_constraints(s.constraints, p); b.any())
    fail("constraints." + b.key, key + ": " + b.message, "change the plan, or the `constraints` block");
  // Formed with an overflow check: 8 x 536870913 must not wrap around to 8.
  const long long plan_gpus = bounded_product({p.tp, p.cp, p.pp, p.dp}, kMaxGpus);
  if (plan_gpus != gpus) {
    const long long model_ranks = bounded_product({p.tp, p.cp, p.pp}, kMaxGpus);
    const std::string degrees = p.cp > 1 ? "tp x cp x pp x dp = " + n(p.tp) + " x " + n(p.cp) + " x " + n(p.pp) +
                                               " x " + n(p.dp)
                                         : "tp x pp x dp = " + n(p.tp) + " x " + n(p.pp) + " x " + n(p.dp);
    fail(key, degrees + (plan_gpus > kMaxGpus ? " is more than " + n(kMaxGpus) : " = " + n(plan_gpus)) +
                  " but the cluster has " + n(gpus) + " GPUs",
         "set dp to " + (model_ranks > 0 && gpus % model_ranks == 0 ? n(gpus / model_ranks) : std::string("a divisor")) +
             " or change cluster.nodes");
  }
  const int stage_ranks = p.stage_gpus();  // GPUs sharing one pipeline stage
  if (p.ep > 1) {
    if (!m.is_moe()) fail(key + ".ep", "expert parallelism needs an MoE model; " + m.name + " is dense", "set ep: 1");
    if (m.moe.n_routed_experts % p.ep != 0)
      fail(key + ".ep", "ep = " + n(p.ep) + " does not divide the " + n(m.moe.n_routed_experts) + " routed experts",
           "use a divisor of " + n(m.moe.n_routed_experts));
    if (p.ep > stage_ranks || stage_ranks % p.ep != 0)
      fail(key + ".ep", "ep = " + n(p.ep) + " must divide the " + n(stage_ranks) +
                            " GPUs of a pipeline stage (" + (p.cp > 1 ? "tp x cp x dp" : "tp x dp") + ")",
           "choose ep dividing " + n(stage_ranks));
  }
  const long long chunks = static_cast<long long>(p.pp) * p.virtual_stages *
                           (p.schedule == PipelineSchedule::kDualPipeV ? 2 : 1);
  // With the first or last chunk's layers set, the rest split evenly (and the check names those keys).
  if (p.first_stage_layers || p.last_stage_layers)
    fixed_stage_layer_counts(p, m.n_layers, static_cast<int>(std::min<long long>(chunks, kMaxLayers + 1)), key);
  else if (m.n_layers < chunks)
    fail(key + ".pp", "the model's " + n(m.n_layers) + " layers cannot be split over " + n(chunks) +
                          " pipeline chunks", "use fewer stages");
  if (p.tp > 1) {
    if (m.n_heads % p.tp != 0)
      fail(key + ".tp", "tp = " + n(p.tp) + " does not divide the " + n(m.n_heads) + " attention heads");
    if (m.attention == AttentionKind::kGqa && p.tp > m.n_kv_heads)
      fail(key + ".tp", "tp = " + n(p.tp) + " exceeds the " + n(m.n_kv_heads) + " KV heads of " + m.name,
           "use tp <= " + n(m.n_kv_heads));
    if (p.tp > cluster.scale_up_gpus())
      fail(key + ".tp", "tp = " + n(p.tp) + " spans more than one scale-up domain (" + n(cluster.scale_up_gpus()) +
                            " GPUs share a scale-up fabric)", "keep tensor parallelism inside a node or NVLink domain");
  }
  if (p.cp > 1 && p.cp_comm == CpComm::kAllToAll && p.tp >= 1 && m.n_heads % p.tp == 0 &&
      (m.n_heads / p.tp) % p.cp != 0)
    fail(key + ".cp_comm", "the a2a exchange gives each CP rank heads / cp heads: cp = " + n(p.cp) +
                               " does not divide the " + n(m.n_heads / p.tp) + " attention heads of a TP rank",
         "use cp_comm: ring, or a cp dividing " + n(m.n_heads / p.tp));
  // Communication kernels borrow SMs from compute: all of them leaves none to compute with.
  if (p.comm_sms >= s.cluster.gpu.sm_count)
    fail(key + ".comm_sms", "comm_sms = " + n(p.comm_sms) + " leaves none of the " + n(s.cluster.gpu.sm_count) +
                                " SMs of " + s.cluster.gpu.name + " for compute",
         "use fewer than " + n(s.cluster.gpu.sm_count) + " (DeepSeek-V3 used 20 of 132)");
  if (p.zero_stage > 0 && p.grad_dp() == 1)
    fail(key + ".zero", "ZeRO needs data parallelism (dp > 1)", "set zero: 0");
  validate_against_layers(p.dp_sync, m.n_layers, key + ".dp_sync");
  // The low-communication methods are costed across sites; on one cluster they would be dropped silently.
  if (!p.dp_sync.is_every_step() && !s.sites.enabled())
    fail(key + ".dp_sync",
         std::string(to_string(p.dp_sync.method)) +
             " is costed across sites joined by WAN links, and this scenario runs on one cluster",
         "add `sites:` and `wan:` (docs/scale-out.md), or use dp_sync: every-step");
}

// A multi-site scenario: every site holds whole replicas (and whole EP groups) of the plan and no phase resizes
// the cluster. (A global batch that is a multiple of dp splits over the sites in whole sequences.)
void check_sites(const Scenario& s) {
  validate(s.sites);
  const ParallelPlan& p = s.parallel;
  const long long replica_gpus = static_cast<long long>(p.tp) * p.cp * p.pp;
  for (size_t i = 0; i < s.sites.sites.size(); ++i) {
    const SiteSpec& site = s.sites.sites[i];
    const std::string key = "sites[" + n(static_cast<long long>(i)) + "]";
    if (site.n_gpus() % replica_gpus != 0)
      fail(key + ".nodes",
           "site `" + site.name + "` has " + n(site.n_gpus()) + " GPUs, which do not hold whole replicas of tp x cp x pp = " +
               n(replica_gpus) + " GPUs",
           "a multiple of " + n(replica_gpus) + " GPUs per site (replicas never span sites)");
    const long long site_dp = site.n_gpus() / replica_gpus;
    if ((site_dp * p.tp * p.cp) % p.ep != 0)
      fail(key + ".nodes",
           "site `" + site.name + "` has " + n(site_dp * p.tp * p.cp) + " GPUs per pipeline stage, which do not hold whole EP groups of ep = " +
               n(p.ep),
           "lower parallel.ep so an expert-parallel group stays inside a site");
    if (p.tp > site.gpus_per_node)
      fail("parallel.tp", "tp = " + n(p.tp) + " spans more than one node of site `" + site.name + "` (" +
                              n(site.gpus_per_node) + " GPUs per node)",
           "tp <= " + n(site.gpus_per_node));
    if (s.parallel.dp_sync.is_every_step() && s.sites.sites.size() > 1 && site.scale_out.name.empty())
      fail(key + ".scale_out",
           "every-step data parallelism across sites runs the job's DP group on each site's fabrics, and site `" +
               site.name + "` has no scale-out fabric",
           "give the site a scale_out fabric (e.g. eth-100g), or use a low-communication parallel.dp_sync");
    if (s.precision.gemm == DType::kFp8 && !site.gpu.has_fp8())
      fail("precision", "site `" + site.name + "` runs " + site.gpu.name + ", which has no FP8 tensor cores",
           "use precision: bf16, or FP8-capable GPUs at every site");
  }
  for (size_t i = 0; i < s.training.phases.size(); ++i) {
    const TrainingPhase& ph = s.training.phases[i];
    const std::string phase_key = "training.phases[" + n(static_cast<long long>(i)) + "]";
    if (ph.cluster_overridden || ph.parallel_overridden)
      fail(phase_key, "a multi-site scenario cannot change the cluster or the plan per phase",
           "phases without `cluster:` or `parallel:`");
  }
}

}  // namespace

void validate(const Scenario& s) {
  validate(s.model);
  validate(s.cluster);
  validate(s.parallel);
  validate(s.training);
  validate(s.price);
  // Only des-full routes traffic over the leaf/spine links, so only it charges an oversubscribed fabric; the
  // other fidelities assume full bisection, and would otherwise report a 2:1 fabric at full speed.
  if (s.cluster.topology.oversubscription > 1.0 && s.fidelity != Fidelity::kDesFull)
    throw_user_error("an oversubscribed fabric (" + ratio(s.cluster.topology.oversubscription) +
                         ":1) is modelled only at fidelity `des-full`; `" + to_string(s.fidelity) +
                         "` assumes full bisection and would report it at full speed",
                     ErrorContext{.key_path = "cluster.topology.oversubscription",
                                  .expected = "1.0 below des-full",
                                  .hint = "run with --fidelity des-full, or set oversubscription: 1.0"});
  // Sites first: a site that cannot hold a replica explains a plan that does not fit the whole job.
  if (s.sites.enabled()) check_sites(s);
  check_plan(s.parallel, s, s.cluster, "");
  validate_pools(s);  // mixed GPU types: each pool holds whole stages or replicas (gpu_pool_validate.cc)
  for (size_t i = 0; i < s.training.phases.size(); ++i) {
    const TrainingPhase& ph = s.training.phases[i];
    if (ph.given_gpu_hours > 0) continue;
    const std::string phase_key = "training.phases[" + n(static_cast<long long>(i)) + "]";
    const ParallelPlan& pp_plan = ph.parallel_overridden ? ph.parallel : s.parallel;
    if (ph.cluster_overridden) validate(ph.cluster);
    if (ph.parallel_overridden) {
      validate(pp_plan);
      check_plan(pp_plan, s, ph.cluster_overridden ? ph.cluster : s.cluster, phase_key + ".");
    }
    // Context parallelism cuts each sequence into equal pieces (ring: 2 cp, the load-balanced causal split).
    if (pp_plan.cp > 1 && ph.seq_len % pp_plan.cp_pieces() != 0)
      fail(phase_key + ".seq_len",
           "context parallelism cp = " + n(pp_plan.cp) + " needs seq_len divisible by " +
               (pp_plan.cp_comm == CpComm::kRing ? "2 x cp = " : "cp = ") + n(pp_plan.cp_pieces()) + ", got " +
               n(ph.seq_len),
           "choose cp so that it divides the sequence length");
    const long long per_step = static_cast<long long>(pp_plan.dp) * pp_plan.micro_batch;
    if (ph.global_batch % per_step != 0)
      fail(phase_key + ".global_batch",
           "global batch " + n(ph.global_batch) + " is not a multiple of dp x micro_batch = " + n(per_step));
    const long long micro_batches = ph.global_batch / per_step;
    // The schedule of one step holds every micro-batch of every pipeline chunk (measured: 2^20 slots take
    // ~1 GB and 20 s at des; 2^24 took 18.5 GB before it was stopped): refuse before allocating it.
    const long long chunks = static_cast<long long>(pp_plan.pp) * pp_plan.virtual_stages *
                             (pp_plan.schedule == PipelineSchedule::kDualPipeV ? 2 : 1);
    const long long slots = bounded_product({micro_batches, chunks}, kMaxScheduleSlots);
    if (slots > kMaxScheduleSlots)
      fail(phase_key + ".global_batch",
           "global batch " + n(ph.global_batch) + " gives " + n(micro_batches) + " micro-batches per step over " +
               n(chunks) + " pipeline chunks, more than the " + n(kMaxScheduleSlots) + " slots a step can schedule",
           "raise micro_batch or dp, or lower the global batch");
    if (pp_plan.schedule == PipelineSchedule::kDualPipe && micro_batches % 2 != 0)
      fail(phase_key + ".global_batch", "DualPipe needs an even number of micro-batches, got " + n(micro_batches),
           "micro-batches divisible by 2 (DualPipe README)");
    // Megatron-Core walks interleaved micro-batches through the chunks in groups of at least pp
    // (interleaved_group_size); 1F1B, ZB-H1 and GPipe take any count.
    if (pp_plan.schedule == PipelineSchedule::kInterleaved1F1B && pp_plan.virtual_stages > 1 &&
        micro_batches < pp_plan.pp)
      fail(phase_key + ".global_batch",
           "interleaved 1F1B needs at least pp = " + n(pp_plan.pp) + " micro-batches per step, got " +
               n(micro_batches),
           "raise the global batch, lower dp or pp, or use the 1f1b schedule");
    const bool dual = pp_plan.schedule == PipelineSchedule::kDualPipe || pp_plan.schedule == PipelineSchedule::kDualPipeV;
    if (dual && micro_batches < 2LL * pp_plan.pp)
      fail(phase_key + ".global_batch",
           std::string(to_string(pp_plan.schedule)) + " needs at least 2 x pp = " + n(2LL * pp_plan.pp) +
               " micro-batches per step, got " + n(micro_batches),
           "raise the global batch, lower dp or pp, or use another schedule");
  }
  if (s.failures.hot_spare_nodes > s.cluster.n_nodes)
    fail("failures.hot_spare_nodes",
         n(s.failures.hot_spare_nodes) + " hot spares is more than the job's " + n(s.cluster.n_nodes) + " nodes",
         "spares are a small reserve, typically a few percent of the nodes");
  if (s.precision.gemm == DType::kFp8 && !s.cluster.gpu.has_fp8())
    fail("precision", s.cluster.gpu.name + " has no FP8 tensor cores", "use precision: bf16");
}

}  // namespace moeplan
