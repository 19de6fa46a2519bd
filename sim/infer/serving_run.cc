// run_serving; see serving_run.h.
#include "sim/infer/serving_run.h"

#include <algorithm>
#include <cmath>

#include "sim/calib/profile_calibration.h"
#include "sim/infer/arrivals.h"
#include "sim/infer/capacity.h"
#include "sim/infer/deployment.h"
#include "sim/infer/request_sim.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

ServeInputs inputs_of(const ServeScenario& s, const Calibration& calib, const RequestShape& shape) {
  ServeInputs in;
  in.scenario = s.name;
  in.model = s.model.name;
  in.gpu = s.gpu.name;
  in.precision = s.precision.name;
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

RequestSimConfig sim_config(const ServeScenario& s, const Calibration& pc, const Calibration& dc,
                            const PoolPlan& plan, int prefill_units, int decode_units) {
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
  c.slo_tpot_s = s.slo.tpot_s;
  c.seed = s.seed;
  const int mb = s.prefill.micro_batches;
  c.prefill_step_s = [&s, &pc, mb](double tokens_per_rank, double avg_context) {
    return prefill_step(s, pc, avg_context, std::max(1.0, tokens_per_rank / mb)).time_s;
  };
  c.decode_step_s = [&s, &dc](int batch, double avg_kv_len) { return decode_step(s, dc, batch, avg_kv_len).time_s; };
  return c;
}

}  // namespace

ServeResult run_serving(const ServeScenario& s_in, const Calibration& prefill_calib, const Calibration& decode_calib,
                        const std::string& profiles_dir) {
  validate(s_in);
  ServeScenario s = s_in;
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
  size_and_cost(s, shape, plan, r.nodes, r.cost);

  if (s.workload.enabled) {
    r.notes.push_back("request shape derived from the daily workload: prompt " +
                      units::format_count(shape.prompt_tokens) + " tokens, output " +
                      units::format_count(shape.output_tokens) + " tokens (input/output ratio and avg KV length " +
                      "= prompt + output/2)");
  }
  r.notes.push_back("decode batch " + std::to_string(r.decode.batch_per_gpu) + " per attention DP rank, limited by " +
                    r.decode.batch_limited_by + " (KV memory allows " + std::to_string(r.decode.max_batch_by_kv) + ")");
  r.notes.push_back("$/M input (cache hit) charges only the attention over cached positions; prefix-cache storage "
                    "and KV transfer from prefill to decode are not costed");

  // Request-level simulation.
  int prefill_units = 0, decode_units = 0;
  if (s.arrivals.enabled) {
    prefill_units = std::max(1, r.nodes.prefill / s.prefill.nodes);
    decode_units = std::max(1, r.nodes.decode / s.decode.nodes);
  } else if (r.nodes.decode > 0) {
    // One decode unit's share of the daily load (Poisson, fixed request shape), with the prefill units that
    // share needs; the units of a pool are independent, so a slice stands for the whole service.
    const int total_decode_units = r.nodes.decode / s.decode.nodes;
    const double prefill_share = r.nodes.prefill_exact / total_decode_units / s.prefill.nodes;
    decode_units = 1;
    prefill_units = std::max(1, static_cast<int>(std::ceil(prefill_share - 1e-9)));
    const double rate = s.workload.input_tokens_per_day / units::kSecondsPerDay * s.workload.peak_to_average /
                        shape.prompt_tokens / total_decode_units;
    Rng rng(s.seed, "serving.arrivals");
    requests = poisson_requests(rate, LengthDist{.mean = shape.prompt_tokens}, LengthDist{.mean = shape.output_tokens},
                                shape.hit_fraction, s.duration_s, rng);
    r.notes.push_back("latency simulated on a slice: 1 decode unit and " + std::to_string(prefill_units) +
                      " prefill unit(s) at " + units::format_count(rate) + " requests/s");
  }
  if (!requests.empty()) {
    r.latency = simulate_requests(requests, sim_config(s, prefill_calib, decode_calib, plan, prefill_units, decode_units));
    if (r.latency.preemptions > 0)
      r.notes.push_back(std::to_string(r.latency.preemptions) + " decode preemptions (KV cache full, recomputed)");
  }

  if (!s.compare_gpus.empty()) {
    const std::string dir = profiles_dir.empty() ? find_profiles_dir() : profiles_dir;
    for (size_t i = 0; i < s.compare_gpus.size(); ++i)
      r.compare.push_back(price_on_gpu(s, s.compare_gpus[i], s.compare_scale_up[i], dir, shape));
  }
  return r;
}

ServeResult run_serving(const ServeScenario& s) {
  const std::string path = s.calibration.empty() ? default_profile_path(s.gpu, find_profiles_dir()) : s.calibration;
  const auto calib = load_calibration(path, s.gpu);
  return run_serving(s, *calib, *calib);
}

}  // namespace moeplan
