// A day of load: the fleet per hour under each policy against closed-form node-hours, and the `load:`
// section's located errors.
#include <gtest/gtest.h>

#include <string>

#include "tests/infer/data_paths.h"
#include "sim/infer/daily_fleet.h"
#include "sim/infer/serve_scenario.h"
#include "sim/io/catalog.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

// 1000 input tokens/s and 100 output tokens/s on average; prefill units of 4 nodes at 100 tokens/s per
// node, decode units of 2 nodes at 10 tokens/s per node; half the day at 0.5x, half at 1.5x.
ServeScenario two_level_day() {
  ServeScenario s;
  s.gpus_per_node = 8;
  s.usd_per_gpu_hour = 2.0;
  s.prefill.nodes = 4;
  s.decode.nodes = 2;
  s.workload.enabled = true;
  s.workload.input_tokens_per_day = 1000.0 * 86400;
  s.workload.output_tokens_per_day = 100.0 * 86400;
  s.load.enabled = true;
  for (int h = 0; h < 24; ++h) s.load.hourly.push_back(h < 12 ? 0.5 : 1.5);
  return s;
}

TEST(DailyFleet, AutoscaledFollowsTheLoadInWholeUnits) {
  const DayResult d = plan_day(two_level_day(), 100.0, 10.0);
  ASSERT_TRUE(d.evaluated);
  // 0.5x: prefill 5 -> 8 nodes, decode 5 -> 6; 1.5x: prefill 15 -> 16, decode 15 -> 16.
  EXPECT_DOUBLE_EQ(d.avg_prefill_nodes, 12.0);
  EXPECT_DOUBLE_EQ(d.avg_decode_nodes, 11.0);
  EXPECT_DOUBLE_EQ(d.avg_nodes, 23.0);
  EXPECT_DOUBLE_EQ(d.peak_nodes, 32.0);
  // The day's tokens over its node-seconds.
  EXPECT_NEAR(d.prefill_tokens_per_s_per_node, 1000.0 / 12.0, 1e-9);
  EXPECT_NEAR(d.decode_tokens_per_s_per_node, 100.0 / 11.0, 1e-9);
  EXPECT_NEAR(d.usd_per_day, 23.0 * 24 * 8 * 2.0, 1e-6);
  EXPECT_NEAR(d.usd_per_m_output, d.usd_per_day / (100.0 * 86400) * 1e6, 1e-9);
  EXPECT_NEAR(d.usd_per_m_tokens, d.usd_per_day / (1100.0 * 86400) * 1e6, 1e-9);
  EXPECT_EQ(d.hours_over_capacity, 0);
}

TEST(DailyFleet, ScaleUpDelayPaysTheLeadTimeOfEachRise) {
  ServeScenario s = two_level_day();
  s.load.scale_up_delay_s = 1800;
  const DayResult d = plan_day(s, 100.0, 10.0);
  // One rise a day (hour 11 -> 12): 8 prefill and 10 decode nodes started half an hour early.
  EXPECT_NEAR(d.avg_prefill_nodes, 12.0 + 8 * 0.5 / 24, 1e-12);
  EXPECT_NEAR(d.avg_decode_nodes, 11.0 + 10 * 0.5 / 24, 1e-12);
}

TEST(DailyFleet, FixedFleetRunsThePeakAllDay) {
  ServeScenario s = two_level_day();
  s.load.policy = FleetPolicy::kFixed;
  s.load.scale_up_delay_s = 1800;  // nothing is added during the day, so no lead time is paid
  const DayResult d = plan_day(s, 100.0, 10.0);
  EXPECT_EQ(d.policy, "fixed");
  EXPECT_DOUBLE_EQ(d.avg_nodes, 32.0);
  EXPECT_DOUBLE_EQ(d.peak_nodes, 32.0);
  EXPECT_NEAR(d.decode_tokens_per_s_per_node, 100.0 / 16.0, 1e-9);
}

TEST(DailyFleet, NodeCapAndFloor) {
  ServeScenario s = two_level_day();
  s.load.max_nodes = 24;
  s.load.min_nodes = 20;
  const DayResult d = plan_day(s, 100.0, 10.0);
  // Peak hours need 32 > 24: prefill 16 x 0.75 -> 12, decode (24 - 12) -> 12 nodes, carrying 80 %.
  EXPECT_EQ(d.hours_over_capacity, 12);
  EXPECT_DOUBLE_EQ(d.hours[12].prefill_nodes, 12.0);
  EXPECT_DOUBLE_EQ(d.hours[12].decode_nodes, 12.0);
  EXPECT_NEAR(d.hours[12].carried, 0.8, 1e-12);
  // Off-peak hours need 14 < 20: the decode pool is padded to the floor.
  EXPECT_DOUBLE_EQ(d.hours[0].prefill_nodes + d.hours[0].decode_nodes, 20.0);
  EXPECT_DOUBLE_EQ(d.peak_nodes, 24.0);
}

