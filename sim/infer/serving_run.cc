// run_serving; see serving_run.h.
#include "sim/infer/serving_run.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "sim/calib/profile_calibration.h"
#include "sim/infer/arrivals.h"
#include "sim/infer/capacity.h"
#include "sim/infer/daily_fleet.h"
#include "sim/infer/deployment.h"
#include "sim/infer/kv_transfer.h"
#include "sim/infer/request_sim.h"
#include "sim/infer/serve_plan.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

ServeInputs inputs_of(const ServeScenario& s, const Calibration& calib, const RequestShape& shape) {
  ServeInputs in;
  in.scenario = s.name;
  in.model = s.model.name;
  const PoolHardware ph = pool_hardware(s, false), dh = pool_hardware(s, true);
  in.gpu = mixed_pools(s) ? ph.gpu.name + " (prefill) + " + dh.gpu.name + " (decode)" : s.gpu.name;
  in.precision = ph.precision.name == dh.precision.name ? ph.precision.name
                                                         : ph.precision.name + " / " + dh.precision.name;
  in.kv_cache_dtype = to_string(s.kv_cache_dtype);
  in.calibration = calib.info().path + " (" + calib.info().method + ")";
  in.seed = s.seed;
  in.usd_per_gpu_hour = s.usd_per_gpu_hour;
  in.gpus_per_node = s.gpus_per_node;
  in.mtp = s.mtp_enabled;
  in.mtp_acceptance = s.mtp_acceptance;
  in.avg_prompt_tokens = shape.prompt_tokens;
  in.avg_output_tokens = shape.output_tokens;
  in.cache_hit_fraction = shape.hit_fraction;
  in.avg_kv_len = shape.avg_kv_len;
  return in;
}

}  // namespace

RequestSimConfig serving_sim_config(const ServeScenario& s, const Calibration& pc, const Calibration& dc,
                                    const PoolPlan& plan, const RequestShape& shape, int prefill_units,
                                    int decode_units) {
  RequestSimConfig c;
  c.prefill_units = prefill_units;
  c.decode_units = decode_units;
  c.prefill_ranks = s.prefill.attention_dp;
  c.decode_ranks = s.decode.attention_dp;
  c.gpus_per_prefill_unit = s.prefill.nodes * s.gpus_per_node;
  c.gpus_per_decode_unit = s.decode.nodes * s.gpus_per_node;
  c.gpus_per_node = s.gpus_per_node;
  c.prefill_tokens_per_rank = static_cast<double>(s.prefill.tokens_per_micro_batch) * s.prefill.micro_batches;
  // The planned batch is the most a rank runs (KV memory, SLO or user limit).
  c.decode_batch_per_rank = plan.decode.batch_per_gpu;
  c.kv_tokens_per_rank = plan.decode.memory.kv_tokens;
  c.mtp = s.mtp_enabled;
  c.mtp_acceptance = s.mtp_acceptance;
  c.duration_s = s.duration_s;
  c.warmup_s = s.warmup_s;
  c.slo_ttft_s = s.slo.ttft_s;
  c.slo_ttft_percentile = s.slo.ttft_percentile;
  const KvTransfer kv = kv_transfer(s);
  c.kv_handoff_s_per_token = kv.busy_s(1.0);
  c.kv_handoff_latency_s = kv.latency_s;
  c.slo_tpot_s = s.slo.tpot_s;
  c.seed = s.seed;
  const int mb = s.prefill.micro_batches;
  c.prefill_step_s = [&s, &pc, mb](double tokens_per_rank, double avg_context) {
    return prefill_step(s, pc, avg_context, std::max(1.0, tokens_per_rank / mb)).time_s;
  };
  // Decode steps as planned, NIC share included (KV received at the planned admission rate).
  c.decode_step_s = [&s, &dc, kv, shape](int batch, double avg_kv_len) {
    return decode_step_time_s(s, dc, kv, shape, batch, avg_kv_len);
  };
  return c;
}

