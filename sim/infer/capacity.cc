// Capacity and cost planning for serving; see capacity.h.
#include "sim/infer/capacity.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "sim/calib/profile_calibration.h"
#include "sim/infer/arrivals.h"
#include "sim/infer/deployment.h"
#include "sim/infer/kv_transfer.h"
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

// E[length^2] of a length distribution (before rounding to whole tokens).
double second_moment(const LengthDist& d) {
  switch (d.kind) {
    case LengthKind::kFixed: return d.mean * d.mean;
    case LengthKind::kLognormal: return d.mean * d.mean * std::exp(d.sigma * d.sigma);
    case LengthKind::kUniform: return (d.min * d.min + d.min * d.max + d.max * d.max) / 3.0;
  }
  return d.mean * d.mean;
}

// Computed (cache-missing) prompt tokens of the mean request; at least one, so a full hit still costs a step.
double computed_tokens(const RequestShape& r) { return std::max(1.0, (1.0 - r.hit_fraction) * r.prompt_tokens); }

}  // namespace

double prefill_context(const RequestShape& r) {
  // A prompt of P tokens computes (1 - h) P tokens attending h P + (1 - h) P / 2 positions on average;
  // weighting by computed tokens gives (h + (1 - h) / 2) E[P^2] / E[P].
  const double p2 = std::max(r.prompt_second_moment, r.prompt_tokens * r.prompt_tokens);
  return (r.hit_fraction + 0.5 * (1.0 - r.hit_fraction)) * p2 / std::max(1.0, r.prompt_tokens);
}

