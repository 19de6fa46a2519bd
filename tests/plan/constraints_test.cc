// The `constraints:` block: each limit keeps the planner's plans inside it, and a scenario or sweep point whose
// own plan breaks one is refused with the key of the constraint. Llama-3.1-8B on 16 H100s (scenarios/small-dense).
#include "sim/plan/plan_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

Scenario load(const std::vector<std::string>& overrides) {
  const io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  return io::load_scenario("scenarios/small-dense.yaml", catalog, overrides);
}

// A small grid, so each search takes a fraction of a second.
PlanSearchOptions small_grid() {
  PlanSearchOptions o;
  o.top_n = 1000;
  o.des_rerank = 0;
  o.threads = 2;
  o.tp_values = {1, 2, 4};
  o.cp_values = {1};
  o.pp_values = {1, 2, 4};
  o.zero_stages = {1};
  o.micro_batches = {1};
  o.recompute = {RecomputePolicy::kFull};
  return o;
}

PlanResult search(const Scenario& s, const PlanSearchOptions& o = small_grid()) {
  const auto calib = load_calibration(default_profile_path(s.cluster.gpu, "calibrate/profiles"), s.cluster.gpu);
  const PlanResult r = search_plans(s, *calib, o);
  std::printf("%zu listed, %lld invalid\n", r.top.size(), r.invalid);
  return r;
}

