// `serve --plan`: the layout search per GPU on the Day-6 scenario. The search space holds the scenario's
// own layout, so the winner is never dearer per token than it; every GPU gets a layout and its limits; and
// the search is quick enough for the command line.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "tests/infer/data_paths.h"
#include "sim/infer/serve_plan.h"
#include "sim/infer/serve_plan_report.h"
#include "sim/infer/serving_run.h"
#include "sim/io/catalog.h"

namespace moeplan {
namespace {

TEST(ServePlan, DeepSeekDay6LayoutsPerGpu) {
  const io::Catalog catalog = io::Catalog::load(test::data_path("scenarios/catalog"));
  const ServeScenario s = load_serve_scenario(test::data_path("scenarios/deepseek-v3-serving-h800.yaml"), catalog);
  const std::string profiles = test::data_path("calibrate/profiles");
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<GpuPlan> plans = plan_serving(s, profiles);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s(search took %.2f s)\n", render_serve_plan_text(plans).c_str(), seconds);
  EXPECT_LT(seconds, 30.0);  // the bound for 2 cores
  // One row per GPU, then a mixed row when different GPUs win the two pools.
  ASSERT_GE(plans.size(), 1 + s.compare_gpus.size());
  ASSERT_LE(plans.size(), 2 + s.compare_gpus.size());
  EXPECT_EQ(plans[0].gpu, "h800-sxm");
  for (const GpuPlan& g : plans) {
    ASSERT_TRUE(g.feasible) << g.gpu << ": " << g.reason;
    if (!g.mixed) EXPECT_GT(g.layouts_tried, 8) << g.gpu;
    EXPECT_FALSE(g.decode_batch_limited_by.empty());
    EXPECT_FALSE(g.decode_step_bound_by.empty());
    EXPECT_FALSE(g.prefill_step_bound_by.empty());
    // The objective holds: 20 tokens/s per request.
    EXPECT_LE(g.decode_tpot_s, 1.0 / 20 + 1e-12) << g.gpu;
  }
  // The scenario's own layout is in the search space: the winner costs no more per output token.
  ServeScenario own = s;
  own.compare_gpus.clear();
  own.compare_scale_up.clear();
  const ServeResult r = run_serving(own, profiles);
  std::printf("h800 $/M output: searched %.4f, Day-6 layout %.4f\n", plans[0].usd_per_m_output, r.cost.usd_per_m_output);
  EXPECT_LE(plans[0].usd_per_m_output, r.cost.usd_per_m_output * (1 + 1e-9));
  EXPECT_NE(render_serve_plan_json(plans).find("\"decode_step_bound_by\""), std::string::npos);

  // The mixed row pairs the cheapest prefill GPU with the cheapest decode GPU on their own layouts; costed
  // together, each pool's $ per token stays its winner's (the KV handoff may move it a little).
  if (plans.size() == 2 + s.compare_gpus.size()) {
    const GpuPlan& mix = plans.back();
    ASSERT_TRUE(mix.mixed);
    ASSERT_TRUE(mix.feasible) << mix.reason;
    const GpuPlan* best_in = nullptr;
    const GpuPlan* best_out = nullptr;
    for (std::size_t i = 0; i + 1 < plans.size(); ++i) {
      const GpuPlan& g = plans[i];
      if (!g.priced) continue;
      if (!best_in || g.usd_per_m_input_miss < best_in->usd_per_m_input_miss) best_in = &g;
      if (!best_out || g.usd_per_m_output < best_out->usd_per_m_output) best_out = &g;
    }
    ASSERT_NE(best_in, best_out);
    EXPECT_EQ(mix.gpu, best_in->gpu + "+" + best_out->gpu);
    EXPECT_EQ(mix.prefill.unit_nodes, best_in->prefill.unit_nodes);
    EXPECT_EQ(mix.decode.unit_nodes, best_out->decode.unit_nodes);
    EXPECT_NEAR(mix.usd_per_m_output, best_out->usd_per_m_output, 0.02 * best_out->usd_per_m_output);
    EXPECT_NEAR(mix.usd_per_m_input_miss, best_in->usd_per_m_input_miss, 0.02 * best_in->usd_per_m_input_miss);
  }
}

}  // namespace
}  // namespace moeplan
