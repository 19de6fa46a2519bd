// Validation of each spec on its own; cross-part checks live in scenario_validate.cc.
#include <algorithm>
#include <string>
#include <vector>

#include "sim/spec/cluster_spec.h"
#include "sim/spec/hardware_spec.h"
#include "sim/spec/model_spec.h"
#include "sim/spec/parallel_plan.h"
#include "sim/spec/price_spec.h"
#include "sim/spec/training_spec.h"
#include "sim/units/checked.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {
void require(bool ok, const std::string& key, const std::string& message, const std::string& expected = "") {
  if (!ok) throw_user_error(message, ErrorContext{.key_path = key, .expected = expected});
}
// An upper bound on a user number (sim/units/checked.h says why each bound is where it is).
void at_most(long long v, long long hi, const std::string& key) {
  require(v <= hi, key, std::to_string(v) + " is out of range", "at most " + std::to_string(hi));
}
}  // namespace

void validate(const ModelSpec& m) {
  require(m.n_layers > 0, "model.n_layers", "must be positive");
  require(m.hidden > 0, "model.hidden", "must be positive");
  require(m.n_heads > 0, "model.n_heads", "must be positive");
  require(m.vocab > 0, "model.vocab", "must be positive");
  at_most(m.n_layers, kMaxLayers, "model.n_layers");
  at_most(m.hidden, kMaxModelDim, "model.hidden");
  at_most(m.n_heads, kMaxModelDim, "model.n_heads");
  at_most(m.vocab, kMaxModelDim, "model.vocab");
  at_most(m.ffn_dim, kMaxModelDim, "model.ffn_dim");
  at_most(m.head_dim, kMaxModelDim, "model.head_dim");
  at_most(m.moe.n_routed_experts, kMaxExperts, "model.moe.n_routed_experts");
  at_most(m.moe.expert_ffn_dim, kMaxModelDim, "model.moe.expert_ffn_dim");
  require(m.moe.n_routed_experts >= 0 && m.moe.n_shared_experts >= 0, "model.moe.n_routed_experts",
          "expert counts must be >= 0");
  if (m.attention == AttentionKind::kMla) {
    require(m.mla.kv_lora_rank > 0 && m.mla.qk_nope_head_dim > 0 && m.mla.v_head_dim > 0, "model.mla",
            "MLA needs kv_lora_rank, qk_nope_head_dim and v_head_dim");
  } else {
    require(m.n_kv_heads > 0 && m.n_heads % m.n_kv_heads == 0, "model.n_kv_heads",
            "n_heads (" + std::to_string(m.n_heads) + ") must be a multiple of n_kv_heads (" +
                std::to_string(m.n_kv_heads) + ")");
    require(m.head_dim > 0, "model.head_dim", "must be positive");
  }
  const bool has_dense_layer = !m.is_moe() || m.moe.first_k_dense > 0 || m.moe.moe_layer_freq > 1;
  if (has_dense_layer) require(m.ffn_dim > 0, "model.ffn_dim", "dense layers need an FFN width");
  if (m.is_moe()) {
    require(m.moe.top_k > 0 && m.moe.top_k <= m.moe.n_routed_experts, "model.moe.top_k",
            "must be between 1 and n_routed_experts");
    require(m.moe.expert_ffn_dim > 0, "model.moe.expert_ffn_dim", "must be positive");
    require(m.moe.n_expert_groups >= 1 && m.moe.n_routed_experts % m.moe.n_expert_groups == 0,
            "model.moe.n_expert_groups", "must divide n_routed_experts");
    require(m.moe.n_limited_groups >= 1 && m.moe.n_limited_groups <= m.moe.n_expert_groups,
            "model.moe.n_limited_groups", "must be between 1 and n_expert_groups");
    require(m.moe.first_k_dense < m.n_layers, "model.moe.first_k_dense", "must be below n_layers");
    require(m.moe.moe_layer_freq >= 1, "model.moe.moe_layer_freq", "must be >= 1");
  }
  require(m.mtp_depth >= 0, "model.mtp_depth", "must be >= 0");
  require(!m.learned_positions || m.max_seq_len > 0, "model.max_seq_len",
          "learned position embeddings need max_seq_len (the rows of the position table)");
}

