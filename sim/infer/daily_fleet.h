// A day of serving: the fleet hour by hour under the load profile and the fleet policy, and what the day
// costs. This is the like-for-like view of a published service's daily figures (DeepSeek's Day-6 overview
// reports average and peak nodes and per-node throughput averaged over the day): a pool's per-node average
// over the day is the day's tokens over its node-seconds, below its capacity whenever whole deployment
// units, the scale-up lead time, a node floor or a fixed fleet leave capacity unused.
//
// Per hour h with rate multiplier m_h (mean 1 over the day): a pool needs m_h x daily rate / per-node
// capacity nodes, rounded up to whole units (prefill: at least the units its TTFT objective needs at that
// hour's rate). Policies:
// - fixed: every hour runs the peak hour's fleet;
// - autoscaled: each hour runs what it needs; nodes added for hour h+1 start `scale_up_delay` before it,
//   so they are paid for that long in hour h (scale-down is immediate).
// min_nodes / max_nodes bound the whole fleet: below the floor the decode pool is padded (idle nodes are
// paid for); above the cap the pools are scaled down to it and the hour runs over capacity (its carried
// share is reported).
#pragma once

#include <functional>
#include <vector>

#include "sim/infer/serve_result.h"
#include "sim/infer/serve_scenario.h"

namespace moeplan {

// `prefill_in_per_node` counts input tokens with their cache hits, `decode_out_per_node` output tokens,
// both per node at the planned batch (capacity). `prefill_units_for_ttft`, when given, is the fewest
// prefill units whose TTFT meets the objective at a rate of m x the daily average (prefill_ttft.h): each
// hour's prefill pool is then the larger of that and its throughput need.
DayResult plan_day(const ServeScenario& s, double prefill_in_per_node, double decode_out_per_node,
                   const std::function<int(double)>& prefill_units_for_ttft = nullptr);

}  // namespace moeplan
