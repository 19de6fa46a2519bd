// Capacity and cost planning for serving; see capacity.h.
#include "sim/infer/capacity.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "sim/calib/profile_calibration.h"
#include "sim/infer/arrivals.h"
#include "sim/infer/deployment.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

PoolMemoryResult to_result(const PoolMemory& m) {
  return PoolMemoryResult{m.hbm_bytes, m.weights_bytes, m.reserve_bytes, m.kv_bytes, m.kv_tokens,
                          m.expert_slots_per_gpu};
}

[[noreturn]] void does_not_fit(const ServeScenario& s, const PoolMemory& m, const std::string& pool) {
  throw_user_error("the " + pool + " pool does not fit in " + units::format_bytes(m.hbm_bytes) + " per GPU: weights " +
                       units::format_bytes(m.weights_bytes) + " + reserve " + units::format_bytes(m.reserve_bytes),
                   ErrorContext{.key_path = "serving." + pool + ".nodes",
                                .expected = "a larger deployment unit (more GPUs to spread the experts over)",
                                .hint = "GPU " + s.gpu.name});
}

// Mean attended context of a computed prompt token: the cached prefix plus half the computed part.
double prefill_context(const RequestShape& r) {
  const double hit = r.hit_fraction * r.prompt_tokens;
  return hit + 0.5 * (r.prompt_tokens - hit);
}

}  // namespace

RequestShape request_shape(const ServeScenario& s) {
  RequestShape r;
  if (s.arrivals.enabled) {
    if (!s.arrivals.trace_path.empty()) {
      const auto reqs = read_trace_csv(s.arrivals.trace_path, s.arrivals.prefix_hit_fraction);
      for (const Request& q : reqs) {
        r.prompt_tokens += q.prompt_tokens;
        r.output_tokens += q.output_tokens;
      }
      r.prompt_tokens /= reqs.size();
      r.output_tokens /= reqs.size();
    } else {
      r.prompt_tokens = s.arrivals.prompt_tokens.expected();
      r.output_tokens = s.arrivals.output_tokens.expected();
    }
    r.hit_fraction = s.arrivals.prefix_hit_fraction;
    r.avg_kv_len = r.prompt_tokens + 0.5 * r.output_tokens;
    return r;
  }
  const DailyWorkload& w = s.workload;
  const double ratio = w.input_tokens_per_day / w.output_tokens_per_day;
  r.output_tokens = w.avg_kv_len / (ratio + 0.5);
  r.prompt_tokens = ratio * r.output_tokens;
  r.hit_fraction = w.cache_hit_fraction;
  r.avg_kv_len = w.avg_kv_len;
  return r;
}

