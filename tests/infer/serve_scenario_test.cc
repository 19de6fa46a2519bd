// Loading serving scenarios: the shipped DeepSeek scenario, defaults, overrides, and located errors.
#include <gtest/gtest.h>

#include <string>

#include "tests/infer/data_paths.h"
#include "sim/infer/serve_scenario.h"
#include "sim/io/catalog.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

const io::Catalog& catalog() {
  static const io::Catalog c = io::Catalog::load(test::data_path("scenarios/catalog"));
  return c;
}

const char* kMinimal = R"(model: deepseek-v3
cluster: {gpu: h800-sxm}
serving:
  prefill: {nodes: 4}
  decode: {nodes: 4, redundant_experts_per_gpu: 1, batch_per_gpu: 64}
arrivals:
  rate_per_s: 5
  prompt_tokens: {dist: lognormal, mean: 2000, sigma: 0.8}
  output_tokens: 300
)";

Error load_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    load_serve_scenario_text(yaml, "test.yaml", catalog(), overrides);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a user error";
  return Error(ErrorKind::kInternal, "none");
}

TEST(ServeScenario, DeepSeekDay6Deployment) {
  const ServeScenario s = load_serve_scenario(test::data_path("scenarios/deepseek-v3-serving-h800.yaml"), catalog());
  // Day 6 (published-numbers.md §5): prefill EP32 on 4 nodes, 9 routed experts per GPU; decode EP144 on
  // 18 nodes, 2 routed experts per GPU; 32 redundant experts in both.
  EXPECT_EQ(s.prefill.ep, 32);
  EXPECT_EQ((256 + s.prefill.redundant_experts) / s.prefill.ep, 9);
  EXPECT_EQ(s.decode.ep, 144);
  EXPECT_EQ((256 + s.decode.redundant_experts) / s.decode.ep, 2);
  EXPECT_EQ(s.decode.pipeline_stages, 5);
  EXPECT_EQ(s.decode.batch_per_gpu, 0);  // auto
  EXPECT_EQ(s.precision.dispatch, DType::kFp8);
  EXPECT_EQ(s.precision.combine, DType::kBf16);
  EXPECT_TRUE(s.mtp_enabled);
  EXPECT_DOUBLE_EQ(s.workload.input_tokens_per_day, 608e9);
  EXPECT_DOUBLE_EQ(s.workload.output_tokens_per_day, 168e9);
  EXPECT_DOUBLE_EQ(s.slo.tpot_s, 1.0 / 20.0);
  EXPECT_DOUBLE_EQ(s.usd_per_gpu_hour, 2.0);
  EXPECT_EQ(s.scale_up.name, "nvlink4-h800");  // from the GPU
  EXPECT_EQ(s.scale_out.name, "ib-ndr");
}

TEST(ServeScenario, DefaultsAndOverrides) {
  const ServeScenario s = load_serve_scenario_text(kMinimal, "test.yaml", catalog(), {"serving.prefill.ep=16"});
  EXPECT_EQ(s.prefill.attention_dp, 32);  // unit GPUs / tp
  EXPECT_EQ(s.prefill.ep, 16);
  EXPECT_EQ(s.prefill.comm_sms, 20);      // DeepSeek-V3 §3.5.1
  EXPECT_EQ(s.decode.comm_sms, 0);
  EXPECT_EQ(s.decode.batch_per_gpu, 64);
  EXPECT_EQ(s.decode.redundant_experts, 32);  // 1 per GPU x EP32
  EXPECT_EQ(s.arrivals.prompt_tokens.kind, LengthKind::kLognormal);
  EXPECT_DOUBLE_EQ(s.arrivals.output_tokens.mean, 300);
  EXPECT_DOUBLE_EQ(s.usd_per_gpu_hour, 2.0);  // catalog rental price of the H800
}

