// Serving layout search per GPU; see serve_plan.h.
#include "sim/infer/serve_plan.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "sim/calib/profile_calibration.h"
#include "sim/infer/capacity.h"
#include "sim/infer/daily_fleet.h"
#include "sim/infer/deployment.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

// Sets `pool` to `nodes`-node units with EP over the unit and attention TP `tp`, keeping `extra_share`
// of the routed experts as redundant slots (rounded up to whole slots per GPU). False when the layout
// does not divide.
bool apply_layout(const ServeScenario& s, ServePool& pool, int nodes, int tp, double extra_share) {
  const int gpus = nodes * s.gpus_per_node;
  if (gpus % tp != 0 || s.model.n_heads % tp != 0) return false;
  pool.nodes = nodes;
  pool.attention_tp = tp;
  pool.attention_dp = gpus / tp;
  pool.ep = s.model.is_moe() ? gpus : 1;
  pool.redundant_experts = 0;
  if (s.model.is_moe()) {
    const int e = s.model.moe.n_routed_experts;
    if (gpus > e + static_cast<int>(std::ceil(extra_share * e))) return false;  // a GPU without an expert
    const int slots = static_cast<int>(std::ceil(e * (1.0 + extra_share) / gpus - 1e-9));
    pool.redundant_experts = slots * gpus - e;
  }
  return true;
}

PoolLayout layout_of(const ServePool& p) {
  return PoolLayout{p.nodes, p.ep, p.attention_tp, p.attention_dp, p.redundant_experts};
}

double extra_share(const ServeScenario& s, const ServePool& p) {
  return s.model.is_moe() ? static_cast<double>(p.redundant_experts) / s.model.moe.n_routed_experts : 0.0;
}

struct Candidate {
  bool ok = false;
  double usd_per_token = 0;
  ServePool pool;
};

// Sizes and costs `s` with its chosen layouts (both pools' calibrations) into `g`: the plan, the fleet at
// the peak and over the day, the limits. A user Error (an objective out of reach) leaves `g` infeasible.
void cost_plan(GpuPlan& g, const ServeScenario& s, const Calibration& pc, const Calibration& dc,
               const RequestShape& shape) {
  try {
    const PoolPlan plan = plan_pools(s, pc, dc, shape);
    NodeCounts nodes;
    ServingCost cost;
    TtftModelResult ttft;
    size_and_cost(s, shape, plan, pc, nodes, cost, ttft);
    const DayResult day = plan_day(s, plan.prefill.tokens_per_s_per_node, plan.decode.tokens_per_s_per_node);
    g.feasible = true;
    g.prefill = layout_of(s.prefill);
    g.decode = layout_of(s.decode);
    g.decode_batch_per_gpu = plan.decode.batch_per_gpu;
    g.decode_batch_limited_by = plan.decode.batch_limited_by;
    g.decode_step_bound_by = plan.decode.step_bound_by;
    g.prefill_step_bound_by = plan.prefill.step_bound_by;
    g.prefill_limited_by = nodes.prefill_limited_by;
    g.decode_tpot_s = plan.decode.tpot_s;
    g.prefill_tokens_per_s_per_node = plan.prefill.tokens_per_s_per_node;
    g.decode_tokens_per_s_per_node = plan.decode.tokens_per_s_per_node;
    g.prefill_nodes = nodes.prefill;
    g.decode_nodes = nodes.decode;
    g.avg_nodes = day.evaluated ? day.avg_nodes : nodes.total();  // arrivals: the sized pools all day
    g.usd_per_day = day.evaluated ? day.usd_per_day : cost.usd_per_day;
    g.usd_per_m_output = cost.usd_per_m_output;
    g.usd_per_m_input_miss = cost.usd_per_m_input_miss;
    if (!g.priced) g.usd_per_gpu_hour = g.usd_per_day = g.usd_per_m_output = g.usd_per_m_input_miss = 0;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kUser) throw;
    g.feasible = false;
    g.reason = e.message();
  }
}

// A GPU's winning scenario, kept to pair pools across GPU types.
struct Chosen {
  ServeScenario s;
  std::string profile;
  double usd_per_m_input_miss = 0, usd_per_m_output = 0;
};

}  // namespace

