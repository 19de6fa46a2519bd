// Serving rates file reader and table lookup; see serving_rates.h.
#include "sim/infer/serving_rates.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "sim/io/yaml_reader.h"
#include "sim/units/error.h"

namespace moeplan {

double LowLatencyA2aTable::effective_Bps(int ep, bool dispatch) const {
  // Reference bytes one GPU sends: tokens x top_k copies of FP8 + FP32 scales per 128 channels
  // (dispatch) or BF16 (combine), DeepSeek-V3 §3.3.
  const double row = dispatch ? hidden + hidden / 128.0 * 4.0 : 2.0 * hidden;
  const double bytes = tokens * top_k * row;
  auto latency = [&](const LowLatencyA2aPoint& p) { return dispatch ? p.dispatch_s : p.combine_s; };
  if (ep <= points.front().ep) return bytes / latency(points.front());
  if (ep >= points.back().ep) return bytes / latency(points.back());
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (ep > points[i].ep) continue;
    const double x0 = std::log2(points[i - 1].ep), x1 = std::log2(points[i].ep);
    const double f = (std::log2(ep) - x0) / (x1 - x0);
    return bytes / (latency(points[i - 1]) + f * (latency(points[i]) - latency(points[i - 1])));
  }
  return bytes / latency(points.back());
}

const LowLatencyA2aTable* ServingRates::low_latency_for(const std::string& fabric) const {
  for (const LowLatencyA2aTable& t : low_latency)
    if (t.fabric == fabric) return &t;
  return nullptr;
}

ServingRates load_serving_rates(const std::string& profiles_dir) {
  namespace fs = std::filesystem;
  ServingRates r;
  const fs::path path = fs::path(profiles_dir) / "serving" / "ep-low-latency.yaml";
  std::error_code ec;
  if (profiles_dir.empty() || !fs::is_regular_file(path, ec)) return r;
  r.path = path.string();
  io::YamlSource src(r.path);
  const io::YamlField root(io::load_yaml_file(r.path), "", &src);
  root.require_map("a mapping with moeplan_serving_rates and ep_low_latency");
  root.expect_keys({"moeplan_serving_rates", "ep_low_latency"});
  if (root.at("moeplan_serving_rates", "format version 1").as_int() != 1)
    root.at("moeplan_serving_rates", "1").fail("unsupported serving rates format", "1");
  for (const io::YamlField& t : root.at("ep_low_latency", "a list of fabric tables").items("a fabric table")) {
    t.require_map("a fabric table");
    t.expect_keys({"fabric", "nics_per_gpu", "tokens", "hidden", "top_k", "source", "points"});
    LowLatencyA2aTable table;
    table.fabric = t.at("fabric", "a catalog fabric name").as_string();
    table.nics_per_gpu = t.get_double("nics_per_gpu", 1.0);
    table.tokens = t.at("tokens", "tokens per GPU of the measurement").as_double();
    table.hidden = t.at("hidden", "hidden size of the measurement").as_double();
    table.top_k = t.at("top_k", "experts per token of the measurement").as_double();
    table.source = t.at("source", "where the numbers come from").as_string();
    if (!(table.tokens > 0) || !(table.hidden > 0) || !(table.top_k > 0) || !(table.nics_per_gpu > 0))
      t.fail("tokens, hidden, top_k and nics_per_gpu must be > 0", "positive numbers");
    for (const io::YamlField& p : t.at("points", "a list of {ep, dispatch_us, combine_us}").items("a point")) {
      p.require_map("{ep, dispatch_us, combine_us}");
      p.expect_keys({"ep", "dispatch_us", "combine_us"});
      LowLatencyA2aPoint pt;
      pt.ep = p.at("ep", "an EP size").as_int();
      pt.dispatch_s = p.at("dispatch_us", "microseconds").as_double() * 1e-6;
      pt.combine_s = p.at("combine_us", "microseconds").as_double() * 1e-6;
      if (pt.ep < 2 || !(pt.dispatch_s > 0) || !(pt.combine_s > 0))
        p.fail("ep must be >= 2 and latencies > 0", "ep >= 2, dispatch_us > 0, combine_us > 0");
      if (!table.points.empty() && pt.ep <= table.points.back().ep)
        p.fail("points must be in ascending ep", "a larger ep than the point before");
      table.points.push_back(pt);
    }
    if (table.points.empty()) t.fail("a fabric table needs at least one point", "points: [{ep, dispatch_us, combine_us}]");
    r.low_latency.push_back(std::move(table));
  }
  return r;
}

}  // namespace moeplan
