// Mixed GPU types in one job (cluster.pools): pipeline stages balanced by each stage's measured per-layer time
// against the closed form, micro-batches split by replica throughput, des and analytic agreeing, a cluster of
// identical pools giving exactly the one-GPU-type step, and memory checked at each pool's own GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

#include "sim/train/mixed_run.h"
#include "sim/train/mixed_step.h"
#include "tests/train/loaded_scenarios.h"

namespace moeplan {
namespace {

using test::Loaded;

const char* kScenario = "scenarios/scale-out/mixed-h100-a100.yaml";

RunOptions with_calibrations(Loaded& l) {
  RunOptions o;
  o.calibration_for = [&l](const Scenario& s) { return l.calib(s); };
  return o;
}

double op_s(const OpTiming& op) { return op.f_s + op.b_s + op.w_s + op.comm_s + op.comm_b_s; }

TEST(MixedGpus, PipelineStagesMatchTheClosedFormBalance) {
  Loaded l;
  const Scenario s = l.load(kScenario);
  const RunResult r = run_training(s, *l.calib(s), with_calibrations(l));
  ASSERT_TRUE(r.mixed.enabled());
  ASSERT_EQ(r.mixed.members.size(), 8u);
  EXPECT_EQ(r.mixed.balance, "by speed");

  // Per-layer time t_k of each pool (Llama's 80 layers are alike) and each stage's work besides its layers f_r
  // (embedding on stage 0; head and loss on stage 7), read off each pool's stage costs.
  const PoolRuntimes pools = load_pool_runtimes(s, [&l](const Scenario& p) { return l.calib(p); });
  const StepShape shape = test::main_shape(s);
  std::vector<double> t(8), f(8, 0.0);
  for (std::size_t k = 0; k < 2; ++k) {
    const StageCosts c = step_costs(pools.scenarios[k], *pools.calibs[k], shape);
    double layer = 0;
    for (const OpTiming& op : c.ranks[0].chunks[0].ops)
      if (op.layer == c.ranks[0].chunks[0].layers.front()) layer += op_s(op);
    for (std::size_t r8 = 4 * k; r8 < 4 * k + 4; ++r8) {
      t[r8] = layer;
      for (const OpTiming& op : c.ranks[r8].chunks[0].ops)
        if (op.layer < 0) f[r8] += op_s(op);
    }
  }
  std::printf("per-layer time: H100 %.3f ms, A100 %.3f ms (ratio %.2f); head stage extra %.3f ms\n", 1e3 * t[0],
              1e3 * t[4], t[4] / t[0], 1e3 * f[7]);
  // Closed form: the smallest T with sum_r floor((T - f_r) / t_r) >= 80 is the optimal largest stage time; it is
  // one of the candidates f_r + n t_r.
  std::vector<double> candidates;
  for (int r8 = 0; r8 < 8; ++r8)
    for (int n = 1; n <= 80; ++n) candidates.push_back(f[r8] + n * t[r8]);
  std::sort(candidates.begin(), candidates.end());
  double t_star = 0;
  for (double T : candidates) {
    long long fit = 0;
    for (int r8 = 0; r8 < 8; ++r8) fit += static_cast<long long>(std::floor((T - f[r8]) / t[r8] + 1e-9));
    if (fit >= 80) {
      t_star = T;
      break;
    }
  }
  double got = 0;
  int layers = 0;
  std::string cut;
  for (int r8 = 0; r8 < 8; ++r8) {
    const MixedMember& m = r.mixed.members[r8];
    layers += m.count;
    got = std::max(got, f[r8] + m.count * t[r8]);
    cut += std::to_string(m.count) + " ";
  }
  std::printf("cut %s: largest stage %.3f ms, closed form %.3f ms\n", cut.c_str(), 1e3 * got, 1e3 * t_star);
  EXPECT_EQ(layers, 80);
  EXPECT_NEAR(got, t_star, 1e-9 * t_star);
  for (int r8 = 0; r8 < 4; ++r8) EXPECT_GT(r.mixed.members[r8].count, r.mixed.members[4 + r8].count);

  // Balancing by speed beats the one-GPU-type cut (by FLOPs) on these pools.
  std::printf("step: balanced %.3f s, one-GPU-type cut (%s) %.3f s\n", r.step.time_s, r.mixed.unbalanced_cut.c_str(),
              r.mixed.unbalanced_step_time_s);
  EXPECT_LT(r.step.time_s, 0.8 * r.mixed.unbalanced_step_time_s);
  // The slowest member is reported, with the others' idle.
  ASSERT_GE(r.mixed.slowest, 0);
  EXPECT_DOUBLE_EQ(r.mixed.members[r.mixed.slowest].idle_s, 0.0);
  for (const MixedMember& m : r.mixed.members) EXPECT_GE(m.idle_s, 0.0);
}

TEST(MixedGpus, DesAndAnalyticAgreeOnMixedPools) {
  Loaded l;
  Scenario s = l.load(kScenario);
  const PoolRuntimes pools = load_pool_runtimes(s, [&l](const Scenario& p) { return l.calib(p); });
  s.fidelity = Fidelity::kDes;
  const double des = mixed_step(s, pools, test::main_shape(s)).step.time_s;
  s.fidelity = Fidelity::kAnalytic;
  const double analytic = mixed_step(s, pools, test::main_shape(s)).step.time_s;
  std::printf("mixed stages: des %.4f s, analytic %.4f s, error %+.2f%%\n", des, analytic, 100 * (analytic / des - 1));
  EXPECT_NEAR(analytic / des, 1.0, 0.02);  // the agreement a one-GPU-type run is held to
}

// Two pools of the same GPU against one cluster of that GPU: exactly the same step.
TEST(MixedGpus, IdenticalPoolsGiveExactlyTheOneGpuTypeStep) {
  Loaded l;
  for (const char* layout : {"stages", "replicas"}) {
    const bool stages = std::string(layout) == "stages";
    const std::string plan = stages ? "{tp: 8, pp: 2, dp: 1, zero: 0, micro_batch: 1, schedule: 1f1b}"
                                    : "{tp: 4, pp: 2, dp: 2, zero: 1, micro_batch: 1, schedule: 1f1b}";
    const std::string tail = "parallel: " + plan + R"(
precision: bf16
training: {phases: [{name: main, tokens: 1B, seq_len: 4096, global_batch: 64}]}
seed: 3
)";
    const std::string price = "{usd_per_gpu_hour: \"$2.45/h\", price_source: \"test\"";
    const std::string pooled = std::string("name: pooled\nmodel: llama-3.1-8b\ncluster:\n  pool_layout: ") + layout +
                               "\n  pools:\n    - " + price + ", name: a, gpu: h100-sxm, nodes: 1}\n    - " + price +
                               ", name: b, gpu: h100-sxm, nodes: 1}\n  scale_out: ib-ndr\n" + tail;
    const std::string one = "name: one\nmodel: llama-3.1-8b\ncluster: {gpu: h100-sxm, nodes: 2, scale_out: ib-ndr}\n"
                            "price: {usd_per_gpu_hour: \"$2.45/h\", source: \"test\"}\n" + tail;
    for (Fidelity fid : {Fidelity::kDes, Fidelity::kAnalytic}) {
      Scenario a = io::load_scenario_text(pooled, "pooled.yaml", l.catalog);
      Scenario b = io::load_scenario_text(one, "one.yaml", l.catalog);
      a.fidelity = b.fidelity = fid;
      const RunResult ra = run_training(a, *l.calib(a), with_calibrations(l));
      const RunResult rb = run_training(b, *l.calib(b), RunOptions{});
      std::printf("%s, %s: pools %.9f s, one GPU type %.9f s\n", layout, to_string(fid), ra.step.time_s, rb.step.time_s);
      EXPECT_EQ(ra.step.time_s, rb.step.time_s);
      EXPECT_NEAR(ra.step.mfu, rb.step.mfu, 1e-12);
      EXPECT_NEAR(ra.gpu_hours, rb.gpu_hours, 1e-9 * rb.gpu_hours);
      EXPECT_NEAR(ra.cost.rental_usd, rb.cost.rental_usd, 1e-9 * rb.cost.rental_usd);
    }
  }
}

TEST(MixedGpus, ReplicasSplitMicroBatchesByThroughput) {
  Loaded l;
  const std::string text = R"(name: replicas
model: llama-3.1-8b
cluster:
  pool_layout: replicas
  pools: [{name: h100, gpu: h100-sxm, nodes: 1}, {name: a100, gpu: a100-80g, nodes: 1}]
  scale_out: ib-ndr
parallel: {tp: 2, pp: 2, dp: 4, zero: 1, micro_batch: 1, schedule: 1f1b}
precision: bf16
training: {phases: [{name: main, tokens: 1B, seq_len: 4096, global_batch: 128}]}
seed: 1
)";
  const Scenario s = io::load_scenario_text(text, "replicas.yaml", l.catalog);
  const RunResult r = run_training(s, *l.calib(s), with_calibrations(l));
  ASSERT_EQ(r.mixed.members.size(), 4u);
  int total = 0;
  for (const MixedMember& m : r.mixed.members) {
    std::printf("replica %d on %s: %d micro-batches, %.4f s, idle %.4f s\n", m.index, m.gpu.c_str(), m.count, m.time_s,
                m.idle_s);
    total += m.count;
  }
  EXPECT_EQ(total, 128);  // the global batch is kept
  EXPECT_EQ(r.mixed.members[0].count, r.mixed.members[1].count);  // equal replicas, equal shares
  EXPECT_GT(r.mixed.members[0].count, r.mixed.members[2].count);  // the H100 replicas take more
  std::printf("step: balanced %.4f s, even split %.4f s\n", r.step.time_s, r.mixed.unbalanced_step_time_s);
  EXPECT_LT(r.step.time_s, r.mixed.unbalanced_step_time_s);
  EXPECT_DOUBLE_EQ(r.step.time_s, r.mixed.members[r.mixed.slowest].time_s);
  // Optimal to within one micro-batch: the fast replicas wait less than one of their own micro-batches.
  const MixedMember& fast = r.mixed.members[0];
  const MixedMember& slow = r.mixed.members[2];
  const double per_mb = std::min(fast.time_s / fast.count, slow.time_s / slow.count);
  for (const MixedMember& m : r.mixed.members) EXPECT_LT(m.idle_s, 2 * per_mb);

