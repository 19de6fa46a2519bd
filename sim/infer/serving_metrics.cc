// Serving metrics by name; see serving_metrics.h.
#include "sim/infer/serving_metrics.h"

#include "sim/units/error.h"

namespace moeplan {

const std::vector<std::string>& serving_metric_names() {
  static const std::vector<std::string> names = {
      "prefill_tokens_per_s_per_node_day",  // input tokens incl. cache hits, per prefill node, over the day
      "decode_tokens_per_s_per_node_day",   // output tokens per decode node, over the day
      "avg_nodes_day",                      // whole fleet, node-hours / 24
      "peak_nodes_day",
      "usd_per_day",                        // the day's fleet at its price
      "prefill_tokens_per_s_per_node",      // capacity at full steps
      "decode_tokens_per_s_per_node",       // capacity at the planned batch
      "decode_tokens_per_s_per_request",    // at the planned batch
  };
  return names;
}

double serving_metric(const ServeResult& r, const std::string& metric) {
  if (metric == "prefill_tokens_per_s_per_node_day") return r.day.prefill_tokens_per_s_per_node;
  if (metric == "decode_tokens_per_s_per_node_day") return r.day.decode_tokens_per_s_per_node;
  if (metric == "avg_nodes_day") return r.day.avg_nodes;
  if (metric == "peak_nodes_day") return r.day.peak_nodes;
  if (metric == "usd_per_day") return r.day.usd_per_day;
  if (metric == "prefill_tokens_per_s_per_node") return r.prefill.tokens_per_s_per_node;
  if (metric == "decode_tokens_per_s_per_node") return r.decode.tokens_per_s_per_node;
  if (metric == "decode_tokens_per_s_per_request") return r.decode.tokens_per_s_per_request;
  throw_internal_error("serving_metric: unknown metric `" + metric + "`");
}

}  // namespace moeplan
