// Reading SoftwareSpec fields (see software_yaml.h and docs/scenario-format.md, "software").
#include "sim/io/software_yaml.h"

#include <utility>

namespace moeplan::io {

SoftwareSpec read_software_fields(const YamlField& f, const SoftwareSpec& base,
                                  const std::vector<std::string>& extra_keys) {
  f.require_map(
      "{attention_kernel, fused_elementwise, cuda_graphs, dp_overlap, param_gather_overlap, p2p_blocking, "
      "moe_dispatcher}");
  std::vector<std::string> keys = {"attention_kernel",     "fused_elementwise", "cuda_graphs",    "dp_overlap",
                                   "param_gather_overlap", "p2p_blocking",      "moe_dispatcher", "sources",
                                   "description"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  f.expect_keys(keys);
  SoftwareSpec s = base;
  if (auto k = f.find("attention_kernel")) {
    std::vector<std::pair<std::string, AttentionKernel>> names;
    for (const std::string& n : attention_kernel_names()) {
      AttentionKernel kernel{};
      parse_attention_kernel(n, &kernel);
      names.emplace_back(n, kernel);
    }
    s.attention_kernel = k->as_enum<AttentionKernel>(names, "attention kernel");
  }
  if (auto k = f.find("moe_dispatcher")) {
    std::vector<std::pair<std::string, MoeDispatcher>> names;
    for (const std::string& n : moe_dispatcher_names()) {
      MoeDispatcher d{};
      parse_moe_dispatcher(n, &d);
      names.emplace_back(n, d);
    }
    s.moe_dispatcher = k->as_enum<MoeDispatcher>(names, "MoE dispatcher");
  }
  s.fused_elementwise = f.get_bool("fused_elementwise", s.fused_elementwise);
  s.cuda_graphs = f.get_bool("cuda_graphs", s.cuda_graphs);
  s.dp_overlap = f.get_bool("dp_overlap", s.dp_overlap);
  s.param_gather_overlap = f.get_bool("param_gather_overlap", s.param_gather_overlap);
  s.p2p_blocking = f.get_bool("p2p_blocking", s.p2p_blocking);
  if (auto src = f.find("sources")) {
    s.sources.clear();
    for (const YamlField& item : src->items("a list of citations")) s.sources.push_back(item.as_string("a citation"));
  }
  return s;
}

}  // namespace moeplan::io
