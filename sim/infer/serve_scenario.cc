// Cross-checks of a ServeScenario (see serve_scenario.h).
#include "sim/infer/serve_scenario.h"

#include <string>

#include "sim/units/error.h"

namespace moeplan {
namespace {

[[noreturn]] void fail(const std::string& key, const std::string& message, const std::string& expected,
                       const std::string& hint = "") {
  throw_user_error(message, ErrorContext{.key_path = key, .expected = expected, .hint = hint});
}

void validate_pool(const ServeScenario& s, const ServePool& p, const std::string& key) {
  const int gpus = p.nodes * s.gpus_per_node;
  if (p.nodes < 1) fail(key + ".nodes", "a deployment unit needs at least one node", "nodes >= 1");
  if (p.attention_tp * p.attention_dp != gpus)
    fail(key + ".attention_dp",
         "attention_tp x attention_dp = " + std::to_string(p.attention_tp * p.attention_dp) + " but the unit has " +
             std::to_string(gpus) + " GPUs",
         "attention_tp x attention_dp = nodes x gpus_per_node",
         "attention_dp: " + std::to_string(gpus / std::max(1, p.attention_tp)));
  if (s.model.attention != AttentionKind::kMla && s.model.n_kv_heads % p.attention_tp != 0 &&
      p.attention_tp % s.model.n_kv_heads != 0)
    fail(key + ".attention_tp", "attention_tp must divide or be a multiple of the KV heads", "a divisor of n_kv_heads");
  if (s.model.n_heads % p.attention_tp != 0)
    fail(key + ".attention_tp", "attention_tp must divide the attention heads (" + std::to_string(s.model.n_heads) + ")",
         "a divisor of n_heads");
  if (!s.model.is_moe()) return;
  if (p.ep < 1 || gpus % p.ep != 0)
    fail(key + ".ep", "ep (" + std::to_string(p.ep) + ") must divide the unit's " + std::to_string(gpus) + " GPUs",
         "a divisor of nodes x gpus_per_node", "ep: " + std::to_string(gpus));
  const int slots = s.model.moe.n_routed_experts + p.redundant_experts;
  if (slots % p.ep != 0)
    fail(key + ".redundant_experts",
         "routed experts + redundant experts (" + std::to_string(slots) + ") must split evenly over ep = " +
             std::to_string(p.ep),
         "(n_routed_experts + redundant_experts) divisible by ep",
         "DeepSeek Day 6: 256 + 32 = 288 slots over EP32 (9 per GPU) or EP144 (2 per GPU)");
  if (p.ep > 1 && p.ep > s.gpus_per_node && p.ep % s.gpus_per_node != 0)
    fail(key + ".ep", "an EP group larger than a node must span whole nodes", "a multiple of gpus_per_node");
  if (p.comm_sms >= s.gpu.sm_count && s.gpu.sm_count > 0)
    fail(key + ".comm_sms", "communication would hold every SM", "fewer than " + std::to_string(s.gpu.sm_count));
}

}  // namespace

void validate(const ServeScenario& s) {
  validate(s.model);
  validate(s.gpu);
  if (s.gpus_per_node < 1) fail("cluster.gpus_per_node", "gpus_per_node must be >= 1", ">= 1");
  validate_pool(s, s.prefill, "serving.prefill");
  validate_pool(s, s.decode, "serving.decode");
  if (s.decode.pipeline_stages < 1) fail("serving.decode.pipeline_stages", "pipeline_stages must be >= 1", ">= 1");
  if (s.decode.max_batch_per_gpu > 0 && s.decode.batch_per_gpu > s.decode.max_batch_per_gpu)
    fail("serving.decode.batch_per_gpu", "batch_per_gpu exceeds max_batch_per_gpu", "batch <= max_batch_per_gpu");
  if (s.mtp_enabled && s.model.mtp_depth < 1)
    fail("serving.mtp.enabled", "model `" + s.model.name + "` has no MTP module to draft with", "enabled: false",
         "MTP speculative decoding needs a model with mtp_depth >= 1 (DeepSeek-V3)");
  if (!(s.mtp_acceptance >= 0 && s.mtp_acceptance <= 1))
    fail("serving.mtp.acceptance", "acceptance must be in [0, 1]", "0.85-0.90 for DeepSeek-V3 (§5.4.3)");
  if (s.workload.enabled && !(s.workload.avg_kv_len >= 1))
    fail("workload.avg_kv_len", "avg_kv_len must be >= 1", "tokens, e.g. 4989");
  if (s.slo.ttft_s < 0 || s.slo.tpot_s < 0) fail("slo", "SLOs must be >= 0", "durations");
  if (!(s.slo.ttft_percentile > 0 && s.slo.ttft_percentile < 1))
    fail("slo.ttft_percentile", "ttft_percentile must be in (0, 1)", "a fraction such as 0.9 (p90)");
  if (!(s.usd_per_gpu_hour > 0))
    fail("price.usd_per_gpu_hour", "no price per GPU-hour: the catalog has none for `" + s.gpu.name + "`",
         "price: $2/h");
  if (!(s.duration_s > 0)) fail("duration", "duration must be > 0", "a duration such as 10 min");
  if (s.warmup_s < 0 || s.warmup_s >= s.duration_s)
    fail("warmup", "warmup must be in [0, duration)", "a duration shorter than `duration`");
}

const char* to_string(LengthKind k) {
  switch (k) {
    case LengthKind::kFixed: return "fixed";
    case LengthKind::kLognormal: return "lognormal";
    case LengthKind::kUniform: return "uniform";
  }
  return "?";
}

PoolHardware pool_hardware(const ServeScenario& s, bool decode) {
  const std::optional<PoolGpu>& own = decode ? s.decode_gpu : s.prefill_gpu;
  if (own) return PoolHardware{own->gpu, own->scale_up, own->precision, own->usd_per_gpu_hour};
  return PoolHardware{s.gpu, s.scale_up, s.precision, s.usd_per_gpu_hour};
}

bool mixed_pools(const ServeScenario& s) {
  return pool_hardware(s, false).gpu.name != pool_hardware(s, true).gpu.name;
}

}  // namespace moeplan
