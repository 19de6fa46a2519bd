// The fleet over a day of load; the model is described in daily_fleet.h.
#include "sim/infer/daily_fleet.h"

#include <algorithm>
#include <cmath>

#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

double whole_units(double exact_nodes, int unit_nodes) {
  return std::ceil(exact_nodes / unit_nodes - 1e-9) * unit_nodes;
}

}  // namespace

DayResult plan_day(const ServeScenario& s, double prefill_in_per_node, double decode_out_per_node,
                   const std::function<int(double)>& prefill_units_for_ttft) {
  DayResult d;
  if (!s.workload.enabled) return d;
  if (!(prefill_in_per_node > 0) || !(decode_out_per_node > 0))
    throw_internal_error("plan_day: per-node throughputs must be > 0");
  const LoadProfile& lp = s.load;
  const std::vector<double> shape = lp.enabled ? lp.hourly : std::vector<double>(24, 1.0);
  const bool fixed = lp.enabled && lp.policy == FleetPolicy::kFixed;
  d.evaluated = true;
  d.policy = fixed ? "fixed" : "autoscaled";
  const double in_per_s = s.workload.input_tokens_per_day / units::kSecondsPerDay;
  const double out_per_s = s.workload.output_tokens_per_day / units::kSecondsPerDay;

  // Whole-unit needs per hour, then the fleet bounds.
  std::vector<double> need_p(24), need_d(24), carried(24, 1.0);
  for (int h = 0; h < 24; ++h) {
    need_p[h] = whole_units(shape[h] * in_per_s / prefill_in_per_node, s.prefill.nodes);
    if (prefill_units_for_ttft && shape[h] > 0)
      need_p[h] = std::max(need_p[h], static_cast<double>(prefill_units_for_ttft(shape[h])) * s.prefill.nodes);
    need_d[h] = whole_units(shape[h] * out_per_s / decode_out_per_node, s.decode.nodes);
  }
  if (fixed) {
    const double p = *std::max_element(need_p.begin(), need_p.end());
    const double q = *std::max_element(need_d.begin(), need_d.end());
    std::fill(need_p.begin(), need_p.end(), p);
    std::fill(need_d.begin(), need_d.end(), q);
  }
  for (int h = 0; h < 24; ++h) {
    const double total = need_p[h] + need_d[h];
    if (lp.max_nodes > 0 && total > lp.max_nodes) {
      // Over the cap: both pools shrink in proportion, whole units kept where possible.
      const double f = lp.max_nodes / total;
      need_p[h] = std::max<double>(s.prefill.nodes, std::floor(need_p[h] * f / s.prefill.nodes) * s.prefill.nodes);
      need_d[h] = std::max<double>(s.decode.nodes, std::floor((lp.max_nodes - need_p[h]) / s.decode.nodes) * s.decode.nodes);
      const double cap_p = need_p[h] * prefill_in_per_node, cap_d = need_d[h] * decode_out_per_node;
      carried[h] = std::min({1.0, cap_p / (shape[h] * in_per_s), cap_d / (shape[h] * out_per_s)});
      ++d.hours_over_capacity;
    }
    if (lp.min_nodes > 0 && need_p[h] + need_d[h] < lp.min_nodes) need_d[h] = lp.min_nodes - need_p[h];
  }

  // Paid node-hours: each hour's fleet, plus the nodes the next hour adds for the scale-up lead time.
  const double lead_h = fixed ? 0.0 : lp.scale_up_delay_s / units::kSecondsPerHour;
  double node_hours_p = 0, node_hours_d = 0, in_tokens = 0, out_tokens = 0;
  for (int h = 0; h < 24; ++h) {
    const int next = (h + 1) % 24;  // the day repeats
    HourFleet hf;
    hf.load = shape[h];
    hf.carried = carried[h];
    hf.prefill_nodes = need_p[h] + lead_h * std::max(0.0, need_p[next] - need_p[h]);
    hf.decode_nodes = need_d[h] + lead_h * std::max(0.0, need_d[next] - need_d[h]);
    node_hours_p += hf.prefill_nodes;
    node_hours_d += hf.decode_nodes;
    d.peak_nodes = std::max(d.peak_nodes, need_p[h] + need_d[h]);
    in_tokens += shape[h] * carried[h] * in_per_s * units::kSecondsPerHour;
    out_tokens += shape[h] * carried[h] * out_per_s * units::kSecondsPerHour;
    d.hours.push_back(hf);
  }
  d.avg_prefill_nodes = node_hours_p / 24.0;
  d.avg_decode_nodes = node_hours_d / 24.0;
  d.avg_nodes = d.avg_prefill_nodes + d.avg_decode_nodes;
  d.prefill_tokens_per_s_per_node = in_tokens / (node_hours_p * units::kSecondsPerHour);
  d.decode_tokens_per_s_per_node = out_tokens / (node_hours_d * units::kSecondsPerHour);
  d.usd_per_day = (node_hours_p * pool_hardware(s, false).usd_per_gpu_hour +
                   node_hours_d * pool_hardware(s, true).usd_per_gpu_hour) * s.gpus_per_node;
  d.usd_per_m_output = d.usd_per_day / out_tokens * 1e6;
  d.usd_per_m_tokens = d.usd_per_day / (in_tokens + out_tokens) * 1e6;
  return d;
}

}  // namespace moeplan
