// Reads parallel.dp_sync (see dp_sync_yaml.h and docs/dp-sync.md).
#include "sim/io/dp_sync_yaml.h"

#include "sim/units/checked.h"

namespace moeplan::io {
namespace {

DpSyncMethod method_of(const YamlField& f) {
  return f.as_enum<DpSyncMethod>({{"every-step", DpSyncMethod::kEveryStep},
                                  {"diloco", DpSyncMethod::kDiloco},
                                  {"streaming-diloco", DpSyncMethod::kStreamingDiloco},
                                  {"demo", DpSyncMethod::kDemo}},
                                 "dp_sync method");
}

}  // namespace

DpSyncSpec read_dp_sync(const YamlField& f) {
  DpSyncSpec s;
  if (f.is_scalar()) {
    s.method = method_of(f);
    if (s.method == DpSyncMethod::kDiloco || s.method == DpSyncMethod::kStreamingDiloco)
      f.fail(std::string(to_string(s.method)) + " needs its inner steps H",
             "a mapping such as {method: diloco, inner_steps: 100}");
    return s;
  }
  f.require_map("a method name (every-step, diloco, streaming-diloco, demo) or {method: diloco, inner_steps: 100}");
  f.expect_keys({"method", "inner_steps", "fragments", "fragment_layers", "fragment_pattern", "overlap_steps",
                 "outer_bits", "demo_compression", "token_overhead", "token_overhead_source"});
  const YamlField method = f.at("method", "every-step, diloco, streaming-diloco or demo");
  s.method = method_of(method);
  const bool outer = s.method == DpSyncMethod::kDiloco || s.method == DpSyncMethod::kStreamingDiloco;
  // H has no neutral default: the sources use 500 (DiLoCo), 100 (INTELLECT-1, Streaming DiLoCo) and 30
  // (the DiLoCo scaling laws), and the token overhead depends on it.
  if (outer) f.at("inner_steps", "H, the inner steps between outer syncs, e.g. 100");
  s.inner_steps = f.get_int("inner_steps", s.inner_steps, kNoLower, 1LL << 30);
  if (s.method == DpSyncMethod::kStreamingDiloco) {
    const auto frags = f.find("fragments");
    const auto layers = f.find("fragment_layers");
    if (frags && layers)
      layers->fail("give fragments or fragment_layers, not both", "one of the two",
                   "fragment_layers: 3 is the paper's fragment size (arXiv:2501.18512 §3.3.1)");
    if (!frags && !layers)
      f.at("fragment_layers", "layers per fragment (e.g. 3, arXiv:2501.18512 §3.3.1), or `fragments`: a count");
  }
  s.fragments = f.get_int("fragments", s.fragments, kNoLower, kMaxLayers);
  s.fragment_layers = f.get_int("fragment_layers", s.fragment_layers, kNoLower, kMaxLayers);
  if (auto p = f.find("fragment_pattern")) {
    if (s.method != DpSyncMethod::kStreamingDiloco)
      p->fail("fragment_pattern is a streaming-diloco setting", "", "method: streaming-diloco");
    s.fragment_pattern = p->as_enum<FragmentPattern>(
        {{"strided", FragmentPattern::kStrided}, {"sequential", FragmentPattern::kSequential}}, "fragment pattern");
  }
  s.overlap_steps = f.get_int("overlap_steps", s.overlap_steps, kNoLower, 1LL << 30);
  s.outer_bits = f.get_int("outer_bits", s.outer_bits, kNoLower, 1 << 10);
  s.demo_compression = f.get_double("demo_compression", s.demo_compression);
  if (auto t = f.find("token_overhead")) s.token_overhead = t->as_double("a multiplier such as 1.05");
  s.token_overhead_source = f.get_string("token_overhead_source", "");
  if (!s.token_overhead_source.empty() && !s.token_overhead)
    f.find("token_overhead_source")
        ->fail("token_overhead_source without a token_overhead", "", "add token_overhead, or remove the source");
  return s;
}

}  // namespace moeplan::io
