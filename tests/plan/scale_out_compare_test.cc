// `compare:` options side by side: each option is the scenario with its overrides, run end to end; the figures
// hold their invariants (no WAN traffic on one site, egress = WAN bytes x price, DiLoCo sends less than
// every-step DP, "at equal quality" = raw x token overhead); a broken option is an error at its line.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sim/calib/profile_calibration.h"
#include "sim/io/scenario_loader.h"
#include "sim/plan/scale_out_compare.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

const char* kScenario = R"(name: two-sites
model: llama-3.1-8b
sites:
  - {name: a, gpu: h100-sxm, nodes: 1, scale_out: ib-ndr, price: "$2/h"}
  - {name: b, gpu: h100-sxm, nodes: 1, scale_out: ib-ndr, price: "$2/h"}
wan:
  default: {bandwidth: 10 Gbps, latency: 10 ms, egress_usd_per_gb: 0.02}
parallel: {tp: 1, pp: 1, dp: 16, zero: 1, micro_batch: 2, schedule: 1f1b, recompute: full}
precision: bf16
training:
  phases:
    - {name: pre-training, tokens: 10B, seq_len: 8192, global_batch: 512}
failures: {enabled: false}
compare:
  - name: one cluster
    set:
      sites: [{name: one, gpu: h100-sxm, nodes: 2, scale_out: ib-ndr, price: "$2/h"}]
  - name: every-step
  - name: diloco
    set:
      parallel.dp_sync: {method: diloco, inner_steps: 100}
)";

std::string write_temp(const std::string& text, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(ScaleOutCompare, OptionsSideBySide) {
  const io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  const std::string path = write_temp(kScenario, "moeplan_scale_out_compare_test.yaml");
  const ScaleOutComparison c = compare_scale_out(
      path, catalog,
      [](const Scenario& s) {
        return load_calibration(scenario_profile_path(s.calibration, s.file, s.cluster.gpu, "calibrate/profiles"),
                                s.cluster.gpu);
      },
      {});
  ASSERT_EQ(c.options.size(), 3u);
  for (const ScaleOutOption& o : c.options)
    std::printf("%-12s step %.3f s, CU %.3f, GPU-h %.2f, $ %.2f, WAN %.3e B, egress $%.2f, overhead %.3f\n",
                o.name.c_str(), o.step_time_s, o.compute_utilisation, o.gpu_hours, o.usd, o.wan_bytes, o.egress_usd,
                o.token_overhead);
  const ScaleOutOption& one = c.options[0];
  const ScaleOutOption& every = c.options[1];
  const ScaleOutOption& diloco = c.options[2];
  EXPECT_EQ(one.name, "one cluster");
  EXPECT_EQ(one.sites, 1);
  EXPECT_DOUBLE_EQ(one.wan_bytes, 0);
  EXPECT_DOUBLE_EQ(one.egress_usd, 0);
  EXPECT_DOUBLE_EQ(one.compute_utilisation, 1);
  // Egress = WAN bytes x $0.02/GB on every link.
  EXPECT_NEAR(every.egress_usd, every.wan_bytes / 1e9 * 0.02, 1e-9 * every.egress_usd);
  EXPECT_NEAR(diloco.egress_usd, diloco.wan_bytes / 1e9 * 0.02, 1e-9 * diloco.egress_usd);
  // DiLoCo sends once every 100 steps, in bf16, what every-step DP sends each step in the gradient dtype.
  EXPECT_LT(diloco.wan_bytes, every.wan_bytes / 100);
  EXPECT_GT(diloco.compute_utilisation, every.compute_utilisation);
  // The token overhead is 1 for synchronous DP and scales GPU-hours and dollars for DiLoCo.
  EXPECT_DOUBLE_EQ(every.token_overhead, 1);
  EXPECT_GT(diloco.token_overhead, 1);
  EXPECT_FALSE(diloco.token_overhead_source.empty());
  EXPECT_NEAR(diloco.gpu_hours_equal_quality, diloco.gpu_hours * diloco.token_overhead, 1e-9 * diloco.gpu_hours);
  EXPECT_NEAR(diloco.usd_equal_quality, diloco.usd * diloco.token_overhead, 1e-9 * diloco.usd);
  // $ = GPU-hours x $2 + egress.
  EXPECT_NEAR(every.usd, every.gpu_hours * 2 + every.egress_usd, 1e-9 * every.usd);
}

TEST(ScaleOutCompare, BrokenOptionIsLocated) {
  const io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  std::string text = kScenario;
  text.replace(text.find("inner_steps: 100"), 16, "inner_steps: 0");
  try {
    io::load_scenario_text(text, "t.yaml", catalog);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    const std::string m = e.what();
    std::printf("%s\n", m.c_str());
    EXPECT_EQ(m.rfind("t.yaml:19:", 0), 0u) << m;  // the option's line
    EXPECT_NE(m.find("comparison option `diloco`"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace moeplan