std::vector<GpuPlan> plan_serving(const ServeScenario& base, const std::string& profiles_dir_in) {
  validate(base);
  const std::string profiles_dir = profiles_dir_in.empty() ? find_profiles_dir() : profiles_dir_in;
  ServeScenario b = base;
  b.prefill_gpu.reset();  // each GPU type is searched for both pools
  b.decode_gpu.reset();
  if (b.rates.path.empty()) b.rates = load_serving_rates(profiles_dir);
  const RequestShape shape = request_shape(b);

  std::vector<std::pair<GpuSpec, FabricSpec>> gpus{{b.gpu, b.scale_up}};
  for (std::size_t i = 0; i < b.compare_gpus.size(); ++i) gpus.emplace_back(b.compare_gpus[i], b.compare_scale_up[i]);
  std::set<int> unit_sizes{1, 2, 4, 8, 16, 32, b.prefill.nodes, b.decode.nodes};
  const std::vector<int> tps{1, 2, 4, 8};

  std::vector<GpuPlan> out;
  std::vector<Chosen> chosen;
  for (const auto& [gpu, fabric] : gpus) {
    GpuPlan g;
    g.gpu = gpu.name;
    const bool own = gpu.name == b.gpu.name;
    g.usd_per_gpu_hour = own ? b.usd_per_gpu_hour : gpu.rental.usd_per_gpu_hour;
    const std::string path = own ? scenario_profile_path(b.calibration, b.file, gpu, profiles_dir)
                                 : default_profile_path(gpu, profiles_dir);
    // Without a rental price the search still ranks layouts by GPU-seconds per token (any price ranks
    // them the same); the dollars are then not reported.
    g.priced = g.usd_per_gpu_hour > 0;
    if (!g.priced) g.usd_per_gpu_hour = 1.0;
    if (!std::filesystem::exists(path)) {
      g.reason = "no calibration profile " + path;
      out.push_back(g);
      continue;
    }
    ServeScenario s = b;
    s.gpu = gpu;
    s.scale_up = fabric;
    s.usd_per_gpu_hour = g.usd_per_gpu_hour;
    s.calibration = path;
    if (!gpu.has_fp8()) s.precision = precision_preset("bf16");
    const auto calib = load_calibration(path, gpu);
    const double gpu_usd_per_s = g.usd_per_gpu_hour / units::kSecondsPerHour;
    const double extra_p = extra_share(b, b.prefill), extra_d = extra_share(b, b.decode);

    // A prefill layout to pair the decode search with: the scenario's if it fits, else the smallest that does.
    bool prefill_fits = pool_memory(s, s.prefill, false).fits();
    for (int n : unit_sizes) {
      if (prefill_fits) break;
      if (apply_layout(s, s.prefill, n, 1, extra_p)) prefill_fits = pool_memory(s, s.prefill, false).fits();
    }
    if (!prefill_fits) {
      g.reason = "no prefill unit of up to 32 nodes holds the weights";
      out.push_back(g);
      continue;
    }

    std::string last_error;
    auto evaluate = [&](ServeScenario& trial, bool decode) {
      Candidate c;
      ++g.layouts_tried;
      const ServePool& p = decode ? trial.decode : trial.prefill;
      if (!pool_memory(trial, p, decode).fits()) return c;
      try {
        const PoolPlan plan = plan_pools(trial, *calib, *calib, shape);
        c.ok = true;
        c.pool = p;
        c.usd_per_token = decode ? gpu_usd_per_s / plan.decode.tokens_per_s_per_gpu
                                 : gpu_usd_per_s * trial.gpus_per_node / plan.prefill.tokens_per_s_per_node;
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::kUser) throw;
        last_error = e.message();
      }
      return c;
    };
    auto better = [](const Candidate& a, const Candidate& best) {
      if (!best.ok) return true;
      if (a.usd_per_token < best.usd_per_token * (1 - 1e-9)) return true;
      // A tie goes to the smaller unit (finer scaling over the day).
      return a.usd_per_token <= best.usd_per_token * (1 + 1e-9) && a.pool.nodes < best.pool.nodes;
    };

    Candidate best_d;
    for (int n : unit_sizes)
      for (int tp : tps) {
        ServeScenario trial = s;
        trial.decode.batch_per_gpu = b.decode.batch_per_gpu;
        if (!apply_layout(trial, trial.decode, n, tp, extra_d)) continue;
        const Candidate c = evaluate(trial, true);
        if (c.ok && better(c, best_d)) best_d = c;
      }
    if (!best_d.ok) {
      g.reason = last_error.empty() ? "no decode unit of up to 32 nodes holds the weights and a sequence" : last_error;
      out.push_back(g);
      continue;
    }
    s.decode = best_d.pool;
    Candidate best_p;
    for (int n : unit_sizes)
      for (int tp : tps) {
        ServeScenario trial = s;
        if (!apply_layout(trial, trial.prefill, n, tp, extra_p)) continue;
        const Candidate c = evaluate(trial, false);
        if (c.ok && better(c, best_p)) best_p = c;
      }
    if (!best_p.ok) {
      g.reason = last_error.empty() ? "no prefill layout works" : last_error;
      out.push_back(g);
      continue;
    }
    s.prefill = best_p.pool;

    cost_plan(g, s, *calib, *calib, shape);
    if (g.feasible && g.priced) chosen.push_back(Chosen{s, path, g.usd_per_m_input_miss, g.usd_per_m_output});
    out.push_back(g);
  }

  // Mixed pools: the GPU with the cheapest input tokens for prefill, the one with the cheapest output
  // tokens for decode, each on its winning layout, costed together (KV handoff across them included).
  if (chosen.size() >= 2) {
    const auto by_in = std::min_element(chosen.begin(), chosen.end(), [](const Chosen& a, const Chosen& c) {
      return a.usd_per_m_input_miss < c.usd_per_m_input_miss;
    });
    const auto by_out = std::min_element(chosen.begin(), chosen.end(), [](const Chosen& a, const Chosen& c) {
      return a.usd_per_m_output < c.usd_per_m_output;
    });
    if (by_in != by_out) {
      ServeScenario mix = by_in->s;
      mix.decode = by_out->s.decode;
      mix.decode_gpu = PoolGpu{by_out->s.gpu, by_out->s.scale_up, by_out->s.precision, by_out->s.usd_per_gpu_hour};
      GpuPlan g;
      g.gpu = by_in->s.gpu.name + "+" + by_out->s.gpu.name;
      g.mixed = true;
      g.usd_per_gpu_hour = 0;  // two prices: see the pools
      const auto pc = load_calibration(by_in->profile, by_in->s.gpu);
      const auto dc = load_calibration(by_out->profile, by_out->s.gpu);
      cost_plan(g, mix, *pc, *dc, shape);
      out.push_back(g);
    }
  }
  return out;
}