void validate(const FabricSpec& f) {
  require(f.nominal_Bps > 0, "fabric." + f.name + ".bandwidth", "must be positive");
  require(f.achievable_Bps > 0 && f.achievable_Bps <= f.nominal_Bps * 1.1,
          "fabric." + f.name + ".achievable", "must be positive and not above the nominal bandwidth");
  require(f.latency_s >= 0, "fabric." + f.name + ".latency", "must be >= 0");
}

void validate(const GpuSpec& g) {
  const std::string k = "gpu." + g.name;
  require(g.peak_bf16_flops > 0, k + ".bf16", "dense BF16 peak must be positive");
  require(g.hbm_bytes > 0, k + ".memory", "memory must be positive");
  require(g.hbm_Bps > 0, k + ".memory_bandwidth", "memory bandwidth must be positive");
  require(g.sm_count > 0, k + ".sms", "SM count must be positive");
  require(g.tdp_w > 0, k + ".tdp", "TDP must be positive");
}

void validate(const ClusterSpec& c) {
  validate(c.gpu);
  require(c.n_nodes >= 1, "cluster.nodes", "must be >= 1");
  require(c.gpus_per_node >= 1, "cluster.gpus_per_node", "must be >= 1");
  at_most(c.n_nodes, kMaxNodes, "cluster.nodes");
  at_most(c.gpus_per_node, kMaxGpusPerNode, "cluster.gpus_per_node");
  const long long gpus = bounded_product({c.n_nodes, c.gpus_per_node}, kMaxGpus);
  require(gpus <= kMaxGpus, "cluster.nodes",
          "nodes x gpus_per_node = " + std::to_string(c.n_nodes) + " x " + std::to_string(c.gpus_per_node) +
              " is more than " + std::to_string(kMaxGpus) + " GPUs",
          "at most " + std::to_string(kMaxGpus) + " GPUs in one cluster");
  require(c.nics_per_node >= 0, "cluster.nics_per_node", "must be >= 0");
  if (c.n_nodes > 1) require(c.nics_per_node >= 1, "cluster.nics_per_node", "a multi-node cluster needs NICs");
  require(c.topology.oversubscription >= 1.0, "cluster.topology.oversubscription", "must be >= 1.0",
          "a ratio such as 1.0 (full bisection) or 7.0");
  require(c.topology.planes >= 1, "cluster.topology.planes", "must be >= 1");
  // Checked even where the topology is not built (one node): a value no network has is a typo.
  require(c.topology.oversubscription <= 1024.0, "cluster.topology.oversubscription", "must be at most 1024",
          "a ratio such as 1.0 (full bisection) or 7.0");
  require(c.topology.levels >= 1 && c.topology.levels <= 8, "cluster.topology.levels", "must be between 1 and 8");
  require(c.topology.switch_radix >= 2 && c.topology.switch_radix <= 65536, "cluster.topology.switch_radix",
          "must be between 2 and 65536");
  require(c.topology.planes <= std::max(1, c.nics_per_node), "cluster.topology.planes",
          "planes must be between 1 and nics_per_node", "1..nics_per_node");
}

