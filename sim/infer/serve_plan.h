// `serve --plan`: the cheapest serving layout per GPU type under the scenario's load and objectives.
//
// For each GPU (the scenario's, then its `compare` list) the search tries deployment units of 1 to 32
// nodes with EP over the whole unit and attention TP 1, 2, 4 or 8 (DP = unit GPUs / TP), for each pool:
// - decode: the batch is the largest the KV memory and the TPOT objective allow (capacity.h); the layout
//   with the lowest $ per output token wins;
// - prefill: the layout with the lowest $ per input token wins (the TTFT objective then sizes its units).
// Redundant expert slots keep the scenario's share of extra experts, rounded so every GPU holds the same
// number of slots. The two pools are searched one after the other (they share only the KV handoff's
// NIC bandwidth, whose rank share depends on both TPs). The winner is sized and costed over the day
// (daily_fleet.h), and its limits are stated: what capped the decode batch and what sets each step.
// When different GPUs win the two pools, a last row runs prefill on the one with the cheapest input tokens
// and decode on the one with the cheapest output tokens (mixed pools, serve_scenario.h), costed together
// with the KV handoff between them.
#pragma once

#include <string>
#include <vector>

#include "sim/infer/serve_result.h"
#include "sim/infer/serve_scenario.h"

namespace moeplan {

struct PoolLayout {
  int unit_nodes = 0, ep = 0, attention_tp = 0, attention_dp = 0, redundant_experts = 0;
};

struct GpuPlan {
  std::string gpu;                // "a+b" for a mixed row: prefill on a, decode on b
  bool mixed = false;
  bool feasible = false;
  std::string reason;             // infeasible: why no layout fits or meets the objectives
  int layouts_tried = 0;
  PoolLayout prefill, decode;
  int decode_batch_per_gpu = 0;
  std::string decode_batch_limited_by;   // kv-memory, tpot-slo, cap, user
  std::string decode_step_bound_by;      // compute, all-to-all, nic
  std::string prefill_step_bound_by;
  std::string prefill_limited_by;        // throughput or ttft-slo (units)
  double decode_tpot_s = 0;
  double prefill_tokens_per_s_per_node = 0;
  double decode_tokens_per_s_per_node = 0;
  int prefill_nodes = 0, decode_nodes = 0;   // at the peak hour
  double avg_nodes = 0;                      // over the day (daily_fleet.h)
  bool priced = true;                        // false: no rental price, layouts ranked by GPU-seconds per token
  double usd_per_gpu_hour = 0;
  double usd_per_day = 0;                    // over the day (0 when not priced)
  double usd_per_m_output = 0;               // the decode pool's, at the planned batch
  double usd_per_m_input_miss = 0;
};

// The plan as a row of the `serve` comparison table.
GpuOption gpu_option(const GpuPlan& g);

// `profiles_dir`: where each GPU's default profile is ("" = find_profiles_dir()).
std::vector<GpuPlan> plan_serving(const ServeScenario& s, const std::string& profiles_dir = "");

}  // namespace moeplan
