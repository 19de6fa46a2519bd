// Compare: the same DeepSeek-V3 pre-training on H800, H100 and RTX 4090 clusters of 2048 GPUs. The grid is
// narrowed to DeepSeek's own layout family to keep the test fast; the links come from each GPU's class.
#include "sim/plan/compare.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "reports/plan_report.h"
#include "sim/calib/profile_calibration.h"
#include "sim/io/scenario_loader.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

struct Fixture : ::testing::Test {
  io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  Scenario s = io::load_scenario("scenarios/deepseek-v3-h800.yaml", catalog);
  CalibrationFactory calib = [](const Scenario& g) {
    return load_calibration(default_profile_path(g.cluster.gpu, "calibrate/profiles"), g.cluster.gpu);
  };
  CompareOptions narrow() const {
    CompareOptions o;
    o.search.tp_values = {1};
    o.search.pp_values = {8, 16};
    o.search.zero_stages = {1};
    o.search.micro_batches = {1};
    o.search.schedules = {PipelineSchedule::kDualPipe};
    o.search.recompute = {RecomputePolicy::kSelective};
    o.search.des_rerank = 0;
    o.search.top_n = 1;
    return o;
  }
};

// Every catalog GPU on a 16-GPU Llama-3.1-8B run (scenarios/small-dense.yaml): each gets a plan it can run
// (its own links, P2P off on GeForce, no TP overlap there), a cost or "no price" (never $0), and an energy
// figure that does not depend on the price.
TEST_F(Fixture, EveryCatalogGpuGetsARunnablePricedRow) {
  const Scenario small = io::load_scenario("scenarios/small-dense.yaml", catalog);
  CompareOptions o;
  o.search.des_rerank = 0;
  o.search.top_n = 1;
  o.search.threads = 2;
  o.gpus = catalog.gpu_names();
  const CompareResult r = compare_gpus(small, catalog, calib, o);
  std::printf("%s", reports::render_compare_text(r).c_str());
  ASSERT_EQ(r.entries.size(), o.gpus.size());
  for (const CompareEntry& e : r.entries) {
    SCOPED_TRACE(e.gpu);
    ASSERT_TRUE(e.feasible) << e.infeasible_reason;
    EXPECT_GT(e.best.energy_mwh, 0);
    if (e.best.has_price) EXPECT_GT(e.best.cost_usd, 0);
    else EXPECT_LE(e.usd_per_gpu_hour, 0);
    if (!e.p2p) EXPECT_FALSE(e.best.plan.tp_comm_overlap);
    Scenario g = scenario_for_gpu(small, catalog, e.gpu, nullptr);
    g.parallel = e.best.plan;
    g.training.phases.front().parallel = e.best.plan;
    EXPECT_NO_THROW(validate(g));
  }
}

TEST_F(Fixture, LinksFollowTheGpuClass) {
  std::vector<std::string> notes;
  const Scenario h100 = scenario_for_gpu(s, catalog, "h100-sxm", &notes);
  EXPECT_EQ(h100.cluster.scale_up.name, "nvlink4");      // not the H800's cut-down NVLink
  EXPECT_EQ(h100.cluster.scale_out.name, "ib-ndr");      // data-centre parts keep the scenario's fabric
  EXPECT_DOUBLE_EQ(h100.price.usd_per_gpu_hour, catalog.gpu("h100-sxm").rental.usd_per_gpu_hour);
  const Scenario h800 = scenario_for_gpu(s, catalog, "h800-sxm", &notes);
  EXPECT_EQ(h800.cluster.scale_up.name, "nvlink4-h800");
  EXPECT_DOUBLE_EQ(h800.price.usd_per_gpu_hour, 2.0);    // the scenario's own price (DeepSeek-V3 Table 1)
  const Scenario g4090 = scenario_for_gpu(s, catalog, "rtx-4090", &notes);
  EXPECT_EQ(g4090.cluster.scale_up.kind, FabricKind::kPcie);
  EXPECT_EQ(g4090.cluster.scale_out.name, "eth-100g");
  EXPECT_FALSE(g4090.cluster.p2p);
  EXPECT_EQ(g4090.cluster.nics_per_node, 1);
}