  // Counts given by the user are used as given.
  Scenario given = s;
  given.cluster.pools.pools[0].micro_batches = {40, 40};
  given.cluster.pools.pools[1].micro_batches = {24, 24};
  const RunResult g = run_training(given, *l.calib(given), with_calibrations(l));
  EXPECT_EQ(g.mixed.balance, "given");
  EXPECT_EQ(g.mixed.members[0].count, 40);
  EXPECT_EQ(g.mixed.members[3].count, 24);
}

TEST(MixedGpus, MemoryIsCheckedAtEachPoolsOwnGpu) {
  Loaded l;
  Scenario s = l.load(kScenario);
  // Most layers on the A100 stages (given), so an A100 stage holds about 18 layers' weights and optimizer state.
  s.cluster.pools.pools[0].layers = {2, 2, 2, 2};
  s.cluster.pools.pools[1].layers = {18, 18, 18, 18};
  const RunResult fits = run_training(s, *l.calib(s), with_calibrations(l));
  EXPECT_TRUE(fits.memory_fits) << fits.does_not_fit;
  // The same stages on A100 40GB parts (40 GiB of HBM, hardware.md §1a) do not fit, and the report names the
  // pool; the H100 stages still fit.
  s.cluster.pools.pools[1].gpu.hbm_bytes = 40.0 * (1ull << 30);
  const RunResult small = run_training(s, *l.calib(s), with_calibrations(l));
  std::printf("A100 stage 4 needs %.1f GiB; H100 stage 0 %.1f GiB\n", small.mixed.members[4].memory_bytes / (1ull << 30),
              small.mixed.members[0].memory_bytes / (1ull << 30));
  EXPECT_FALSE(small.memory_fits);
  EXPECT_NE(small.does_not_fit.find("pool `a100`"), std::string::npos) << small.does_not_fit;
  for (int r8 = 0; r8 < 4; ++r8) EXPECT_TRUE(small.mixed.members[r8].fits());
  // 1F1B keeps pp - r micro-batches in flight on stage r: the first A100 stage holds the most.
  EXPECT_FALSE(small.mixed.members[4].fits());
  EXPECT_GT(small.mixed.members[4].memory_bytes, small.mixed.members[7].memory_bytes);
}

}  // namespace
}  // namespace moeplan
