// parallel.dp_sync: what loads, and each error with its location (file:line:column), key and hint.
#include <gtest/gtest.h>

#include <string>

#include "sim/io/scenario_loader.h"
#include "tests/io/scenario_text.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

using test::catalog;
using test::error_of;
using test::replace;

// DeepSeek-V3 (61 layers) on 2 sites of one node (dp_sync is costed across sites); `dp_sync` is appended to
// the parallel section (line 6 on).
std::string scenario(const std::string& dp_sync) {
  return "name: t\n"
         "model: deepseek-v3\n"
         "sites: [{name: a, gpu: h800-sxm, nodes: 1, scale_out: ib-ndr}, {name: b, gpu: h800-sxm, nodes: 1, scale_out: ib-ndr}]\n"
         "parallel:\n"
         "  dp: 16\n" +
         dp_sync +
         "training:\n"
         "  phases:\n"
         "    - {tokens: 1B, seq_len: 4096, global_batch: 64}\n"
         "wan: {default: {bandwidth: 100 Gbps}}\n";
}

TEST(DpSyncYaml, DefaultIsEveryStep) {
  const Scenario s = load_scenario_text(scenario(""), "t.yaml", catalog());
  EXPECT_EQ(s.parallel.dp_sync.method, DpSyncMethod::kEveryStep);
  EXPECT_EQ(std::string(to_string(s.parallel.dp_sync.method)), "every-step");
}

TEST(DpSyncYaml, DilocoWithInt8) {
  const Scenario s = load_scenario_text(
      scenario("  dp_sync: {method: diloco, inner_steps: 100, outer_bits: 8, token_overhead: 1.1,\n"
               "            token_overhead_source: \"assumed for the test\"}\n"),
      "t.yaml", catalog());
  const DpSyncSpec& d = s.parallel.dp_sync;
  EXPECT_EQ(d.method, DpSyncMethod::kDiloco);
  EXPECT_EQ(d.inner_steps, 100);
  EXPECT_EQ(d.outer_bits, 8);
  EXPECT_EQ(wire_bits(d), 8);
  ASSERT_TRUE(d.token_overhead.has_value());
  EXPECT_DOUBLE_EQ(*d.token_overhead, 1.1);
  EXPECT_EQ(d.token_overhead_source, "assumed for the test");
}

TEST(DpSyncYaml, StreamingByFragmentLayers) {
  const Scenario s = load_scenario_text(
      scenario("  dp_sync:\n    method: streaming-diloco\n    inner_steps: 100\n    fragment_layers: 3\n"
               "    overlap_steps: 1\n    outer_bits: 4\n    fragment_pattern: sequential\n"),
      "t.yaml", catalog());
  const DpSyncSpec& d = s.parallel.dp_sync;
  EXPECT_EQ(fragment_count(d, 61), 21);  // ceil(61 / 3)
  const auto layers = fragment_layers(d, 61);
  ASSERT_EQ(layers.size(), 21u);
  EXPECT_EQ(layers[0].size(), 3u);
  EXPECT_EQ(layers[0][0], 0);
  EXPECT_EQ(layers[20].back(), 60);
  EXPECT_EQ(d.fragment_pattern, FragmentPattern::kSequential);
}

TEST(DpSyncYaml, MethodAloneAndDemo) {
  EXPECT_EQ(load_scenario_text(scenario("  dp_sync: demo\n"), "t.yaml", catalog()).parallel.dp_sync.method,
            DpSyncMethod::kDemo);
  EXPECT_EQ(load_scenario_text(scenario("  dp_sync: {method: demo, demo_compression: 85}\n"), "t.yaml", catalog())
                .parallel.dp_sync.demo_compression,
            85.0);
}

