// Plan search on the DeepSeek-V3 reference scenario and on a small dense model: enumeration counts,
// pruning bookkeeping, ranking invariants, and where DeepSeek's published layout ranks.
#include "sim/plan/plan_search.h"

#include "sim/plan/capacity.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "sim/calib/profile_calibration.h"
#include "sim/cost/failure_model.h"
#include "sim/model/memory.h"
#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

struct Loaded {
  Scenario s;
  std::unique_ptr<Calibration> calib;
};

Loaded load(const std::string& path, const std::vector<std::string>& overrides = {}) {
  const io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  Loaded l;
  l.s = io::load_scenario(path, catalog, overrides);
  l.calib = load_calibration(default_profile_path(l.s.cluster.gpu, "calibrate/profiles"), l.s.cluster.gpu);
  return l;
}

void print_ranking(const PlanResult& r) {
  std::printf("%s on %d x %s: %lld enumerated, %lld invalid, %lld over HBM, %lld implausible, %lld costed, %lld DES, "
              "%.2f s (%d threads)\n",
              r.model.c_str(), r.n_gpus, r.gpu.c_str(), r.enumerated, r.invalid, r.not_fitting, r.implausible,
              r.costed, r.des_rechecked, r.search_seconds, r.threads);
  for (const PlanCandidate& c : r.top)
    std::printf("  #%-3d %-60s %-8s step %7.2f s  MFU %5.1f%%  bubble %5.1f%%  mem %5.1f GB  %9.0f GPU-h%s\n", c.rank,
                c.summary.c_str(), c.step_method.c_str(), c.step_time_s, 100 * c.mfu, 100 * c.bubble_fraction,
                c.memory_peak_bytes / 1e9, c.gpu_hours, c.is_scenario_plan ? "  <- scenario plan" : "");
  if (r.scenario_plan_found)
    std::printf("  scenario plan rank %d (analytic rank %d): %s (%s)\n", r.scenario_plan.rank,
                r.scenario_plan_analytic_rank, r.scenario_plan.summary.c_str(), r.scenario_plan.why.c_str());
  for (const SkipReason& s : r.invalid_reasons) std::printf("  skipped %6lld: %s\n", s.count, s.reason.c_str());
  for (const std::string& n : r.notes) std::printf("  note: %s\n", n.c_str());
}

// DeepSeek-V3 §3.2: 2048 H800, PP16 (DualPipe), EP64, ZeRO-1, no TP. The planner, scanning every layout of
// that cluster with the same model and batch, should put that layout among its best five.
TEST(PlanSearch, DeepSeekV3PublishedLayoutRanksInTopFive) {
  Loaded l = load("scenarios/deepseek-v3-h800.yaml");
  PlanSearchOptions o;
  o.top_n = 10;
  o.des_rerank = 5;
  // This test is about the ranking, not the safety margin: the published layout ran, and this memory model
  // puts it at 77.1 of 80 GiB (3.6% headroom beyond the fragmentation reserve), under the default 5% margin.
  o.min_headroom = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const PlanResult r = search_plans(l.s, *l.calib, o);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print_ranking(r);
  std::printf("  wall %.2f s\n", wall);

  EXPECT_EQ(r.enumerated, r.invalid + r.not_fitting + r.implausible + r.costed);
  ASSERT_FALSE(r.top.empty());
  ASSERT_TRUE(r.scenario_plan_found) << "DeepSeek's layout was pruned";
  EXPECT_LE(r.scenario_plan.rank, 5);
  for (const PlanCandidate& c : r.top) {
    EXPECT_EQ(c.plan.n_gpus(), 2048);
    EXPECT_LE(c.memory_peak_bytes, c.memory_capacity_bytes);
    EXPECT_EQ(r.global_batch % (c.plan.dp * c.plan.micro_batch), 0);
    EXPECT_FALSE(c.why.empty());
  }
  // Within the DES-re-timed block the ranking is by the objective.
  for (int i = 1; i < 5 && i < static_cast<int>(r.top.size()); ++i)
    EXPECT_LE(r.top[i - 1].objective_value, r.top[i].objective_value);
}

