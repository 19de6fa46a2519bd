// Text and JSON renderers of the serving layout search; see serve_plan_report.h.
#include "sim/infer/serve_plan_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "sim/units/units.h"

namespace moeplan {
namespace {

std::string layout(const PoolLayout& p) {
  return fmt::format("{}n EP{} TP{}xDP{}", p.unit_nodes, p.ep, p.attention_tp, p.attention_dp);
}

nlohmann::json layout_json(const PoolLayout& p) {
  return {{"unit_nodes", p.unit_nodes}, {"ep", p.ep}, {"attention_tp", p.attention_tp},
          {"attention_dp", p.attention_dp}, {"redundant_experts", p.redundant_experts}};
}

}  // namespace

std::string render_serve_plan_text(const std::vector<GpuPlan>& plans) {
  std::string out = fmt::format("{:<10} {:<22} {:<22} {:>5} {:>8} {:>9} {:>9} {:>10} {:>9}  {}\n", "GPU", "prefill unit",
                                "decode unit", "batch", "TPOT", "nodes p+d", "avg nodes", "$/day", "$/M out",
                                "limits (decode batch; decode step; prefill step)");
  for (const GpuPlan& g : plans) {
    if (!g.feasible) {
      out += fmt::format("{:<10} infeasible: {} ({} layouts tried)\n", g.gpu, g.reason, g.layouts_tried);
      continue;
    }
    out += fmt::format("{:<10} {:<22} {:<22} {:>5} {:>8} {:>9} {:>9.1f} {:>10} {:>9}  {}; {}; {}\n", g.gpu,
                       layout(g.prefill), layout(g.decode), g.decode_batch_per_gpu,
                       fmt::format("{:.1f}ms", g.decode_tpot_s * 1e3),
                       fmt::format("{}+{}", g.prefill_nodes, g.decode_nodes), g.avg_nodes,
                       g.priced ? units::format_usd(g.usd_per_day) : "no price",
                       g.priced ? fmt::format("{:.4f}", g.usd_per_m_output) : "-", g.decode_batch_limited_by,
                       g.decode_step_bound_by, g.prefill_step_bound_by);
  }
  return out;
}

std::string render_serve_plan_json(const std::vector<GpuPlan>& plans) {
  nlohmann::json a = nlohmann::json::array();
  for (const GpuPlan& g : plans) {
    nlohmann::json j = {{"gpu", g.gpu},       {"mixed", g.mixed},
                        {"feasible", g.feasible}, {"priced", g.priced},
                        {"layouts_tried", g.layouts_tried}};
    if (!g.feasible) {
      j["reason"] = g.reason;
    } else {
      j["prefill"] = layout_json(g.prefill);
      j["decode"] = layout_json(g.decode);
      j["decode_batch_per_gpu"] = g.decode_batch_per_gpu;
      j["decode_batch_limited_by"] = g.decode_batch_limited_by;
      j["decode_step_bound_by"] = g.decode_step_bound_by;
      j["prefill_step_bound_by"] = g.prefill_step_bound_by;
      j["prefill_limited_by"] = g.prefill_limited_by;
      j["decode_tpot_s"] = g.decode_tpot_s;
      j["prefill_tokens_per_s_per_node"] = g.prefill_tokens_per_s_per_node;
      j["decode_tokens_per_s_per_node"] = g.decode_tokens_per_s_per_node;
      j["prefill_nodes"] = g.prefill_nodes;
      j["decode_nodes"] = g.decode_nodes;
      j["avg_nodes"] = g.avg_nodes;
      j["usd_per_gpu_hour"] = g.usd_per_gpu_hour;
      j["usd_per_day"] = g.usd_per_day;
      j["usd_per_m_output"] = g.usd_per_m_output;
      j["usd_per_m_input_miss"] = g.usd_per_m_input_miss;
    }
    a.push_back(j);
  }
  return nlohmann::json{{"plan", a}}.dump(2);
}

}  // namespace moeplan