GpuOption gpu_option(const GpuPlan& g) {
  GpuOption o;
  o.gpu = g.gpu;
  o.feasible = g.feasible;
  o.reason = g.reason;
  o.priced = g.priced;
  if (!g.feasible) return o;
  auto layout = [](const PoolLayout& p) {
    return std::to_string(p.unit_nodes) + "n EP" + std::to_string(p.ep) + " TP" + std::to_string(p.attention_tp) +
           "xDP" + std::to_string(p.attention_dp);
  };
  o.prefill_layout = layout(g.prefill);
  o.decode_layout = layout(g.decode);
  o.prefill_nodes = g.prefill_nodes;
  o.prefill_limited_by = g.prefill_limited_by;
  o.decode_nodes = g.decode_nodes;
  o.decode_batch_per_gpu = g.decode_batch_per_gpu;
  o.decode_batch_limited_by = g.decode_batch_limited_by;
  o.decode_step_bound_by = g.decode_step_bound_by;
  o.prefill_tokens_per_s_per_node = g.prefill_tokens_per_s_per_node;
  o.decode_tokens_per_s_per_node = g.decode_tokens_per_s_per_node;
  o.usd_per_gpu_hour = g.usd_per_gpu_hour;
  o.usd_per_day = g.usd_per_day;
  o.usd_per_m_input_miss = g.usd_per_m_input_miss;
  o.usd_per_m_output = g.usd_per_m_output;
  return o;
}

}  // namespace moeplan
