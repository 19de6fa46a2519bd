// Scenario sections from YAML (see scenario_sections.h and docs/scenario-format.md).
#include "sim/io/scenario_sections.h"

#include <cmath>
#include <optional>

#include "sim/io/dp_sync_yaml.h"
#include "sim/io/hardware_yaml.h"
#include "sim/io/software_yaml.h"
#include "sim/io/suggest.h"
#include "sim/units/checked.h"
#include "sim/units/units.h"

namespace moeplan::io {
namespace {

const char* kBandwidth = "a bandwidth such as \"50 GB/s\" or \"400 Gbps\"";
const char* kDuration = "a duration such as \"10 min\" or \"2 h\"";
const char* kCount = "a count such as \"14.8T\", \"469B\" or \"1000\"";

// A catalog lookup whose "unknown name" error is placed at the YAML value that named it.
template <typename Lookup>
auto located(const YamlField& f, Lookup lookup) -> decltype(lookup()) {
  try {
    return lookup();
  } catch (const Error& e) {
    throw e.with_context(f.context());
  }
}

// A whole number written as a count ("1000", "1K"); fractions are errors.
long long read_whole_count(const YamlField& f) {
  const double v = f.as_quantity(units::parse_count, kCount);
  if (v < 0 || v != std::floor(v) || v > 9.0e18) f.fail("expected a whole non-negative number", kCount);
  return static_cast<long long>(v);
}

}  // namespace

namespace {

// `gpu:` or `scale_up:`/`scale_out:`: a catalog name, or a whole entry written inline with its own `name`
// (the catalog's format, hardware_yaml.h), e.g. a 200G RoCE fabric the catalog does not list.
GpuSpec gpu_of(const YamlField& f, const Catalog& catalog) {
  if (f.is_map()) return read_gpu(f, f.at("name", "a name for the inline GPU").as_string("a GPU name"), {"name"});
  const std::string name = f.as_string("a GPU name from the catalog, or an inline GPU entry");
  return located(f, [&] { return catalog.gpu(name); });
}

FabricSpec fabric_of(const YamlField& f, const Catalog& catalog) {
  if (f.is_map())
    return read_fabric(f, f.at("name", "a name for the inline fabric").as_string("a fabric name"), {"name"});
  const std::string name = f.as_string("a fabric name from the catalog, or an inline fabric entry");
  return located(f, [&] { return catalog.fabric(name); });
}

// The cluster keys present in `f` applied to `c` (the scenario's cluster for a phase, an empty one for the
// scenario itself).
ClusterSpec read_cluster_fields(const YamlField& f, ClusterSpec c, const Catalog& catalog, bool whole) {
  f.require_map("{gpu, nodes, gpus_per_node, scale_up, scale_out, ...}");
  f.expect_keys({"gpu", "nodes", "gpus_per_node", "scale_up", "scale_out", "nics_per_node", "p2p", "topology"});
  std::optional<YamlField> gpu = f.find("gpu");
  if (whole) {
    gpu = f.at("gpu", "a GPU name from the catalog such as h800-sxm");
    c.gpu = gpu_of(*gpu, catalog);
  } else if (gpu) {
    // One scenario, one calibration profile: a phase may resize or rewire the cluster, not swap its GPU.
    const GpuSpec g = gpu_of(*gpu, catalog);
    if (g.name != c.gpu.name)
      gpu->fail("a phase runs on the scenario's GPU (`" + c.gpu.name + "`), not `" + g.name + "`",
                "the scenario's GPU; a run on another GPU is a scenario of its own");
  }
  c.n_nodes = f.get_int("nodes", whole ? 1 : c.n_nodes, kNoLower, kMaxNodes);
  c.gpus_per_node = f.get_int("gpus_per_node", whole ? 8 : c.gpus_per_node, kNoLower, kMaxGpusPerNode);
  // Scale-up default: the GPU's own link (NVLink, Infinity Fabric), else its PCIe host link.
  if (auto su = f.find("scale_up")) {
    c.scale_up = fabric_of(*su, catalog);
  } else if (whole) {
    const std::string name = c.gpu.scale_up_fabric.empty() ? c.gpu.host_link : c.gpu.scale_up_fabric;
    c.scale_up = located(*gpu, [&] { return catalog.fabric(name); });
  }
  if (auto so = f.find("scale_out")) {
    c.scale_out = fabric_of(*so, catalog);
  } else if (c.n_nodes > 1 && c.scale_out.name.empty()) {
    f.at("scale_out", "the fabric between nodes, e.g. ib-ndr, roce-400g or eth-100g");
  }
  // NICs: one per GPU wherever there is a scale-out fabric, unless given; a phase keeps the scenario's count.
  const int default_nics = whole ? (c.n_nodes > 1 || f.has("scale_out") ? c.gpus_per_node : 0)
                                 : (c.nics_per_node > 0 ? c.nics_per_node : (c.n_nodes > 1 ? c.gpus_per_node : 0));
  c.nics_per_node = f.get_int("nics_per_node", default_nics, kNoLower, kMaxGpusPerNode);
  c.p2p = f.get_bool("p2p", c.p2p);
  if (auto t = f.find("topology")) {
    t->require_map("{kind, levels, planes, oversubscription, switch_radix}");
    t->expect_keys({"kind", "levels", "planes", "oversubscription", "switch_radix"});
    if (auto k = t->find("kind"))
      c.topology.kind = k->as_enum<std::string>(
          {{"fat-tree", "fat-tree"}, {"rail-optimized", "rail-optimized"}, {"single-switch", "single-switch"}},
          "topology kind");
    c.topology.levels = t->get_int("levels", c.topology.levels, 1, 8);
    c.topology.planes = t->get_int("planes", c.topology.planes, 1, kMaxGpusPerNode);
    c.topology.oversubscription = t->get_double("oversubscription", c.topology.oversubscription);
    c.topology.switch_radix = t->get_int("switch_radix", c.topology.switch_radix, 2, 1 << 16);
  }
  // The GPU count is used (as an int) right after this section: it must be in range before anyone multiplies.
  if (bounded_product({c.n_nodes, c.gpus_per_node}, kMaxGpus) > kMaxGpus)
    f.find("nodes").value_or(f).fail("nodes x gpus_per_node = " + std::to_string(c.n_nodes) + " x " +
                                         std::to_string(c.gpus_per_node) + " GPUs is too many",
                                     "at most " + std::to_string(kMaxGpus) + " GPUs in one cluster");
  return c;
}

}  // namespace

ClusterSpec read_cluster(const YamlField& f, const Catalog& catalog) {
  return read_cluster_fields(f, ClusterSpec{}, catalog, true);
}

ClusterSpec read_phase_cluster(const YamlField& f, const ClusterSpec& base, const Catalog& catalog) {
  return read_cluster_fields(f, base, catalog, false);
}

ParallelPlan read_parallel(const YamlField& f, const ParallelPlan& base, int n_gpus, bool dp_auto_when_absent) {
  f.require_map("{tp, cp, pp, dp, ep, zero, micro_batch, schedule, ...}");
  f.expect_keys({"tp", "cp", "cp_comm", "pp", "dp", "ep", "zero", "micro_batch", "virtual_stages", "schedule", "recompute",
                 "comm_sms", "sequence_parallel", "ep_overlap", "tp_comm_overlap", "first_stage_layers",
                 "last_stage_layers", "dp_sync"});
  ParallelPlan p = base;
  p.tp = f.get_int("tp", p.tp, kNoLower, kMaxGpus);
  p.cp = f.get_int("cp", p.cp, kNoLower, kMaxGpus);
  if (auto c = f.find("cp_comm"))
    p.cp_comm = c->as_enum<CpComm>({{"ring", CpComm::kRing}, {"a2a", CpComm::kAllToAll}}, "context-parallel exchange");
  p.pp = f.get_int("pp", p.pp, kNoLower, kMaxGpus);
  p.ep = f.get_int("ep", p.ep, kNoLower, kMaxGpus);
  p.zero_stage = f.get_int("zero", p.zero_stage);
  p.micro_batch = f.get_int("micro_batch", p.micro_batch, kNoLower, kMaxMicroBatchesPerStep);
  p.virtual_stages = f.get_int("virtual_stages", p.virtual_stages, kNoLower, kMaxLayers);
  // Layers of the pipeline's first and last chunks; absent: the cut is balanced by compute.
  if (auto l = f.find("first_stage_layers")) p.first_stage_layers = l->as_int_in(kNoLower, kMaxLayers);
  if (auto l = f.find("last_stage_layers")) p.last_stage_layers = l->as_int_in(kNoLower, kMaxLayers);
  if (auto s = f.find("schedule"))
    p.schedule = s->as_enum<PipelineSchedule>({{"gpipe", PipelineSchedule::kGpipe},
                                               {"1f1b", PipelineSchedule::k1F1B},
                                               {"interleaved", PipelineSchedule::kInterleaved1F1B},
                                               {"zb-h1", PipelineSchedule::kZbH1},
                                               {"dualpipe", PipelineSchedule::kDualPipe},
                                               {"dualpipev", PipelineSchedule::kDualPipeV}},
                                              "pipeline schedule");
  if (auto r = f.find("recompute"))
    p.recompute = r->as_enum<RecomputePolicy>(
        {{"none", RecomputePolicy::kNone}, {"selective", RecomputePolicy::kSelective}, {"full", RecomputePolicy::kFull}},
        "recompute policy");
  p.comm_sms = f.get_int("comm_sms", p.comm_sms, kNoLower, 1 << 20);  // below the GPU's SMs: scenario_validate.cc
  const bool zero_given = f.has("zero");
  p.sequence_parallel = f.get_bool("sequence_parallel", p.sequence_parallel);
  p.ep_overlap = f.get_bool("ep_overlap", p.ep_overlap);
  p.tp_comm_overlap = f.get_bool("tp_comm_overlap", p.tp_comm_overlap);
  if (auto d = f.find("dp_sync")) p.dp_sync = read_dp_sync(*d);

  auto derive_dp = [&](const YamlField& at) {
    const long long model_ranks = bounded_product({p.tp, p.cp, p.pp}, kMaxGpus);
    const bool cp = p.cp > 1;
    if (model_ranks <= 0 || n_gpus % model_ranks != 0)
      at.fail(std::string("dp: auto needs ") + (cp ? "tp x cp x pp" : "tp x pp") + " = " + std::to_string(model_ranks) +
                  " to divide the " + std::to_string(n_gpus) + " GPUs",
              std::string("an explicit dp, or ") + (cp ? "tp, cp and pp" : "tp and pp") + " dividing the GPU count");
    return static_cast<int>(n_gpus / model_ranks);
  };
  if (auto d = f.find("dp")) {
    if (d->is_scalar() && d->node().Scalar() == "auto") p.dp = derive_dp(*d);
    else p.dp = d->as_int_in(kNoLower, kMaxGpus);
  } else if (dp_auto_when_absent || f.has("tp") || f.has("cp") || f.has("pp")) {
    p.dp = derive_dp(f);
  }
  // ZeRO shards over data-parallel replicas: without them the default is stage 0, not an error.
  if (!zero_given && p.grad_dp() == 1) p.zero_stage = 0;
  return p;
}

PrecisionRecipe read_precision(const YamlField& f) {
  const std::vector<std::string> presets = {"bf16", "fp8-deepseek"};
  auto preset = [&](const YamlField& at) {
    const std::string name = at.as_string("a precision preset: bf16 or fp8-deepseek");
    try {
      return precision_preset(name);
    } catch (const Error& e) {
      ErrorContext c = at.context();
      c.hint = did_you_mean(name, presets);
      throw e.with_context(c);
    }
  };
  if (f.is_scalar()) return preset(f);
  f.require_map("a preset name, or {preset: bf16, optimizer_moments: fp32, ...}");
  f.expect_keys({"preset", "gemm", "weights", "master_weights", "gradients", "optimizer_moments", "activations",
                 "dispatch", "combine", "act_scale_tile", "weight_scale_block", "fp8_cached_moe_inputs"});
  PrecisionRecipe r = f.has("preset") ? preset(*f.find("preset")) : precision_preset("bf16");
  const std::vector<std::pair<std::string, DType>> dtypes = {
      {"fp8", DType::kFp8}, {"bf16", DType::kBf16}, {"fp16", DType::kFp16}, {"fp32", DType::kFp32}};
  bool customised = false;
  auto dtype = [&](const char* key, DType& out) {
    if (auto d = f.find(key)) {
      out = d->as_enum<DType>(dtypes, "number format");
      customised = true;
    }
  };
  dtype("gemm", r.gemm);
  dtype("weights", r.weights);
  dtype("master_weights", r.master_weights);
  dtype("gradients", r.gradients);
  dtype("optimizer_moments", r.optimizer_moments);
  dtype("activations", r.activations);
  dtype("dispatch", r.dispatch);
  dtype("combine", r.combine);
  for (const char* key : {"act_scale_tile", "weight_scale_block", "fp8_cached_moe_inputs"}) customised |= f.has(key);
  r.act_scale_tile = f.get_int("act_scale_tile", r.act_scale_tile);
  r.weight_scale_block = f.get_int("weight_scale_block", r.weight_scale_block);
  r.fp8_cached_moe_inputs = f.get_bool("fp8_cached_moe_inputs", r.fp8_cached_moe_inputs);
  if (customised) r.name += "-custom";  // reports must not present an edited recipe as the preset
  return r;
}

TrainingSpec read_training(const YamlField& f, const ParallelPlan& plan, const ClusterSpec& cluster,
                           const Catalog& catalog) {
  f.require_map("{phases: [...]}");
  f.expect_keys({"phases"});
  TrainingSpec t;
  const auto phases = f.at("phases", "a list of training phases").items("a list of training phases");
  for (size_t i = 0; i < phases.size(); ++i) {
    const YamlField& p = phases[i];
    p.require_map("{name, tokens | steps, seq_len, global_batch, ...}");
    p.expect_keys({"name", "tokens", "steps", "seq_len", "global_batch", "batch_ramp", "given_gpu_hours", "source",
                   "cluster", "parallel"});
    TrainingPhase ph;
    ph.name = p.get_string("name", "phase-" + std::to_string(i));
    if (auto x = p.find("tokens")) ph.tokens = x->as_quantity(units::parse_count, kCount);
    if (auto x = p.find("steps")) ph.steps = read_whole_count(*x);
    ph.seq_len = p.get_int("seq_len", ph.seq_len, kNoLower, kMaxSeqLen);
    ph.global_batch = p.get_int("global_batch", ph.global_batch);
    if (auto r = p.find("batch_ramp")) {
      r->require_map("{from: sequences, over_tokens: count}");
      r->expect_keys({"from", "over_tokens"});
      ph.ramp.from_sequences = r->at("from", "the global batch at the start of the ramp").as_int();
      ph.ramp.over_tokens = r->at("over_tokens", kCount).as_quantity(units::parse_count, kCount);
    }
    if (auto g = p.find("given_gpu_hours")) ph.given_gpu_hours = g->as_quantity(units::parse_count, kCount);
    ph.given_source = p.get_string("source", "");
    ph.cluster = cluster;
    if (auto c = p.find("cluster")) {
      ph.cluster = read_phase_cluster(*c, cluster, catalog);
      ph.cluster_overridden = true;
    }
    ph.parallel = plan;
    if (auto pp = p.find("parallel")) {
      ph.parallel = read_parallel(*pp, plan, ph.cluster.n_gpus(), false);
      ph.parallel_overridden = true;
    } else if (ph.cluster_overridden && ph.cluster.n_gpus() != cluster.n_gpus()) {
      // A resized cluster keeps the model-parallel layout and scales data parallelism to fit, as a job
      // moved to more nodes does; a layout that cannot is an error naming the phase's cluster.
      const long long model_ranks = static_cast<long long>(plan.tp) * plan.cp * plan.pp;
      if (ph.cluster.n_gpus() % model_ranks != 0)
        p.at("cluster", "").fail("the phase's " + std::to_string(ph.cluster.n_gpus()) + " GPUs are not a multiple of tp x cp x pp = " +
                                     std::to_string(model_ranks),
                                 "a GPU count divisible by the model-parallel size, or a `parallel:` for the phase");
      ph.parallel.dp = static_cast<int>(ph.cluster.n_gpus() / model_ranks);
      ph.parallel_overridden = true;
    }
    t.phases.push_back(ph);
  }
  return t;
}

PriceSpec read_price(const YamlField& f) {
  f.require_map("{usd_per_gpu_hour, source, mode, ...}");
  f.expect_keys({"usd_per_gpu_hour", "source", "mode", "capex_per_gpu", "server_cost_overhead", "network_per_gpu",
                 "lifetime", "pue", "electricity", "server_power_factor", "average_utilisation"});
  PriceSpec p;
  p.usd_per_gpu_hour = f.get_quantity("usd_per_gpu_hour", units::parse_usd_per_hour, 0, "a price such as \"$2/h\"");
  p.source = f.get_string("source", "");
  if (auto m = f.find("mode"))
    p.mode = m->as_enum<PriceSpec::Mode>({{"rental", PriceSpec::Mode::kRental}, {"owned", PriceSpec::Mode::kOwned}},
                                         "price mode");
  p.capex_usd_per_gpu = f.get_quantity("capex_per_gpu", units::parse_usd, p.capex_usd_per_gpu, "an amount such as \"$50k\"");
  p.server_cost_overhead = f.get_double("server_cost_overhead", p.server_cost_overhead);
  p.network_usd_per_gpu = f.get_quantity("network_per_gpu", units::parse_usd, p.network_usd_per_gpu, "an amount such as \"$4.39k\"");
  if (auto l = f.find("lifetime"))
    p.lifetime_years = l->as_quantity(units::parse_duration, "a duration such as \"5 years\"") /
                       (units::kHoursPerYear * units::kSecondsPerHour);
  p.pue = f.get_double("pue", p.pue);
  p.usd_per_kwh = f.get_quantity("electricity", units::parse_usd_per_kwh, p.usd_per_kwh, "a price such as \"$0.0826/kWh\"");
  p.server_power_factor = f.get_double("server_power_factor", p.server_power_factor);
  p.average_utilisation = f.get_double("average_utilisation", p.average_utilisation);
  return p;
}

FailureSpec read_failures(const YamlField& f) {
  f.require_map("{enabled, storage_write_bandwidth, restart, relaunch, node_replacement, node_repair, "
                "checkpoint_interval, hot_spare_nodes, pool_nodes, classes}");
  f.expect_keys({"enabled", "storage_write_bandwidth", "restart", "relaunch", "node_replacement", "node_repair",
                 "checkpoint_interval", "hot_spare_nodes", "pool_nodes", "classes"});
  FailureSpec s;
  s.enabled = f.get_bool("enabled", s.enabled);
  s.storage_write_Bps = f.get_quantity("storage_write_bandwidth", units::parse_bandwidth, 0, kBandwidth);
  s.restart_s = f.get_quantity("restart", units::parse_duration, 0, kDuration);
  for (auto [key, field] : {std::pair{"relaunch", &s.relaunch_s}, std::pair{"node_replacement", &s.node_replacement_s},
                            std::pair{"node_repair", &s.node_repair_s}})
    if (f.find(key)) {
      *field = f.get_quantity(key, units::parse_duration, 0, kDuration);
      if (**field < 0) f.fail("failure settings must not be negative");
    }
  if (auto c = f.find("checkpoint_interval")) {
    if (!(c->is_scalar() && c->node().Scalar() == "auto"))
      s.checkpoint_interval_s = c->as_quantity(units::parse_duration, "auto, or a duration such as \"30 min\"");
  }
  s.hot_spare_nodes = f.get_int("hot_spare_nodes", 0, kNoLower, kMaxNodes);  // <= cluster nodes: scenario_validate.cc
  s.pool_nodes = f.get_int("pool_nodes", 0, kNoLower, kMaxNodes);
  if (auto cls = f.find("classes")) {
    for (const YamlField& e : cls->items("a list of {name, category, per_gpu_day}")) {
      e.require_map("{name, category, per_gpu_day}");
      e.expect_keys({"name", "category", "per_gpu_day"});
      FailureClass fc;
      fc.name = e.at("name", "a component name").as_string();
      fc.category = e.get_string("category", "");
      fc.per_gpu_day = e.at("per_gpu_day", "interruptions per GPU-day").as_double();
      if (fc.per_gpu_day < 0) e.fail("must be >= 0", "interruptions per GPU-day");
      s.classes.push_back(fc);
    }
  }
  if (s.storage_write_Bps < 0 || s.restart_s < 0 || s.checkpoint_interval_s < 0 || s.hot_spare_nodes < 0 ||
      s.pool_nodes < 0)
    f.fail("failure settings must not be negative");
  return s;
}

RoutingSpec read_routing(const YamlField& f) {
  f.require_map("{distribution, skew, nodes_per_token}");
  f.expect_keys({"distribution", "skew", "nodes_per_token"});
  RoutingSpec r;
  if (auto d = f.find("distribution"))
    r.distribution = d->as_enum<std::string>(
        {{"balanced", "balanced"}, {"balanced-exact", "balanced-exact"}, {"zipf", "zipf"}, {"dirichlet", "dirichlet"}},
        "routing distribution");
  r.skew = f.get_double("skew", r.skew);
  if (r.skew < 0) f.find("skew")->fail("must be >= 0", "a non-negative number");
  r.nodes_per_token = f.get_int("nodes_per_token", r.nodes_per_token);
  if (r.nodes_per_token < 0) f.find("nodes_per_token")->fail("must be >= 0", "0 (from the model) or a node count");
  return r;
}

GpuVariationSpec read_gpu_variation(const YamlField& f) {
  f.require_map("{spread, source}");
  f.expect_keys({"spread", "source"});
  GpuVariationSpec v;
  v.spread = f.get_double("spread", v.spread);
  if (!(v.spread >= 0 && v.spread < 1))
    f.find("spread")->fail("must be in [0, 1)", "a fraction such as 0.08 for an 8% spread");
  v.source = f.get_string("source", "");
  return v;
}

SoftwareSpec read_software(const YamlField& f, const Catalog& catalog) {
  auto preset = [&](const YamlField& name_field) {
    const std::string name = name_field.as_string("a software preset from the catalog");
    return located(name_field, [&] { return catalog.software(name); });
  };
  if (f.is_scalar()) return preset(f);
  f.require_map("a preset name, or {preset, attention_kernel, cuda_graphs, dp_overlap, ...}");
  SoftwareSpec base;
  if (auto p = f.find("preset")) base = preset(*p);
  SoftwareSpec s = read_software_fields(f, base, {"preset"});
  s.name = f.has("preset") ? base.name + " (overridden)" : "custom";
  return s;
}

}  // namespace moeplan::io