ServeResult run_serving(const ServeScenario& s_in, const Calibration& prefill_calib, const Calibration& decode_calib,
                        const std::string& profiles_dir, const Progress& progress) {
  validate(s_in);
  ServeScenario s = s_in;
  if (s.rates.path.empty()) s.rates = load_serving_rates(profiles_dir.empty() ? find_profiles_dir() : profiles_dir);
  std::vector<Request> requests;
  if (s.arrivals.enabled) {
    requests = scenario_requests(s);
    // A trace's mean rate sizes the pools like a Poisson rate would.
    if (!s.arrivals.trace_path.empty()) {
      const double span = std::max(requests.back().arrival_s, 1e-9);
      s.arrivals.rate_per_s = requests.size() / span;
    }
  }
  const RequestShape shape = request_shape(s);
  ServeResult r;
  r.inputs = inputs_of(s, decode_calib, shape);
  const PoolPlan plan = plan_pools(s, prefill_calib, decode_calib, shape);
  r.prefill = plan.prefill;
  r.decode = plan.decode;
  r.kv_transfer = plan.kv_transfer;
  size_and_cost(s, shape, plan, prefill_calib, r.nodes, r.cost, r.ttft_model);
  if (r.nodes.decode > 0) r.decode_at_load = decode_at_load(s, decode_calib, shape, r.decode, r.nodes.decode);
  std::function<int(double)> ttft_units;
  if (s.workload.enabled && s.slo.ttft_s > 0) {
    // Each hour's prefill pool meets the TTFT objective at that hour's rate (the peak's is r.ttft_model).
    const PrefillQueue q = prefill_queue(s, prefill_calib, shape);
    const double peak = s.workload.peak_to_average;
    ttft_units = [q, peak, &s](double m) {
      PrefillLoad load = q.load;
      load.rate_per_s *= m / peak;
      return units_for_ttft(load, q.unit, s.slo.ttft_percentile, s.slo.ttft_s, 1);
    };
  }
  r.day = plan_day(s, r.prefill.tokens_per_s_per_node, r.decode.tokens_per_s_per_node, ttft_units);

  if (s.rates.low_latency_for(s.scale_out.name) != nullptr)
    r.notes.push_back("decode all-to-all at the measured low-latency kernel rates for " + s.scale_out.name + " (" +
                      s.rates.low_latency_for(s.scale_out.name)->source + ")");
  if (s.workload.enabled) {
    r.notes.push_back("request shape derived from the daily workload: prompt " +
                      units::format_count(shape.prompt_tokens) + " tokens, output " +
                      units::format_count(shape.output_tokens) + " tokens (input/output ratio and avg KV length " +
                      "= prompt + output/2)");
  }
  r.notes.push_back("decode batch " + std::to_string(r.decode.batch_per_gpu) + " per attention DP rank, limited by " +
                    r.decode.batch_limited_by + " (KV memory allows " + std::to_string(r.decode.max_batch_by_kv) + ")");
  r.notes.push_back("$/M input (cache hit) charges only the attention over cached positions; prefix-cache storage "
                    "is not costed");
  if (mixed_pools(s))
    r.notes.push_back("mixed pools: prefill on " + pool_hardware(s, false).gpu.name + ", decode on " +
                      pool_hardware(s, true).gpu.name + ", each priced and timed on its own profile; the KV cache "
                      "crosses between them on the shared scale-out fabric (handoff below)");
  const KvTransferResult& kv = r.kv_transfer;
  r.notes.push_back("KV handoff " + units::format_bytes(kv.bytes_per_request) + " per request, " +
                    units::format_duration(kv.time_s_mean) + " on idle NICs, counted in TTFT; NIC share busy " +
                    units::format_count(100 * kv.prefill_nic_utilisation) + "% of a prefill step, " +
                    units::format_count(100 * kv.decode_nic_utilisation) + "% of a decode step (all-to-all + KV)");
  if (kv.prefill_nic_bound)
    r.notes.push_back("prefill throughput is bound by the NICs (all-to-all + KV handoff), not by compute");
  if (kv.decode_nic_bound)
    r.notes.push_back("decode steps are bound by the NICs (all-to-all + KV received), not by compute");
  if (r.ttft_model.evaluated) {
    const TtftModelResult& t = r.ttft_model;
    const std::string pct = fmt::format("p{:g}", 100 * t.percentile);
    std::string line = "prefill pool " + std::to_string(t.units) + " unit(s), set by " + r.nodes.prefill_limited_by +
                       " (throughput needs " + std::to_string(t.units_for_throughput) + ")";
    if (t.slo_s > 0)
      line += ", TTFT objective " + units::format_duration(t.slo_s) + " " + pct + " needs " +
              std::to_string(t.units_for_ttft);
    line += "; predicted TTFT " + pct + " " + units::format_duration(t.predicted_s) + " at " +
            units::format_count(t.rate_per_s) + " requests/s (empty pool " +
            units::format_duration(t.min_achievable_s) + ")";
    r.notes.push_back(line);
  }

  // Request-level simulation.
  int prefill_units = 0, decode_units = 0;
  if (s.arrivals.enabled) {
    prefill_units = std::max(1, r.nodes.prefill / s.prefill.nodes);
    decode_units = std::max(1, r.nodes.decode / s.decode.nodes);
  } else if (r.nodes.decode > 0) {
    // The whole provisioned service at the peak rate: every prefill unit shares one FIFO, so a slice with
    // fewer units would batch (and queue) differently from the pool the TTFT objective sized.
    decode_units = r.nodes.decode / s.decode.nodes;
    prefill_units = std::max(1, r.nodes.prefill / s.prefill.nodes);
    const double rate = peak_request_rate(s, shape);
    Rng rng(s.seed, "serving.arrivals");
    requests = poisson_requests(rate, LengthDist{.mean = shape.prompt_tokens}, LengthDist{.mean = shape.output_tokens},
                                shape.hit_fraction, s.duration_s, rng);
    r.notes.push_back("latency simulated for the whole service: " + std::to_string(decode_units) +
                      " decode unit(s) and " + std::to_string(prefill_units) + " prefill unit(s) at " +
                      units::format_count(rate) + " requests/s");
  }
  if (!requests.empty()) {
    RequestSimConfig config =
        serving_sim_config(s, prefill_calib, decode_calib, plan, shape, prefill_units, decode_units);
    config.progress = progress;
    r.latency = simulate_requests(requests, config);
    if (r.latency.preemptions > 0)
      r.notes.push_back(std::to_string(r.latency.preemptions) + " decode preemptions (KV cache full, recomputed)");
  }

  if (!s.compare_gpus.empty()) {
    // Each compared GPU on its own best layout (serve --plan's search), not this scenario's.
    const std::vector<GpuPlan> plans = plan_serving(s, profiles_dir.empty() ? find_profiles_dir() : profiles_dir);
    for (std::size_t i = 1; i < plans.size(); ++i) r.compare.push_back(gpu_option(plans[i]));
    r.notes.push_back("compared GPUs each run their own cheapest layout (serve --plan); the day is costed per GPU");
  }
  return r;
}

ServeResult run_serving(const ServeScenario& s, const std::string& profiles_dir, const Progress& progress) {
  const std::string dir = profiles_dir.empty() ? find_profiles_dir() : profiles_dir;
  // Each pool's GPU has its profile; the scenario's `calibration` is the cluster GPU's.
  auto profile_of = [&](bool decode) {
    const std::optional<PoolGpu>& own = decode ? s.decode_gpu : s.prefill_gpu;
    if (own) return load_calibration(default_profile_path(own->gpu, dir), own->gpu);
    // A bare profile name (`calibration: h800-sxm-2025-02`) is looked up in the profiles directory.
    return load_calibration(scenario_profile_path(s.calibration, s.file, s.gpu, dir), s.gpu);
  };
  const auto prefill = profile_of(false);
  const auto decode = profile_of(true);
  return run_serving(s, *prefill, *decode, dir, progress);
}

}  // namespace moeplan