RequestShape request_shape(const ServeScenario& s) {
  RequestShape r;
  if (s.arrivals.enabled) {
    if (!s.arrivals.trace_path.empty()) {
      const auto reqs = read_trace_csv(s.arrivals.trace_path, s.arrivals.prefix_hit_fraction);
      for (const Request& q : reqs) {
        r.prompt_tokens += q.prompt_tokens;
        r.prompt_second_moment += static_cast<double>(q.prompt_tokens) * q.prompt_tokens;
        r.output_tokens += q.output_tokens;
      }
      r.prompt_tokens /= reqs.size();
      r.prompt_second_moment /= reqs.size();
      r.output_tokens /= reqs.size();
    } else {
      r.prompt_tokens = s.arrivals.prompt_tokens.expected();
      r.prompt_second_moment = second_moment(s.arrivals.prompt_tokens);
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
  r.prompt_second_moment = r.prompt_tokens * r.prompt_tokens;  // one request shape
  r.hit_fraction = w.cache_hit_fraction;
  r.avg_kv_len = w.avg_kv_len;
  return r;
}

double decode_kv_busy_s(const KvTransfer& kv, const RequestShape& shape, const ServeScenario& s, int batch) {
  // A sequence stays output_tokens / tokens-per-step steps, so a rank of `batch` sequences takes in
  // batch x tokens-per-step / output_tokens requests per step, each bringing its prompt's KV.
  const double admitted = batch * tokens_per_decode_step(s) / std::max(1.0, shape.output_tokens);
  return kv.busy_s(admitted * shape.prompt_tokens);
}

double decode_step_time_s(const ServeScenario& s, const Calibration& calib, const KvTransfer& kv,
                          const RequestShape& shape, int batch, double avg_kv_len) {
  const StepCost c = decode_step(s, calib, batch, avg_kv_len);
  return std::max(c.time_s, c.scale_out_s + decode_kv_busy_s(kv, shape, s, batch));
}

// What sets a step: the NIC share (all-to-all scale-out legs + KV handoff) when it stretches the step past
// its compute-bound time; else the all-to-all when the overlapped micro-batches leave it exposed for more
// than a tenth of the compute time; else compute.
std::string step_bound_by(const StepCost& c, double step_s) {
  if (step_s > c.time_s * (1 + 1e-9)) return "nic";
  if (c.exposed_comm_s > 0.1 * c.compute_s) return "all-to-all";
  return "compute";
}

PoolPlan plan_pools(const ServeScenario& s, const Calibration& prefill_calib, const Calibration& decode_calib,
                    const RequestShape& shape) {
  PoolPlan out;
  const int gpn = s.gpus_per_node;

  // Prefill: full steps of the configured micro-batches.
  const PoolMemory pm = pool_memory(s, s.prefill, false);
  if (!pm.fits()) does_not_fit(s, pm, "prefill");
  const StepCost ps = prefill_step(s, prefill_calib, prefill_context(shape));
  // The step's requests send their whole prompts' KV (cached prefix included) on the NIC share that the
  // all-to-all's scale-out legs also use: computed tokens / (1 - h) prompt tokens per rank per step.
  const KvTransfer kv = kv_transfer(s);
  const double prefill_nic_s = ps.scale_out_s + kv.busy_s(ps.tokens * shape.prompt_tokens / computed_tokens(shape));
  const double prefill_step_s = std::max(ps.time_s, prefill_nic_s);
  PrefillResult& pr = out.prefill;
  pr.unit_nodes = s.prefill.nodes;
  pr.ep = s.prefill.ep;
  pr.attention_tp = s.prefill.attention_tp;
  pr.attention_dp = s.prefill.attention_dp;
  pr.micro_batches = s.prefill.micro_batches;
  pr.step_time_s = prefill_step_s;
  pr.step_bound_by = step_bound_by(ps, prefill_step_s);
  pr.computed_tokens_per_step = ps.tokens;
  // Per node: DP ranks per node = gpn / tp, each computing ps.tokens per step.
  pr.computed_tokens_per_s_per_node = ps.tokens * gpn / s.prefill.attention_tp / prefill_step_s;
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
  // The objective holds at its percentile: the request at slo.tpot_percentile gains fewer tokens per step.
  const double per_step_slo = tokens_per_decode_step_at(s, s.slo.tpot_percentile, shape.output_tokens);
  auto tpot_at = [&](int b) {
    return decode_step_time_s(s, decode_calib, kv, shape, b, shape.avg_kv_len) / per_step_slo;
  };
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
  const double decode_step_s = decode_step_time_s(s, decode_calib, kv, shape, batch, shape.avg_kv_len);
  dr.unit_nodes = s.decode.nodes;
  dr.ep = s.decode.ep;
  dr.attention_tp = s.decode.attention_tp;
  dr.attention_dp = s.decode.attention_dp;
  dr.micro_batches = s.decode.micro_batches;
  dr.pipeline_stages = s.decode.pipeline_stages;
  dr.batch_per_gpu = batch;
  dr.step_time_s = decode_step_s;
  dr.step_bound_by = step_bound_by(ds, decode_step_s);
  dr.tokens_per_step = per_step;
  dr.tpot_s = decode_step_s / per_step;
  dr.tpot_at_slo_percentile_s = decode_step_s / per_step_slo;
  dr.tokens_per_s_per_request = 1.0 / dr.tpot_s;
  dr.tokens_per_s_per_gpu = batch * per_step / decode_step_s / s.decode.attention_tp;
  dr.tokens_per_s_per_node = dr.tokens_per_s_per_gpu * gpn;
  dr.compute_s = ds.compute_s;
  dr.comm_s = ds.comm_s;
  dr.exposed_comm_s = ds.exposed_comm_s;
  dr.attention_s = ds.attention_core_s;
  dr.expert_gemm_s = ds.expert_gemm_s;
  dr.memory = to_result(dm);

  KvTransferResult& kr = out.kv_transfer;
  kr.bytes_per_token = kv.bytes_per_token;
  kr.bytes_per_request = kv.bytes(shape.prompt_tokens);
  kr.bandwidth_Bps = kv.rank_Bps;
  kr.latency_s = kv.latency_s;
  kr.time_s_mean = kv.time_s(shape.prompt_tokens);
  kr.prefill_nic_utilisation = prefill_nic_s / ps.time_s;
  kr.prefill_nic_bound = prefill_nic_s > ps.time_s;
  kr.decode_nic_utilisation = (ds.scale_out_s + decode_kv_busy_s(kv, shape, s, batch)) / ds.time_s;
  kr.decode_nic_bound = decode_step_s > ds.time_s;
  return out;
}

double peak_request_rate(const ServeScenario& s, const RequestShape& shape) {
  if (s.workload.enabled)
    return s.workload.input_tokens_per_day / units::kSecondsPerDay * s.workload.peak_to_average /
           std::max(1.0, shape.prompt_tokens);
  return s.arrivals.rate_per_s;
}

double peak_output_rate(const ServeScenario& s, const RequestShape& shape) {
  if (s.workload.enabled) return s.workload.output_tokens_per_day / units::kSecondsPerDay * s.workload.peak_to_average;
  return s.arrivals.rate_per_s * shape.output_tokens;
}

DecodeAtLoad decode_at_load(const ServeScenario& s, const Calibration& calib, const RequestShape& shape,
                            const DecodeResult& planned, int decode_nodes) {
  DecodeAtLoad r;
  const double rate = peak_output_rate(s, shape);
  const double ranks = static_cast<double>(decode_nodes) * s.gpus_per_node / s.decode.attention_tp;
  if (!(rate > 0) || !(ranks > 0) || planned.batch_per_gpu < 1) return r;
  const KvTransfer kv = kv_transfer(s);
  const double per_step = tokens_per_decode_step(s);
  auto step = [&](int b) { return decode_step_time_s(s, calib, kv, shape, b, shape.avg_kv_len); };
  auto rank_rate = [&](int b) { return b * per_step / step(b); };  // grows with the batch
  const double need = rate / ranks;
  r.evaluated = true;
  r.output_tokens_per_s = rate;
  r.load_share = need / rank_rate(planned.batch_per_gpu);
  // The smallest whole batch that carries the load (the planned one when the fleet is at its limit).
  int lo = 0, hi = planned.batch_per_gpu;
  if (rank_rate(hi) <= need) {
    r.batch_per_gpu = hi;
    r.step_time_s = step(hi);
  } else {
    while (hi - lo > 1) {
      const int mid = lo + (hi - lo) / 2;
      (rank_rate(mid) >= need ? hi : lo) = mid;
    }
    const double t_hi = step(hi), f_hi = rank_rate(hi);
    const double t_lo = lo > 0 ? step(lo) : t_hi, f_lo = lo > 0 ? rank_rate(lo) : 0.0;
    const double frac = (need - f_lo) / (f_hi - f_lo);
    r.batch_per_gpu = lo + frac;
    r.step_time_s = t_lo + frac * (t_hi - t_lo);
  }
  r.tpot_s = r.step_time_s / per_step;
  return r;
}

PrefillQueue prefill_queue(const ServeScenario& s, const Calibration& prefill_calib, const RequestShape& shape) {
  PrefillQueue q;
  q.load.rate_per_s = peak_request_rate(s, shape);
  q.load.prompt_mean = shape.prompt_tokens;
  q.load.prompt_second_moment = std::max(shape.prompt_second_moment, shape.prompt_tokens * shape.prompt_tokens);
  q.load.hit_fraction = shape.hit_fraction;
  const int ranks = s.prefill.attention_dp, mb = s.prefill.micro_batches;
  const double context = prefill_context(shape);
  // The same step the request-level simulation runs: the unit's computed tokens spread over its ranks.
  q.unit.step_s = [&s, &prefill_calib, ranks, mb, context](double computed_tokens) {
    return prefill_step(s, prefill_calib, context, std::max(1.0, computed_tokens / ranks / mb)).time_s;
  };
  q.unit.budget_tokens = static_cast<double>(s.prefill.tokens_per_micro_batch) * mb * ranks;
  q.unit.ranks = ranks;
  const KvTransfer kv = kv_transfer(s);
  q.unit.handoff_s_per_token = kv.busy_s(1.0);
  q.unit.handoff_latency_s = kv.latency_s;
  return q;
}

void size_and_cost(const ServeScenario& s, const RequestShape& shape, const PoolPlan& plan,
                   const Calibration& prefill_calib, NodeCounts& nodes, ServingCost& cost, TtftModelResult& ttft) {
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
  // Each pool at its own GPU's price (mixed pools, serve_scenario.h).
  const double prefill_usd_per_gpu_hour = pool_hardware(s, false).usd_per_gpu_hour;
  const double decode_usd_per_gpu_hour = pool_hardware(s, true).usd_per_gpu_hour;
  if (input_per_s > 0) {
    nodes.prefill_exact = peak * input_per_s / plan.prefill.tokens_per_s_per_node;
    nodes.decode_exact = peak * output_per_s / plan.decode.tokens_per_s_per_node;
    auto units_of = [](double exact, int unit) { return static_cast<int>(std::ceil(exact / unit - 1e-9)); };
    nodes.decode = units_of(nodes.decode_exact, s.decode.nodes) * s.decode.nodes;

    // Prefill: the units the throughput needs, grown until the predicted TTFT meets the objective.
    const PrefillQueue q = prefill_queue(s, prefill_calib, shape);
    ttft.evaluated = true;
    ttft.percentile = s.slo.ttft_percentile;
    ttft.slo_s = s.slo.ttft_s;
    ttft.rate_per_s = q.load.rate_per_s;
    ttft.units_for_throughput = std::max(1, units_of(nodes.prefill_exact, s.prefill.nodes));
    ttft.min_achievable_s = empty_pool_ttft_quantile_s(q.load, q.unit, ttft.percentile);
    ttft.units = ttft.units_for_throughput;
    nodes.prefill_limited_by = "throughput";
    if (s.slo.ttft_s > 0) {
      ttft.units_for_ttft = units_for_ttft(q.load, q.unit, ttft.percentile, s.slo.ttft_s, 1);
      if (ttft.units_for_ttft > ttft.units) {
        ttft.units = ttft.units_for_ttft;
        nodes.prefill_limited_by = "ttft-slo";
      }
    }
    const TtftPrediction at = predict_ttft(q.load, q.unit, ttft.units, ttft.percentile);
    ttft.predicted_s = at.quantile_s;
    ttft.predicted_mean_s = at.mean_s;
    ttft.utilisation = at.utilisation;
    ttft.mean_batch_requests = at.mean_batch_requests;
    ttft.mean_step_s = at.mean_step_s;
    ttft.idle_share = at.idle_share;
    nodes.prefill = ttft.units * s.prefill.nodes;
    cost.usd_per_day = (nodes.prefill * prefill_usd_per_gpu_hour + nodes.decode * decode_usd_per_gpu_hour) * gpn * 24.0;
    cost.usd_per_day_exact =
        (nodes.prefill_exact * prefill_usd_per_gpu_hour + nodes.decode_exact * decode_usd_per_gpu_hour) * gpn * 24.0;
  }
  // $ per million tokens at full utilisation of a pool. Within a prefill step, the share of the core
  // attention time spent attending to cached positions is charged to hit tokens, the rest to computed ones.
  const PrefillResult& p = plan.prefill;
  const double hit = shape.hit_fraction * shape.prompt_tokens, miss = shape.prompt_tokens - hit;
  const double rank_usd_per_step =
      p.step_time_s * s.prefill.attention_tp * prefill_usd_per_gpu_hour / units::kSecondsPerHour;
  const double hit_share = p.attention_s / std::max(1e-30, p.compute_s) * (hit / (hit + 0.5 * miss));
  const double hit_tokens_per_step = miss > 0 ? p.computed_tokens_per_step * hit / miss : 0.0;
  cost.usd_per_m_input_miss = rank_usd_per_step * (1.0 - hit_share) / p.computed_tokens_per_step * 1e6;
  cost.usd_per_m_input_hit = hit_tokens_per_step > 0 ? rank_usd_per_step * hit_share / hit_tokens_per_step * 1e6 : 0.0;
  cost.usd_per_m_output = decode_usd_per_gpu_hour / units::kSecondsPerHour / plan.decode.tokens_per_s_per_gpu * 1e6;
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
  s.prefill_gpu.reset();  // the comparison runs both pools on `gpu`
  s.decode_gpu.reset();
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
    ServingCost cost;
    TtftModelResult ttft;
    size_and_cost(s, shape, plan, *calib, nodes, cost, ttft);
    o.feasible = true;
    o.prefill_nodes = nodes.prefill;
    o.prefill_limited_by = nodes.prefill_limited_by;
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