TEST(DailyFleet, TtftObjectiveSetsAnHoursPrefillPoolWhenItNeedsMore) {
  // Say the TTFT objective needs 3 prefill units at any load: off-peak hours need only 2 by throughput
  // (0.5x: 5 -> 8 nodes), so they run 3 units (12 nodes); the peak hours' throughput needs 4 units (16 nodes).
  std::vector<double> asked;
  const DayResult d = plan_day(two_level_day(), 100.0, 10.0, [&](double m) {
    asked.push_back(m);
    return 3;
  });
  EXPECT_EQ(asked.size(), 24u);
  EXPECT_DOUBLE_EQ(asked[0], 0.5);
  EXPECT_DOUBLE_EQ(d.hours[0].prefill_nodes, 12.0);
  EXPECT_DOUBLE_EQ(d.hours[12].prefill_nodes, 16.0);
  EXPECT_DOUBLE_EQ(d.avg_prefill_nodes, 14.0);
}

TEST(DailyFleet, FlatDayWithoutAProfileIsTheRoundedPools) {
  ServeScenario s = two_level_day();
  s.load = LoadProfile{};
  const DayResult d = plan_day(s, 100.0, 10.0);
  EXPECT_DOUBLE_EQ(d.avg_prefill_nodes, 12.0);  // 10 -> 12
  EXPECT_DOUBLE_EQ(d.avg_decode_nodes, 10.0);
}

const io::Catalog& catalog() {
  static const io::Catalog c = io::Catalog::load(test::data_path("scenarios/catalog"));
  return c;
}

std::string scenario_with(const std::string& extra) {
  return R"(model: deepseek-v3
cluster: {gpu: h800-sxm}
serving:
  prefill: {nodes: 4}
  decode: {nodes: 18, redundant_experts: 32}
workload: {input_tokens_per_day: 608B, output_tokens_per_day: 168B, avg_kv_len: 4989, cache_hit_fraction: 0.5}
)" + extra;
}

std::string load_error(const std::string& yaml) {
  try {
    load_serve_scenario_text(yaml, "day.yaml", catalog());
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a user error";
  return "";
}

TEST(DailyFleet, LoadSectionReadsAndSetsThePeak) {
  const ServeScenario s = load_serve_scenario_text(
      scenario_with("load: {profile: [1,1,1,1,1,1,1,1,1,1,1,1,3,3,3,3,3,3,3,3,3,3,3,3], policy: autoscaled, "
                    "scale_up_delay: 20 min, max_nodes: 300}\n"),
      "day.yaml", catalog());
  ASSERT_TRUE(s.load.enabled);
  EXPECT_DOUBLE_EQ(s.load.hourly[0], 0.5);
  EXPECT_DOUBLE_EQ(s.load.hourly[23], 1.5);
  EXPECT_DOUBLE_EQ(s.workload.peak_to_average, 1.5);  // pools and latency are sized at the peak hour
  EXPECT_DOUBLE_EQ(s.load.scale_up_delay_s, 1200);
  EXPECT_EQ(s.load.max_nodes, 300);
}

TEST(DailyFleet, LoadSectionErrorsAreLocated) {
  const std::string short_day = load_error(scenario_with("load: {profile: [1, 2, 3]}\n"));
  EXPECT_NE(short_day.find("day.yaml:7"), std::string::npos) << short_day;
  EXPECT_NE(short_day.find("24"), std::string::npos) << short_day;
  const std::string policy = load_error(scenario_with("load: {profile: flat, policy: autoscale}\n"));
  EXPECT_NE(policy.find("autoscaled"), std::string::npos) << policy;  // did you mean
  std::string with_peak = scenario_with("load: {profile: flat}\n");
  with_peak.replace(with_peak.find("cache_hit_fraction: 0.5"), 23, "cache_hit_fraction: 0.5, peak_to_average: 1.4");
  const std::string both = load_error(with_peak);
  EXPECT_NE(both.find("peak_to_average"), std::string::npos) << both;
  const std::string caps = load_error(scenario_with("load: {profile: flat, min_nodes: 10, max_nodes: 5}\n"));
  EXPECT_NE(caps.find("max_nodes"), std::string::npos) << caps;
}

}  // namespace
}  // namespace moeplan