TEST(DpSyncYaml, LocatedErrors) {
  EXPECT_EQ(error_of(scenario("  dp_sync: {method: dilocco, inner_steps: 10}\n")),
            "t.yaml:6:21: `parallel.dp_sync.method`: unknown dp_sync method `dilocco` (expected one of every-step, "
            "diloco, streaming-diloco, demo); did you mean `diloco`?");
  EXPECT_EQ(error_of(scenario("  dp_sync: {method: diloco, inner_step: 10}\n")),
            "t.yaml:6:29: `parallel.dp_sync.inner_step`: unknown key `inner_step` (expected one of method, "
            "inner_steps, fragments, fragment_layers, fragment_pattern, overlap_steps, outer_bits, demo_compression, "
            "token_overhead, token_overhead_source); did you mean `inner_steps`?");
  EXPECT_EQ(error_of(scenario("  dp_sync: diloco\n")),
            "t.yaml:6:12: `parallel.dp_sync`: diloco needs its inner steps H (expected a mapping such as "
            "{method: diloco, inner_steps: 100})");
  const std::string no_h = error_of(scenario("  dp_sync: {method: diloco}\n"));
  EXPECT_NE(no_h.find("t.yaml:6:"), std::string::npos) << no_h;
  EXPECT_NE(no_h.find("inner_steps"), std::string::npos) << no_h;
}

TEST(DpSyncYaml, ValidationErrorsNameTheKey) {
  // Each message starts at the line of the offending key and names it.
  auto expect = [](const std::string& dp_sync, const std::string& where, const std::string& what) {
    const std::string e = error_of(scenario(dp_sync));
    EXPECT_EQ(e.rfind(where, 0), 0u) << e;
    EXPECT_NE(e.find(what), std::string::npos) << e;
  };
  expect("  dp_sync: {method: diloco, inner_steps: 0}\n", "t.yaml:6:",
         "`parallel.dp_sync.inner_steps`: must be >= 1");
  expect("  dp_sync:\n    method: diloco\n    inner_steps: 10\n    outer_bits: 6\n", "t.yaml:9:",
         "`parallel.dp_sync.outer_bits`: must be 32, 16, 8 or 4 bits, got 6");
  expect("  dp_sync:\n    method: diloco\n    inner_steps: 10\n    overlap_steps: 1\n", "t.yaml:9:",
         "overlapping the outer sync is a streaming-diloco setting");
  expect("  dp_sync:\n    method: demo\n    inner_steps: 10\n", "t.yaml:8:",
         "demo synchronises every step: inner_steps must be 1");
  expect("  dp_sync:\n    method: streaming-diloco\n    inner_steps: 10\n    fragments: 62\n", "t.yaml:9:",
         "`parallel.dp_sync.fragments`: 62 fragments cannot split the model's 61 layers");
  expect("  dp_sync:\n    method: streaming-diloco\n    inner_steps: 10\n    fragments: 4\n    overlap_steps: 10\n",
         "t.yaml:10:", "tau = 10 must be between 0 and inner_steps - 1 (9)");
  expect("  dp_sync:\n    method: streaming-diloco\n    inner_steps: 10\n    fragments: 4\n    fragment_layers: 3\n",
         "t.yaml:10:", "give fragments or fragment_layers, not both");
  expect("  dp_sync:\n    method: streaming-diloco\n    inner_steps: 10\n", "t.yaml:7:", "fragment_layers");
  expect("  dp_sync:\n    method: diloco\n    inner_steps: 10\n    token_overhead: 1.2\n", "t.yaml:9:",
         "a token_overhead needs its source");
  expect("  dp_sync:\n    method: diloco\n    inner_steps: 10\n    demo_compression: 100\n", "t.yaml:9:",
         "demo_compression is a demo setting, not diloco");
}

TEST(DpSyncYaml, PhaseOverrideIsValidatedAtThePhase) {
  std::string yaml = scenario("");
  yaml.replace(yaml.find("    - {tokens"), std::string::npos,
               "    - {tokens: 1B, seq_len: 4096, global_batch: 64,\n"
               "       parallel: {dp_sync: {method: diloco, inner_steps: 0}}}\n");
  const std::string e = error_of(yaml);
  EXPECT_NE(e.find("training.phases[0].parallel.dp_sync.inner_steps"), std::string::npos) << e;
}

}  // namespace
}  // namespace moeplan::io