PoolPlan plan_pools(const ServeScenario& s, const Calibration& prefill_calib, const Calibration& decode_calib,
                    const RequestShape& shape) {
  PoolPlan out;
  const int gpn = s.gpus_per_node;

  // Prefill: full steps of the configured micro-batches.
  const PoolMemory pm = pool_memory(s, s.prefill, false);
  if (!pm.fits()) does_not_fit(s, pm, "prefill");
  const StepCost ps = prefill_step(s, prefill_calib, prefill_context(shape));
  PrefillResult& pr = out.prefill;
  pr.unit_nodes = s.prefill.nodes;
  pr.ep = s.prefill.ep;
  pr.attention_tp = s.prefill.attention_tp;
  pr.attention_dp = s.prefill.attention_dp;
  pr.micro_batches = s.prefill.micro_batches;
  pr.step_time_s = ps.time_s;
  pr.computed_tokens_per_step = ps.tokens;
  // Per node: DP ranks per node = gpn / tp, each computing ps.tokens per step.
  pr.computed_tokens_per_s_per_node = ps.tokens * gpn / s.prefill.attention_tp / ps.time_s;
  // Input tokens counted with their cache hits (Day-6 convention): computed = (1 - hit) x input.
  pr.tokens_per_s_per_node = pr.computed_tokens_per_s_per_node / std::max(1e-9, 1.0 - shape.hit_fraction);
  pr.compute_s = ps.compute_s;
  pr.comm_s = ps.comm_s;
  pr.exposed_comm_s = ps.exposed_comm_s;
  pr.attention_s = ps.attention_core_s;
  pr.expert_gemm_s = ps.expert_gemm_s;
  pr.memory = to_result(pm);

  // Decode: the batch the KV memory holds at the average context, cut to meet the TPOT SLO.
  const PoolMemory dm = pool_memory(s, s.decode, true);
  if (!dm.fits()) does_not_fit(s, dm, "decode");
  DecodeResult& dr = out.decode;
  dr.max_batch_by_kv = static_cast<int>(std::floor(dm.kv_tokens / shape.avg_kv_len));
  if (dr.max_batch_by_kv < 1)
    throw_user_error("the decode KV cache (" + units::format_bytes(dm.kv_bytes) + " per GPU) cannot hold one sequence of " +
                         std::to_string(static_cast<long long>(shape.avg_kv_len)) + " tokens",
                     ErrorContext{.key_path = "serving.decode", .expected = "more KV memory (larger unit, FP8 KV cache)"});
  const double per_step = tokens_per_decode_step(s);
  auto tpot_at = [&](int b) { return decode_step(s, decode_calib, b, shape.avg_kv_len).time_s / per_step; };
  int batch = 0;
  if (s.decode.batch_per_gpu > 0) {
    batch = s.decode.batch_per_gpu;
    dr.batch_limited_by = "user";
  } else {
    int hi = dr.max_batch_by_kv;
    dr.batch_limited_by = "kv-memory";
    if (s.decode.max_batch_per_gpu > 0 && s.decode.max_batch_per_gpu < hi) {
      hi = s.decode.max_batch_per_gpu;
      dr.batch_limited_by = "cap";
    }
    if (s.slo.tpot_s > 0 && tpot_at(hi) > s.slo.tpot_s) {
      if (tpot_at(1) > s.slo.tpot_s)
        throw_user_error("the TPOT objective " + units::format_duration(s.slo.tpot_s) + " is out of reach: one sequence per GPU already takes " +
                             units::format_duration(tpot_at(1)) + " per token",
                         ErrorContext{.key_path = "slo.tpot", .expected = "a looser TPOT or faster hardware"});
      int lo = 1;  // tpot_at(lo) meets the SLO, tpot_at(hi) does not; step time grows with the batch
      while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        (tpot_at(mid) <= s.slo.tpot_s ? lo : hi) = mid;
      }
      hi = lo;
      dr.batch_limited_by = "tpot-slo";
    }
    batch = hi;
  }
  const StepCost ds = decode_step(s, decode_calib, batch, shape.avg_kv_len);
  dr.unit_nodes = s.decode.nodes;
  dr.ep = s.decode.ep;
  dr.attention_tp = s.decode.attention_tp;
  dr.attention_dp = s.decode.attention_dp;
  dr.micro_batches = s.decode.micro_batches;
  dr.pipeline_stages = s.decode.pipeline_stages;
  dr.batch_per_gpu = batch;
  dr.step_time_s = ds.time_s;
  dr.tokens_per_step = per_step;
  dr.tpot_s = ds.time_s / per_step;
  dr.tokens_per_s_per_request = 1.0 / dr.tpot_s;
  dr.tokens_per_s_per_gpu = batch * per_step / ds.time_s / s.decode.attention_tp;
  dr.tokens_per_s_per_node = dr.tokens_per_s_per_gpu * gpn;
  dr.compute_s = ds.compute_s;
  dr.comm_s = ds.comm_s;
  dr.exposed_comm_s = ds.exposed_comm_s;
  dr.attention_s = ds.attention_core_s;
  dr.expert_gemm_s = ds.expert_gemm_s;
  dr.memory = to_result(dm);
  return out;
}