// No listed plan leaves less free HBM than the margin (default 5%); a margin nothing meets leaves no plan and
// the reason names the headroom. The scenario's own plan, left out only for its headroom, gets a note.
TEST(PlanSearch, ListedPlansLeaveTheMinimumHeadroom) {
  Loaded l = load("scenarios/small-dense.yaml");
  PlanSearchOptions o;
  o.top_n = 1000;
  o.des_rerank = 0;
  o.tp_values = {1, 2};
  o.cp_values = {1};
  o.pp_values = {1, 2};
  EXPECT_DOUBLE_EQ(o.min_headroom, 0.05);
  const PlanResult r = search_plans(l.s, *l.calib, o);
  ASSERT_FALSE(r.top.empty());
  for (const PlanCandidate& c : r.top) EXPECT_GE(c.memory_headroom_fraction, 0.05) << c.summary;
  o.min_headroom = 0;
  const PlanResult all = search_plans(l.s, *l.calib, o);
  bool tight = false;  // the grid has plans that fit with under 5% free: the margin is what removed them
  for (const PlanCandidate& c : all.top) tight = tight || c.memory_headroom_fraction < 0.05;
  EXPECT_TRUE(tight);
  EXPECT_GT(all.costed, r.costed);
  // The scenario plan (64.7 of 80 GiB, 19% free) with a 25% margin: not listed, and a note says why.
  o.min_headroom = 0.25;
  const PlanResult strict = search_plans(l.s, *l.calib, o);
  EXPECT_FALSE(strict.scenario_plan_found);
  bool noted = false;
  for (const std::string& n : strict.notes) noted = noted || n.find("HBM headroom, below the 25.0%") != std::string::npos;
  EXPECT_TRUE(noted);
  EXPECT_THROW(parse_min_headroom("100%"), Error);
  EXPECT_DOUBLE_EQ(parse_min_headroom("5%"), 0.05);
  EXPECT_DOUBLE_EQ(parse_min_headroom("0.1"), 0.1);
}

// Every enumerated plan can run on the hardware: with P2P off (consumer cards over PCIe) TP collectives cannot be
// overlapped with GEMMs through peer-mapped buffers, so no such plan is generated, and validation refuses one.
TEST(PlanSearch, NoTpOverlapWithoutPeerToPeer) {
  Loaded l = load("scenarios/small-dense.yaml", {"cluster.p2p=false"});
  PlanSearchOptions o;
  o.tp_values = {2, 4};
  o.cp_values = {1};
  o.pp_values = {1, 2};
  const std::vector<ParallelPlan> plans = enumerate_plans(l.s, o);
  ASSERT_FALSE(plans.empty());
  for (const ParallelPlan& p : plans) EXPECT_FALSE(p.tp_comm_overlap) << "tp " << p.tp << " pp " << p.pp;
  Loaded with_p2p = load("scenarios/small-dense.yaml");
  bool any = false;
  for (const ParallelPlan& p : enumerate_plans(with_p2p.s, o)) any = any || p.tp_comm_overlap;
  EXPECT_TRUE(any);
  Scenario s = l.s;
  s.parallel.tp = 2;
  s.parallel.dp = 8;
  s.parallel.tp_comm_overlap = true;
  EXPECT_THROW(validate(s), Error);
}

// Llama-3.1-8B on 16 GPUs (dense: EP is always 1). The grid size is closed-form: for each (tp, cp, pp) with
// tp*cp*pp | 16, ZeRO x micro-batch x recompute = 4 x 3 x 3 = 36 combinations per schedule; pp = 1 has one
// schedule, pp > 1 five. The scenario's 8K sequences allow cp = 2 (4K per rank) and no more
// (kMinCpBlockTokens), with the ring and with the a2a exchange (2 divides every TP rank's 32 / tp heads).
TEST(PlanSearch, DenseGridCountsAndRanking) {
  Loaded l = load("scenarios/small-dense.yaml");
  PlanSearchOptions o;
  o.des_rerank = 0;
  const std::vector<ParallelPlan> plans = enumerate_plans(l.s, o);
  long long expected = 0;
  const int seq = l.s.training.phases.front().seq_len;
  ASSERT_EQ(seq, 8192);
  for (int tp : {1, 2, 4, 8})
    for (int cp : {1, 2})
      for (int pp : {1, 2, 4, 8, 16, 32})
        if (16 % (tp * cp * pp) == 0) expected += 36 * (pp == 1 ? 1 : 5) * (cp == 2 ? 2 : 1);
  EXPECT_EQ(static_cast<long long>(plans.size()), expected);
  for (const ParallelPlan& p : plans) EXPECT_EQ(p.ep, 1);

  const PlanResult r = search_plans(l.s, *l.calib, o);
  print_ranking(r);
  EXPECT_EQ(r.enumerated, expected);
  EXPECT_EQ(r.enumerated, r.invalid + r.not_fitting + r.implausible + r.costed);
  ASSERT_GE(r.top.size(), 2u);
  for (size_t i = 1; i < r.top.size(); ++i) EXPECT_LE(r.top[i - 1].objective_value, r.top[i].objective_value);
  // ZeRO with dp = 1 is rejected by validate() and counted under its key.
  bool zero_reason = false;
  for (const SkipReason& s : r.invalid_reasons) zero_reason = zero_reason || s.reason.find("zero") != std::string::npos;
  EXPECT_TRUE(zero_reason);
  // GPU-hours follow from the step: tokens / (tokens per second) x GPUs.
  const PlanCandidate& best = r.top.front();
  EXPECT_NEAR(best.gpu_hours_failure_free, 10e9 / best.tokens_per_s * 16 / 3600.0, 1e-6 * best.gpu_hours);
  // The totals, dollars and days the deadline and budget checks read include the expected failure overhead
  // (compute_goodput on the failure-free GPU-hours).
  const GoodputResult g = compute_goodput(l.s.failures, 16, l.s.cluster.gpus_per_node,
                                          checkpoint_bytes(l.s.model, l.s.precision), best.gpu_hours_failure_free, 2.45);
  ASSERT_TRUE(g.enabled);
  EXPECT_GT(g.extra_gpu_hours, 0);
  EXPECT_NEAR(best.gpu_hours, best.gpu_hours_failure_free + g.extra_gpu_hours, 1e-9 * best.gpu_hours);
  EXPECT_NEAR(best.days, best.days_failure_free / g.effective_time_fraction, 1e-9 * best.days);
  EXPECT_NEAR(best.cost_usd, best.gpu_hours * 2.45, 1e-6 * best.cost_usd);
}

