// Reading SoftwareSpec fields (see software_yaml.h and docs/scenario-format.md, "software").
#include "sim/io/software_yaml.h"

#include "sim/spec/plan_constraints.h"

#include <utility>

namespace moeplan::io {
namespace {

// A field naming one of `names`, read as the enum value `parse` gives it (an unknown name lists them all).
template <typename E>
E read_named(const YamlField& f, const std::vector<std::string>& names, bool (*parse)(const std::string&, E*),
             const std::string& what) {
  std::vector<std::pair<std::string, E>> table;
  for (const std::string& n : names) {
    E value{};
    parse(n, &value);
    table.emplace_back(n, value);
  }
  return f.as_enum<E>(table, what);
}

}  // namespace

SoftwareSpec read_software_fields(const YamlField& f, const SoftwareSpec& base,
                                  const std::vector<std::string>& extra_keys) {
  f.require_map(
      "{attention_kernel, fused_elementwise, cuda_graphs, dp_overlap, param_gather_overlap, p2p_blocking, "
      "moe_dispatcher, tp_overlap_comm_sms, tp_overlap_pipeline_splits}");
  std::vector<std::string> keys = {"attention_kernel",     "fused_elementwise", "cuda_graphs",    "dp_overlap",
                                   "param_gather_overlap", "p2p_blocking",      "moe_dispatcher", "sources",
                                   "description",          "tp_overlap_comm_sms", "tp_overlap_pipeline_splits",
                                   "schedules",            "features"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  f.expect_keys(keys);
  SoftwareSpec s = base;
  if (auto k = f.find("attention_kernel"))
    s.attention_kernel = read_named(*k, attention_kernel_names(), parse_attention_kernel, "attention kernel");
  if (auto k = f.find("moe_dispatcher"))
    s.moe_dispatcher = read_named(*k, moe_dispatcher_names(), parse_moe_dispatcher, "MoE dispatcher");
  s.tp_overlap_comm_sms = f.get_int("tp_overlap_comm_sms", s.tp_overlap_comm_sms, 0, 1024);
  s.tp_overlap_pipeline_splits = f.get_int("tp_overlap_pipeline_splits", s.tp_overlap_pipeline_splits, 1, 64);
  s.fused_elementwise = f.get_bool("fused_elementwise", s.fused_elementwise);
  s.cuda_graphs = f.get_bool("cuda_graphs", s.cuda_graphs);
  s.dp_overlap = f.get_bool("dp_overlap", s.dp_overlap);
  s.param_gather_overlap = f.get_bool("param_gather_overlap", s.param_gather_overlap);
  s.p2p_blocking = f.get_bool("p2p_blocking", s.p2p_blocking);
  // Capabilities, checked by name here so that a preset cannot declare a schedule or feature moeplan lacks.
  auto names = [](const YamlField& list, const std::vector<std::string>& valid, const std::string& what) {
    std::vector<std::pair<std::string, std::string>> table;
    for (const std::string& v : valid) table.emplace_back(v, v);
    std::vector<std::string> out;
    for (const YamlField& item : list.items("a list of " + what + " names")) out.push_back(item.as_enum<std::string>(table, what));
    return out;
  };
  if (auto k = f.find("schedules"))
    s.schedules = names(*k, {"gpipe", "1f1b", "interleaved", "zb-h1", "dualpipe", "dualpipev"}, "pipeline schedule");
  if (auto k = f.find("features")) s.features = names(*k, plan_feature_names(), "plan feature");
  if (auto src = f.find("sources")) {
    s.sources.clear();
    for (const YamlField& item : src->items("a list of citations")) s.sources.push_back(item.as_string("a citation"));
  }
  return s;
}

}  // namespace moeplan::io