TEST(ServeScenario, UnknownKeyIsLocatedWithHint) {
  std::string yaml = kMinimal;
  yaml.replace(yaml.find("decode: {nodes: 4"), 17, "decode: {nodse: 4");
  const Error e = load_error(yaml);
  EXPECT_EQ(e.kind(), ErrorKind::kUser);
  EXPECT_EQ(e.context().file, "test.yaml");
  EXPECT_EQ(e.context().line, 5);
  EXPECT_GT(e.context().column, 0);
  EXPECT_EQ(e.context().key_path, "serving.decode.nodse");
  EXPECT_NE(e.context().hint.find("nodes"), std::string::npos) << e.what();
}

TEST(ServeScenario, UnevenExpertSlotsAreRejected) {
  // Both spellings of redundancy at once is ambiguous.
  const Error e = load_error(kMinimal, {"serving.decode.redundant_experts=32"});
  EXPECT_EQ(e.context().key_path, "serving.decode.redundant_experts_per_gpu");
  const Error f = load_error(kMinimal, {"serving.prefill.redundant_experts=5"});
  EXPECT_EQ(f.context().key_path, "serving.prefill.redundant_experts");
  EXPECT_NE(std::string(f.what()).find("288"), std::string::npos) << f.what();  // the hint cites Day 6
}

TEST(ServeScenario, TtftPercentileDefaultsToP90AndIsChecked) {
  EXPECT_DOUBLE_EQ(load_serve_scenario_text(kMinimal, "test.yaml", catalog()).slo.ttft_percentile, 0.9);
  const ServeScenario s =
      load_serve_scenario_text(kMinimal, "test.yaml", catalog(), {"slo.ttft=1 s", "slo.ttft_percentile=0.99"});
  EXPECT_DOUBLE_EQ(s.slo.ttft_s, 1.0);
  EXPECT_DOUBLE_EQ(s.slo.ttft_percentile, 0.99);
  const Error e = load_error(kMinimal, {"slo.ttft_percentile=90"});  // a fraction, not a percent
  EXPECT_EQ(e.context().key_path, "slo.ttft_percentile");
}

TEST(ServeScenario, BadUnitsAndMissingLoad) {
  EXPECT_EQ(load_error(kMinimal, {"slo.ttft=2 parsecs"}).context().key_path, "slo.ttft");
  std::string no_load = kMinimal;
  no_load = no_load.substr(0, no_load.find("arrivals:"));
  EXPECT_NE(std::string(load_error(no_load).what()).find("workload"), std::string::npos);
  EXPECT_EQ(load_error(kMinimal, {"serving.mtp.enabled=true", "model=mixtral-8x7b"}).kind(), ErrorKind::kUser);
}

TEST(ServeScenario, RecognisesServingFiles) {
  EXPECT_TRUE(is_serve_scenario_file(test::data_path("scenarios/deepseek-v3-serving-h800.yaml")));
  EXPECT_FALSE(is_serve_scenario_file(test::data_path("scenarios/deepseek-v3-h800.yaml")));
}

// `published:` figures: known metric names only (with a did-you-mean), positive values, a source.
TEST(ServeScenario, PublishedFiguresAreChecked) {
  const ServeScenario s = load_serve_scenario_text(
      std::string(kMinimal) + "published: [{metric: decode_tokens_per_s_per_node_day, value: 14.8K, source: x}]\n",
      "test.yaml", catalog());
  ASSERT_EQ(s.published.size(), 1u);
  EXPECT_DOUBLE_EQ(s.published[0].value, 14.8e3);
  const Error e = load_error(std::string(kMinimal) +
                             "published: [{metric: decode_tokens_per_node_day, value: 1, source: x}]\n");
  const std::string what = e.what();
  EXPECT_NE(what.find("test.yaml:10"), std::string::npos) << what;
  EXPECT_NE(what.find("decode_tokens_per_s_per_node_day"), std::string::npos) << what;
}

}  // namespace
}  // namespace moeplan