TEST(PlanSearch, ThreadCountDoesNotChangeTheRanking) {
  Loaded l = load("scenarios/small-dense.yaml");
  PlanSearchOptions o;
  o.des_rerank = 0;
  o.threads = 1;
  const PlanResult one = search_plans(l.s, *l.calib, o);
  o.threads = 3;
  const PlanResult three = search_plans(l.s, *l.calib, o);
  ASSERT_EQ(one.top.size(), three.top.size());
  for (size_t i = 0; i < one.top.size(); ++i) EXPECT_EQ(one.top[i].summary, three.top[i].summary);
}

TEST(Capacity, GpuCountParsing) {
  EXPECT_EQ(parse_gpu_counts("512..4096", 8), (std::vector<int>{512, 1024, 2048, 4096}));
  EXPECT_EQ(parse_gpu_counts("512..1536", 8), (std::vector<int>{512, 1024, 1536}));
  EXPECT_EQ(parse_gpu_counts("1024, 512", 8), (std::vector<int>{512, 1024}));
  EXPECT_EQ(parse_gpu_counts("2K", 8), (std::vector<int>{2000}));
  EXPECT_THROW(parse_gpu_counts("100", 8), Error);     // not whole nodes
  EXPECT_THROW(parse_gpu_counts("64..16", 8), Error);
  EXPECT_THROW(parse_gpu_counts("lots", 8), Error);
}

// Llama-3.1-8B, 10B tokens on 8..64 H100s with a deadline: the chosen size meets it after the DES re-time,
// and no size with a better objective that met it by the analytic step was skipped without a reason.
TEST(Capacity, ChoosesTheCheapestSizeMeetingTheDeadline) {
  Loaded l = load("scenarios/small-dense.yaml");
  PlanSearchOptions o;
  o.objective = PlanObjective::kCost;
  o.top_n = 3;
  o.des_rerank = 2;
  const double deadline_days = 1.5;
  const CapacityResult r = plan_capacity(l.s, *l.calib, parse_gpu_counts("8..64", 8), deadline_days, 0, o);
  for (const CapacityOption& c : r.options)
    std::printf("  %3d GPUs: %-60s %6.2f days %8.0f $  %s\n", c.n_gpus, c.best.summary.c_str(), c.best.days,
                c.best.cost_usd, c.verdict.c_str());
  ASSERT_EQ(r.options.size(), 4u);
  ASSERT_GE(r.chosen, 0);
  const CapacityOption& chosen = r.options[r.chosen];
  EXPECT_LE(chosen.best.days, deadline_days);
  EXPECT_EQ(r.chosen_search.n_gpus, chosen.n_gpus);
  for (const CapacityOption& c : r.options) {
    if (c.meets_constraints) {
      EXPECT_GE(c.best.objective_value, chosen.best.objective_value);
    }
  }
  // A bigger cluster only finishes sooner: 64 GPUs must be faster than 8 by the analytic search.
  EXPECT_LT(r.options[3].best.days, r.options[0].best.days);
}

TEST(PlanSearch, ObjectiveParsing) {
  EXPECT_EQ(parse_objective("cost"), PlanObjective::kCost);
  EXPECT_EQ(parse_objective("energy"), PlanObjective::kEnergy);
  EXPECT_THROW(parse_objective("speed"), Error);
}

}  // namespace
}  // namespace moeplan
