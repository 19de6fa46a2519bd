// Reading the `constraints:` block (see constraints_yaml.h).
#include "sim/io/constraints_yaml.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sim/units/checked.h"

namespace moeplan::io {
namespace {

const std::vector<std::pair<std::string, PipelineSchedule>> kSchedules = {
    {"gpipe", PipelineSchedule::kGpipe},   {"1f1b", PipelineSchedule::k1F1B},
    {"interleaved", PipelineSchedule::kInterleaved1F1B}, {"zb-h1", PipelineSchedule::kZbH1},
    {"dualpipe", PipelineSchedule::kDualPipe}, {"dualpipev", PipelineSchedule::kDualPipeV}};

// "5%" or 0.05; a fraction in [0, 1).
double read_headroom(const YamlField& f) {
  const std::string text = f.as_string("a fraction such as 0.05 or 5%");
  const bool percent = !text.empty() && text.back() == '%';
  double v = -1;
  try {
    size_t used = 0;
    const std::string number = percent ? text.substr(0, text.size() - 1) : text;
    v = std::stod(number, &used);
    if (used != number.size()) v = -1;
  } catch (const std::exception&) {
    v = -1;
  }
  if (percent) v /= 100;
  if (!(v >= 0 && v < 1)) f.fail("bad headroom `" + text + "`", "a fraction in [0, 1) such as 0.05 or 5%");
  return v;
}

}  // namespace

PlanConstraints read_constraints(const YamlField& f) {
  f.require_map("{framework, schedules, features, max_tp, max_cp, max_pp, max_ep, fixed, min_headroom}");
  f.expect_keys({"framework", "schedules", "features", "max_tp", "max_cp", "max_pp", "max_ep", "fixed", "min_headroom"});
  PlanConstraints c;
  c.given = true;
  if (auto s = f.find("schedules"))
    for (const YamlField& item : s->items("a list of schedules such as [1f1b, interleaved]"))
      c.schedules.push_back(item.as_enum<PipelineSchedule>(kSchedules, "pipeline schedule"));
  if (auto s = f.find("features")) {
    c.features_given = true;
    std::vector<std::pair<std::string, PlanFeature>> table;
    for (const std::string& name : plan_feature_names()) {
      PlanFeature v{};
      parse_plan_feature(name, &v);
      table.emplace_back(name, v);
    }
    for (const YamlField& item : s->items("a list of features such as [tp-overlap, sequence-parallel]"))
      c.features.push_back(item.as_enum<PlanFeature>(table, "plan feature"));
  }
  c.max_tp = f.get_int("max_tp", 0, 1, kMaxGpus);
  c.max_cp = f.get_int("max_cp", 0, 1, kMaxGpus);
  c.max_pp = f.get_int("max_pp", 0, 1, kMaxGpus);
  c.max_ep = f.get_int("max_ep", 0, 1, kMaxGpus);
  if (auto x = f.find("fixed")) {
    x->require_map("{tp, cp, pp, ep, dp}");
    x->expect_keys({"tp", "cp", "pp", "ep", "dp"});
    c.fixed_tp = x->get_int("tp", 0, 1, kMaxGpus);
    c.fixed_cp = x->get_int("cp", 0, 1, kMaxGpus);
    c.fixed_pp = x->get_int("pp", 0, 1, kMaxGpus);
    c.fixed_ep = x->get_int("ep", 0, 1, kMaxGpus);
    c.fixed_dp = x->get_int("dp", 0, 1, kMaxGpus);
  }
  if (auto h = f.find("min_headroom")) c.min_headroom = read_headroom(*h);
  c.framework = f.get_string("framework", "");
  return c;
}

void apply_framework(PlanConstraints& c, const SoftwareSpec& preset, const YamlField& at) {
  if (!preset.declares_capabilities())
    at.fail("software preset `" + preset.name + "` declares no schedules or features to limit the plan search",
            "a preset with `schedules:` and `features:` in scenarios/catalog/software.yaml (megatron-core-2024, "
            "megatron-core-2025, deepseek-2024)");
  std::vector<PipelineSchedule> schedules;
  for (const std::string& name : preset.schedules)
    for (const auto& [n, v] : kSchedules)
      if (n == name && (c.schedules.empty() || std::find(c.schedules.begin(), c.schedules.end(), v) != c.schedules.end()))
        schedules.push_back(v);
  c.schedules = schedules;
  std::vector<PlanFeature> features;
  for (const std::string& name : preset.features) {
    PlanFeature f{};
    if (parse_plan_feature(name, &f) && c.allows(f)) features.push_back(f);
  }
  c.features_given = true;
  c.features = features;
}

}  // namespace moeplan::io