void size_and_cost(const ServeScenario& s, const RequestShape& shape, const PoolPlan& plan, NodeCounts& nodes,
                   CostResult& cost) {
  // Daily rates: the workload's, or the arrival process's mean (Poisson rate x mean lengths).
  double input_per_s = 0, output_per_s = 0, peak = 1.0;
  if (s.workload.enabled) {
    input_per_s = s.workload.input_tokens_per_day / units::kSecondsPerDay;
    output_per_s = s.workload.output_tokens_per_day / units::kSecondsPerDay;
    peak = s.workload.peak_to_average;
  } else if (s.arrivals.rate_per_s > 0) {
    input_per_s = s.arrivals.rate_per_s * shape.prompt_tokens;
    output_per_s = s.arrivals.rate_per_s * shape.output_tokens;
  }
  const int gpn = s.gpus_per_node;
  const double gpu_usd_per_s = s.usd_per_gpu_hour / units::kSecondsPerHour;
  if (input_per_s > 0) {
    nodes.prefill_exact = peak * input_per_s / plan.prefill.tokens_per_s_per_node;
    nodes.decode_exact = peak * output_per_s / plan.decode.tokens_per_s_per_node;
    auto units_of = [](double exact, int unit) {
      return static_cast<int>(std::ceil(exact / unit - 1e-9)) * unit;
    };
    nodes.prefill = units_of(nodes.prefill_exact, s.prefill.nodes);
    nodes.decode = units_of(nodes.decode_exact, s.decode.nodes);
    cost.usd_per_day = nodes.total() * gpn * 24.0 * s.usd_per_gpu_hour;
    cost.usd_per_day_exact = (nodes.prefill_exact + nodes.decode_exact) * gpn * 24.0 * s.usd_per_gpu_hour;
  }
  // $ per million tokens at full utilisation of a pool. Within a prefill step, the share of the core
  // attention time spent attending to cached positions is charged to hit tokens, the rest to computed ones.
  const PrefillResult& p = plan.prefill;
  const double hit = shape.hit_fraction * shape.prompt_tokens, miss = shape.prompt_tokens - hit;
  const double rank_usd_per_step = p.step_time_s * s.prefill.attention_tp * gpu_usd_per_s;
  const double hit_share = p.attention_s / std::max(1e-30, p.compute_s) * (hit / (hit + 0.5 * miss));
  const double hit_tokens_per_step = miss > 0 ? p.computed_tokens_per_step * hit / miss : 0.0;
  cost.usd_per_m_input_miss = rank_usd_per_step * (1.0 - hit_share) / p.computed_tokens_per_step * 1e6;
  cost.usd_per_m_input_hit = hit_tokens_per_step > 0 ? rank_usd_per_step * hit_share / hit_tokens_per_step * 1e6 : 0.0;
  cost.usd_per_m_output = gpu_usd_per_s / plan.decode.tokens_per_s_per_gpu * 1e6;
}

GpuOption price_on_gpu(const ServeScenario& base, const GpuSpec& gpu, const FabricSpec& scale_up,
                       const std::string& profiles_dir, const RequestShape& shape) {
  GpuOption o;
  o.gpu = gpu.name;
  o.usd_per_gpu_hour = gpu.rental.usd_per_gpu_hour;
  if (!(o.usd_per_gpu_hour > 0)) {
    o.reason = "no rental price in the catalog";
    return o;
  }
  const std::string path = default_profile_path(gpu, profiles_dir);
  if (!std::filesystem::exists(path)) {
    o.reason = "no calibration profile " + path;
    return o;
  }
  ServeScenario s = base;
  s.gpu = gpu;
  s.scale_up = scale_up;
  s.usd_per_gpu_hour = o.usd_per_gpu_hour;
  s.calibration = path;
  if (!gpu.has_fp8()) s.precision = precision_preset("bf16");  // no FP8 tensor cores: BF16 weights and GEMMs
  try {
    const auto calib = load_calibration(path, gpu);
    // Grow a deployment unit until its weights fit: whole nodes, EP over the unit, redundant slots rounded
    // so every GPU holds the same number of expert slots.
    for (ServePool* pool : {&s.prefill, &s.decode}) {
      const bool decode = pool == &s.decode;
      for (int tries = 0; tries < 6 && !pool_memory(s, *pool, decode).fits(); ++tries) {
        const int extra_per_gpu = pool->ep > 0 ? pool->redundant_experts / pool->ep : 0;
        pool->nodes *= 2;
        const int gpus = pool->nodes * s.gpus_per_node;
        pool->ep = gpus;
        pool->attention_dp = gpus / pool->attention_tp;
        if (s.model.is_moe()) {
          const int e = s.model.moe.n_routed_experts;
          const int slots = std::max(1, (e + gpus - 1) / gpus + extra_per_gpu);
          pool->redundant_experts = slots * gpus - e;
        }
      }
    }
    validate(s);
    const PoolPlan plan = plan_pools(s, *calib, *calib, shape);
    NodeCounts nodes;
    CostResult cost;
    size_and_cost(s, shape, plan, nodes, cost);
    o.feasible = true;
    o.prefill_nodes = nodes.prefill;
    o.decode_nodes = nodes.decode;
    o.decode_batch_per_gpu = plan.decode.batch_per_gpu;
    o.prefill_tokens_per_s_per_node = plan.prefill.tokens_per_s_per_node;
    o.decode_tokens_per_s_per_node = plan.decode.tokens_per_s_per_node;
    o.usd_per_day = cost.usd_per_day;
    o.usd_per_m_input_miss = cost.usd_per_m_input_miss;
    o.usd_per_m_output = cost.usd_per_m_output;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kUser) throw;
    o.feasible = false;
    o.reason = e.message();  // infeasible for a stated reason (memory, SLO, missing curve)
  }
  return o;
}

}  // namespace moeplan