void validate(const ParallelPlan& p) {
  require(p.tp >= 1, "parallel.tp", "must be >= 1");
  require(p.cp >= 1, "parallel.cp", "must be >= 1");
  require(p.pp >= 1, "parallel.pp", "must be >= 1");
  require(p.dp >= 1, "parallel.dp", "must be >= 1");
  require(p.ep >= 1, "parallel.ep", "must be >= 1");
  require(p.zero_stage >= 0 && p.zero_stage <= 3, "parallel.zero", "must be 0, 1, 2 or 3");
  require(p.micro_batch >= 1, "parallel.micro_batch", "must be >= 1");
  require(p.virtual_stages >= 1, "parallel.virtual_stages", "must be >= 1");
  require(p.comm_sms >= 0, "parallel.comm_sms", "must be >= 0");
  for (const auto& [v, key] : {std::pair{p.tp, "parallel.tp"}, std::pair{p.cp, "parallel.cp"},
                               std::pair{p.pp, "parallel.pp"}, std::pair{p.dp, "parallel.dp"},
                               std::pair{p.ep, "parallel.ep"}})
    at_most(v, kMaxGpus, key);
  at_most(p.micro_batch, kMaxMicroBatchesPerStep, "parallel.micro_batch");
  if (p.schedule == PipelineSchedule::kDualPipe || p.schedule == PipelineSchedule::kDualPipeV)
    require(p.pp % 2 == 0, "parallel.pp",
            "DualPipe needs an even number of pipeline stages, got " + std::to_string(p.pp),
            "pp divisible by 2 (DualPipe README)");
  if (p.schedule != PipelineSchedule::kInterleaved1F1B)
    require(p.virtual_stages == 1, "parallel.virtual_stages",
            "virtual stages need the interleaved schedule", "schedule: interleaved");
  if (p.first_stage_layers)
    require(*p.first_stage_layers >= 0, "parallel.first_stage_layers", "must be >= 0", "a layer count, 0 for only the embedding");
  if (p.last_stage_layers)
    require(*p.last_stage_layers >= 0, "parallel.last_stage_layers", "must be >= 0", "a layer count, 0 for only the head");
  if (p.tp_comm_overlap)
    require(p.tp > 1, "parallel.tp_comm_overlap", "overlapping TP communication needs tp > 1", "tp >= 2");
  if (p.ep_overlap)
    require(p.schedule == PipelineSchedule::k1F1B || p.schedule == PipelineSchedule::kInterleaved1F1B,
            "parallel.ep_overlap", "overlapping forward and backward pairs needs the 1f1b or interleaved schedule",
            "schedule: 1f1b or interleaved (DualPipe overlaps its pairs already)");
  validate(p.dp_sync, "parallel.dp_sync");
}

void validate(const TrainingSpec& t) {
  require(!t.phases.empty(), "training.phases", "at least one phase is needed");
  for (size_t i = 0; i < t.phases.size(); ++i) {
    const auto& ph = t.phases[i];
    const std::string k = "training.phases[" + std::to_string(i) + "]";
    if (ph.given_gpu_hours > 0) continue;
    require((ph.tokens > 0) != (ph.steps > 0), k, "give exactly one of `tokens` or `steps`");
    require(ph.seq_len > 0, k + ".seq_len", "must be positive");
    require(ph.global_batch > 0, k + ".global_batch", "must be positive");
    // A token budget below one step of the phase's batch would run no step at all (a missing suffix, such as
    // `14.8` for `14.8T`, is the usual cause), and the report would quietly describe another phase.
    if (ph.tokens > 0) {
      const double step_tokens = static_cast<double>(ph.seq_len) * ph.global_batch;
      if (ph.tokens < step_tokens) {
        const std::string got = units::format_count(ph.tokens), need = units::format_count(step_tokens);
        throw_user_error("the phase would run zero steps: " + got + " tokens is less than one step of " + need +
                             " tokens (global_batch x seq_len)",
                         ErrorContext{.key_path = k + ".tokens",
                                      .expected = "at least " + need + " tokens",
                                      .hint = "token counts take a suffix: 14.8T, 500B, 10M"});
      }
    }
    require(ph.ramp.from_sequences >= 0 && ph.ramp.over_tokens >= 0, k + ".batch_ramp", "must be >= 0");
    at_most(ph.seq_len, kMaxSeqLen, k + ".seq_len");
    // 10^18 tokens is ~70,000 times the largest published pre-training run; beyond it the GPU-hours and
    // dollars lose meaning long before they overflow.
    require(ph.tokens <= 1e18, k + ".tokens", "is out of range", "at most 1e18 tokens");
    require(ph.steps <= 1e15, k + ".steps", "is out of range", "at most 1e15 steps");
  }
}

