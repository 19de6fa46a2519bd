// Reading a validation scenario's `validation:` block (see validation_yaml.h).
#include "sim/io/validation_yaml.h"

#include "sim/io/scenario_loader.h"
#include "sim/io/yaml_reader.h"

namespace moeplan::io {

ValidationCase load_validation_case(const std::string& path, const Catalog& catalog) {
  ValidationCase c;
  c.file = path;
  c.scenario = load_scenario(path, catalog);
  YamlSource source(path);
  YamlField root(load_yaml_file(path), "", &source);
  const YamlField v = root.at("validation", "{source, year, metric, published, flops_convention, notes}");
  v.require_map("{source, year, metric, published, flops_convention, notes}");
  v.expect_keys({"source", "year", "metric", "published", "flops_convention", "notes"});
  ValidationSpec& s = c.spec;
  s.source = v.at("source", "a citation of the published figure").as_string("a citation");
  s.year = v.get_int("year", 0);
  s.metric = v.at("metric", "the metric").as_enum<ValidationMetric>(
      {{"tflops_per_gpu", ValidationMetric::kTflopsPerGpu},
       {"tokens_per_s_per_gpu", ValidationMetric::kTokensPerSPerGpu},
       {"step_time_s", ValidationMetric::kStepTimeS},
       {"mfu", ValidationMetric::kMfu},
       {"gpu_hours_per_1t_tokens", ValidationMetric::kGpuHoursPer1TTokens}},
      "validation metric");
  const YamlField published = v.at("published", "the published value, a positive number");
  s.published = published.as_double("a positive number");
  if (!(s.published > 0)) published.fail("the published value must be positive", "a positive number");
  if (auto conv = v.find("flops_convention")) {
    s.convention = conv->as_enum<FlopsConvention>(
        {{"megatron-2021", FlopsConvention::kMegatron2021},
         {"megatron-2022", FlopsConvention::kMegatron2022},
         {"palm", FlopsConvention::kPalm},
         {"moeplan-causal", FlopsConvention::kMoeplanCausal},
         {"moeplan-noncausal", FlopsConvention::kMoeplanNoncausal},
         {"nemo", FlopsConvention::kMoeplanNoncausal},
         {"deepseek", FlopsConvention::kMoeplanCausal}},
        "FLOPs convention");
  }
  const bool needs_flops = s.metric == ValidationMetric::kTflopsPerGpu || s.metric == ValidationMetric::kMfu;
  if (needs_flops && s.convention == FlopsConvention::kNone)
    v.at("flops_convention", "how the source counts FLOPs: megatron-2021, megatron-2022, palm, nemo, deepseek, "
                             "moeplan-causal or moeplan-noncausal");
  s.notes = v.get_string("notes", "");
  return c;
}

}  // namespace moeplan::io