std::string load_error(const std::vector<std::string>& overrides) {
  try {
    load(overrides);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Constraints, WithoutThemTheGridHasEveryShape) {
  const PlanResult r = search(load({}));
  auto any = [&](auto pred) { return std::any_of(r.top.begin(), r.top.end(), pred); };
  EXPECT_TRUE(any([](const PlanCandidate& c) { return c.plan.pp == 4; }));
  EXPECT_TRUE(any([](const PlanCandidate& c) { return c.plan.tp == 4; }));
  EXPECT_TRUE(any([](const PlanCandidate& c) { return c.plan.schedule == PipelineSchedule::kDualPipeV; }));
  EXPECT_TRUE(any([](const PlanCandidate& c) { return c.plan.tp_comm_overlap; }));
  EXPECT_TRUE(any([](const PlanCandidate& c) { return c.plan.sequence_parallel; }));
}

TEST(Constraints, SchedulesAndDegreesBite) {
  const PlanResult r = search(load({"constraints.schedules=[1f1b, interleaved]", "constraints.max_pp=2",
                                    "constraints.max_tp=2"}));
  ASSERT_FALSE(r.top.empty());
  for (const PlanCandidate& c : r.top) {
    EXPECT_LE(c.plan.pp, 2) << c.summary;
    EXPECT_LE(c.plan.tp, 2) << c.summary;
    if (c.plan.pp > 1)
      EXPECT_TRUE(c.plan.schedule == PipelineSchedule::k1F1B || c.plan.schedule == PipelineSchedule::kInterleaved1F1B)
          << c.summary;
  }
  bool counted = false;  // refused plans are counted under the constraint's key
  for (const SkipReason& s : r.invalid_reasons) counted = counted || s.reason.rfind("constraints.", 0) == 0;
  EXPECT_TRUE(counted);
}

TEST(Constraints, FeaturesAreLeftOffNotLost) {
  const PlanResult r = search(load({"constraints.features=[context-parallel]"}));
  ASSERT_FALSE(r.top.empty());
  bool tp_plans = false;
  for (const PlanCandidate& c : r.top) {
    EXPECT_FALSE(c.plan.tp_comm_overlap) << c.summary;
    EXPECT_FALSE(c.plan.sequence_parallel) << c.summary;
    tp_plans = tp_plans || c.plan.tp > 1;
  }
  EXPECT_TRUE(tp_plans);  // TP is still searched, with its collectives exposed
}

TEST(Constraints, FixedDegreesReplaceTheGrid) {
  PlanSearchOptions o = small_grid();
  o.pp_values = {1, 2};  // 8 is not in the grid: the fixed value is searched anyway
  // The scenario's own plan must keep them too: TP2 PP8 on the 16 GPUs.
  const PlanResult r = search(load({"parallel.tp=2", "parallel.pp=8", "parallel.dp=1", "parallel.zero=0",
                                    "constraints.fixed={tp: 2, pp: 8}"}),
                              o);
  ASSERT_FALSE(r.top.empty());
  for (const PlanCandidate& c : r.top) {
    EXPECT_EQ(c.plan.tp, 2) << c.summary;
    EXPECT_EQ(c.plan.pp, 8) << c.summary;
  }
}

// Megatron-Core 2024 declares 1F1B and interleaved, TP overlap, SP and CP, and no EP overlap (catalog software.yaml,
// commits in kernel-rates.md §17).
TEST(Constraints, FrameworkPresetBoundsSchedulesAndFeatures) {
  const Scenario s = load({"constraints.framework=megatron-core-2024"});
  ASSERT_EQ(s.constraints.schedules.size(), 2u);
  const PlanResult r = search(s);
  ASSERT_FALSE(r.top.empty());
  bool tp_overlap = false;
  for (const PlanCandidate& c : r.top) {
    if (c.plan.pp > 1)
      EXPECT_TRUE(c.plan.schedule == PipelineSchedule::k1F1B || c.plan.schedule == PipelineSchedule::kInterleaved1F1B)
          << c.summary;
    EXPECT_FALSE(c.plan.ep_overlap) << c.summary;
    tp_overlap = tp_overlap || c.plan.tp_comm_overlap;
  }
  EXPECT_TRUE(tp_overlap);  // a feature it has stays on
  // Intersected with the block's own list; a preset that declares nothing cannot bound a search.
  EXPECT_EQ(load({"constraints.framework=megatron-core-2024", "constraints.schedules=[interleaved, dualpipe]"})
                .constraints.schedules,
            std::vector<PipelineSchedule>{PipelineSchedule::kInterleaved1F1B});
  EXPECT_NE(load_error({"constraints.framework=megatron-lm-2021"}).find("declares no schedules or features"),
            std::string::npos);
  EXPECT_NE(load_error({"constraints.framework=megatron-core-2099"}).find("megatron-core-20"), std::string::npos);
}

TEST(Constraints, MinHeadroomRaisesTheFloor) {
  const PlanResult r = search(load({"constraints.min_headroom=40%"}));
  EXPECT_DOUBLE_EQ(r.min_headroom, 0.40);
  ASSERT_FALSE(r.top.empty());
  for (const PlanCandidate& c : r.top) EXPECT_GE(c.memory_headroom_fraction, 0.40) << c.summary;
}

TEST(Constraints, AScenarioPlanOutsideThemIsRefused) {
  const std::string e = load_error({"parallel.pp=2", "parallel.dp=8", "constraints.max_pp=1"});
  EXPECT_NE(e.find("constraints.max_pp"), std::string::npos) << e;
  EXPECT_NE(e.find("pp = 2 is above the allowed 1"), std::string::npos) << e;
  EXPECT_NE(load_error({"parallel.pp=2", "parallel.dp=8", "parallel.schedule=dualpipev",
                        "constraints.schedules=[1f1b]"})
                .find("schedule dualpipev is not among the allowed (1f1b)"),
            std::string::npos);
  EXPECT_NE(load_error({"constraints.fixed={ep: 2}"}).find("ep = 1 but the constraints fix it at 2"), std::string::npos);
  EXPECT_NE(load_error({"constraints.features=[tp-overlapp]"}).find("tp-overlap"), std::string::npos);
  EXPECT_NE(load_error({"constraints.max_ppp=2"}).find("max_pp"), std::string::npos);
  EXPECT_EQ(load_error({"constraints.max_pp=1"}), "");
}

}  // namespace
}  // namespace moeplan