void validate(const PriceSpec& p) {
  require(p.usd_per_gpu_hour >= 0, "price.usd_per_gpu_hour", "must be >= 0");
  // Explicit ceilings far above any market price, so cost products stay finite and meaningful.
  require(p.usd_per_gpu_hour <= 1e6, "price.usd_per_gpu_hour", "is out of range", "at most $1M per GPU-hour");
  require(p.capex_usd_per_gpu <= 1e9, "price.capex_per_gpu", "is out of range", "at most $1B per GPU");
  require(p.network_usd_per_gpu <= 1e9, "price.network_per_gpu", "is out of range", "at most $1B per GPU");
  require(p.usd_per_kwh <= 1e6, "price.electricity", "is out of range", "at most $1M per kWh");
  require(p.pue <= 100, "price.pue", "is out of range", "at most 100");
  require(p.server_cost_overhead >= 0 && p.server_cost_overhead <= 1e3, "price.server_cost_overhead",
          "is out of range", "a ratio from 0 to 1000");
  require(p.server_power_factor >= 0 && p.server_power_factor <= 1e3, "price.server_power_factor",
          "is out of range", "a ratio from 0 to 1000");
  require(p.lifetime_years <= 1000, "price.lifetime", "is out of range", "at most 1000 years");
  require(p.pue >= 1.0, "price.pue", "must be >= 1.0");
  require(p.lifetime_years > 0, "price.lifetime", "must be positive");
  require(p.average_utilisation > 0 && p.average_utilisation <= 1, "price.average_utilisation",
          "must be in (0, 1]");
}

std::vector<int> fixed_stage_layer_counts(const ParallelPlan& p, int n_layers, int stages, const std::string& key) {
  if (!p.first_stage_layers && !p.last_stage_layers) return {};
  const std::string at = key + (p.first_stage_layers ? ".first_stage_layers" : ".last_stage_layers");
  auto fail = [&](const std::string& message, const std::string& hint) {
    throw_user_error(message, ErrorContext{.key_path = at, .hint = hint});
  };
  const int first = p.first_stage_layers.value_or(-1), last = p.last_stage_layers.value_or(-1);
  if (first < 0 && p.first_stage_layers) fail("must be >= 0", "");
  if (last < 0 && p.last_stage_layers) fail("must be >= 0", "");
  if (stages < 2)
    fail("setting the first or last pipeline chunk's layers needs at least 2 chunks, the plan has " +
             std::to_string(stages),
         "raise pp, or drop first_stage_layers and last_stage_layers");
  const int fixed = std::max(first, 0) + std::max(last, 0);
  const int others = stages - (first >= 0 ? 1 : 0) - (last >= 0 ? 1 : 0);
  const int rest = n_layers - fixed;
  const std::string given = first >= 0 && last >= 0
      ? "first and last chunks (" + std::to_string(first) + " + " + std::to_string(last) + ")"
      : std::string(first >= 0 ? "first chunk (" : "last chunk (") + std::to_string(std::max(first, last)) + ")";
  const std::string verb = first >= 0 && last >= 0 ? " hold" : " holds";
  if (rest < 0) fail("the " + given + verb + " more than the model's " + std::to_string(n_layers) + " layers", "");
  if (others == 0) {
    if (rest != 0)
      fail("the plan has only the first and last chunks, so they must hold all " + std::to_string(n_layers) +
               " layers, but the " + given + " hold " + std::to_string(fixed),
           "make first_stage_layers + last_stage_layers = " + std::to_string(n_layers));
  } else if (rest % others != 0 || rest < others) {
    // Suggest the nearest counts for the set chunk(s) that leave a multiple of the other chunks' number.
    const int less = rest % others, more = others - rest % others;
    std::string hint = "the " + std::to_string(rest) + " layers left need a multiple of " + std::to_string(others);
    if (rest >= others) hint += ": put " + std::to_string(less) + " more or " + std::to_string(more) + " fewer in the " + (first >= 0 && last >= 0 ? "first and last chunks" : first >= 0 ? "first chunk" : "last chunk");
    else hint += ": put fewer layers in the first and last chunks, or use fewer pipeline chunks";
    fail("the " + std::to_string(rest) + " layers left after the " + given + " do not split evenly over the " +
             std::to_string(others) + " other pipeline chunks" + (rest < others ? " (each needs at least one)" : ""),
         hint);
  }
  std::vector<int> counts(static_cast<size_t>(stages), others > 0 ? rest / others : 0);
  if (first >= 0) counts.front() = first;
  if (last >= 0) counts.back() = last;
  return counts;
}

}  // namespace moeplan