TEST_F(Fixture, DeepSeekLayoutOnH800H100And4090) {
  CompareOptions o = narrow();
  o.search.des_rerank = 1;  // the winner is re-timed on the event engine, which routes dispatch over NVLink
  o.gpus = {"h800-sxm", "h100-sxm", "rtx-4090"};
  const CompareResult r = compare_gpus(s, catalog, calib, o);
  std::printf("%s", reports::render_compare_text(r).c_str());
  ASSERT_EQ(r.entries.size(), 3u);
  const CompareEntry& h800 = r.entries[0];
  const CompareEntry& h100 = r.entries[1];
  const CompareEntry& g4090 = r.entries[2];
  ASSERT_TRUE(h800.feasible) << h800.infeasible_reason;
  ASSERT_TRUE(h100.feasible) << h100.infeasible_reason;
  // Same die, compute peaks, memory and HBM bandwidth (catalog); only NVLink differs (200 vs 450 GB/s per
  // direction), so with the same kernels the H100 step is never slower. DeepSeek's layout is built to be
  // IB-bound (node-limited routing, TP1: DeepSeek-V3 §3.2.2), so here the two come out equal; the next test
  // separates them. The H800 profile holds FlashMLA rates only, so it answers any attention request with them;
  // the H100 profile has the older generations too. Where the attention kernel the ops ask for resolves to
  // different generations on the two profiles, the GPUs run different kernels and the bound does not apply.
  AttentionQuery q;
  q.kernel = OpContext{}.attention_kernel;
  q.seq_len = 4096;
  q.head_dim = 192;  // DeepSeek-V3 MLA QK head dim (128 + 64)
  auto kernel_on = [&](const char* gpu) {
    return calib(scenario_for_gpu(s, catalog, gpu, nullptr))->attention_rate(q).kernel_used;
  };
  const AttentionKernel on_h800 = kernel_on("h800-sxm");
  const AttentionKernel on_h100 = kernel_on("h100-sxm");
  if (on_h800 == on_h100) {
    EXPECT_LE(h100.best.step_time_s, h800.best.step_time_s * (1 + 1e-9));
  } else {
    std::printf("attention asked as %s runs %s on the H800 profile, %s on the H100 profile: no same-kernel bound\n",
                to_string(q.kernel), to_string(on_h800), to_string(on_h100));
  }
  std::printf("H800 %.3f s, H100 %.3f s per step (%.2f%% faster)\n", h800.best.step_time_s, h100.best.step_time_s,
              100 * (1 - h100.best.step_time_s / h800.best.step_time_s));
  // 24 GB cards cannot hold this layout family; the reason quotes the need and the capacity.
  EXPECT_FALSE(g4090.feasible);
  EXPECT_NE(g4090.infeasible_reason.find("rtx-4090 has"), std::string::npos) << g4090.infeasible_reason;
  EXPECT_NE(g4090.infeasible_reason.find("per GPU at best"), std::string::npos) << g4090.infeasible_reason;

  const auto j = nlohmann::json::parse(reports::render_compare_json(r));
  ASSERT_EQ(j["gpus"].size(), 3u);
  EXPECT_NEAR(j["gpus"][0]["gpu_hours"].get<double>(), h800.best.gpu_hours, 1e-6 * h800.best.gpu_hours);
  EXPECT_NEAR(j["gpus"][0]["cost_usd"].get<double>(), h800.best.gpu_hours * 2.0, 1e-6 * h800.best.cost_usd);
  EXPECT_TRUE(j["gpus"][1].contains("plan"));
  EXPECT_TRUE(j["gpus"][1].contains("days"));
  EXPECT_FALSE(j["gpus"][2]["feasible"].get<bool>());
  EXPECT_TRUE(j["gpus"][2].contains("infeasible_reason"));
}

// Every catalog GPU on the same training: none shows $0 (a GPU with no rental quote says "no price" and the
// cost objective never ranks it), and energy never depends on a price (every feasible entry has MWh > 0).
TEST_F(Fixture, EveryCatalogGpuHasAPriceOrSaysNoPriceAndAlwaysEnergy) {
  CompareOptions o = narrow();
  o.search.objective = PlanObjective::kCost;
  o.gpus = catalog.gpu_names();
  const CompareResult r = compare_gpus(s, catalog, calib, o);
  const std::string text = reports::render_compare_text(r);
  std::printf("%s", text.c_str());
  EXPECT_EQ(text.find("$0.00"), std::string::npos);
  const auto j = nlohmann::json::parse(reports::render_compare_json(r));
  int feasible = 0, unpriced = 0;
  for (size_t i = 0; i < r.entries.size(); ++i) {
    const CompareEntry& e = r.entries[i];
    const bool catalog_price = catalog.gpu(e.gpu).rental.usd_per_gpu_hour > 0;
    EXPECT_EQ(e.usd_per_gpu_hour > 0, catalog_price || e.gpu == s.cluster.gpu.name) << e.gpu;
    if (!e.feasible) continue;
    ++feasible;
    EXPECT_GT(e.best.energy_mwh, 0) << e.gpu;
    EXPECT_GT(j["gpus"][i]["energy_mwh"].get<double>(), 0) << e.gpu;
    EXPECT_EQ(e.best.has_price, e.usd_per_gpu_hour > 0) << e.gpu;
    if (!e.best.has_price) {
      ++unpriced;
      EXPECT_TRUE(j["gpus"][i]["cost_usd"].is_null()) << e.gpu;
    } else {
      EXPECT_GT(e.best.cost_usd, 0) << e.gpu;
    }
  }
  EXPECT_GE(feasible, 3);

  // H20 (96 GB) holds the layout and has no dated rental quote in the catalog.
  EXPECT_GE(unpriced, 1);
}

// With TP8 every layer all-reduces its activations over NVLink, which the H800's link (200 GB/s per
// direction, nvlink4-h800) carries at less than half the H100's rate (450, nvlink4): the H100 must be faster.
TEST_F(Fixture, NvlinkBoundLayoutSeparatesH100FromH800) {
  CompareOptions o = narrow();
  o.search.tp_values = {8};
  o.search.pp_values = {16};
  o.gpus = {"h800-sxm", "h100-sxm"};
  Scenario tp8 = s;  // the scenario's own plan is always a candidate: make it TP8 too
  tp8.parallel.tp = 8;
  tp8.parallel.dp = 16;
  tp8.parallel.sequence_parallel = true;
  const CompareResult r = compare_gpus(tp8, catalog, calib, o);
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].best.plan.tp, 8);
  std::printf("%s", reports::render_compare_text(r).c_str());
  ASSERT_TRUE(r.entries[0].feasible) << r.entries[0].infeasible_reason;
  ASSERT_TRUE(r.entries[1].feasible) << r.entries[1].infeasible_reason;
  const double h800 = r.entries[0].best.step_time_s, h100 = r.entries[1].best.step_time_s;
  std::printf("TP8: H800 %.3f s, H100 %.3f s per step (%.2f%% faster)\n", h800, h100, 100 * (1 - h100 / h800));
  EXPECT_LT(h100, h800);
}

}  // namespace
}  // namespace moeplan
