// The Llama 3 405B failure case built from its scenario (scenarios/llama3-405b-16k-h100.yaml): 16,384 H100
// GPUs under the Table 5 interruption rates, the checkpoint of the scenario's model and precision, and the
// cluster's idle nodes as replacements. The paper reports "higher than 90% effective training time" over its
// 54-day snapshot (arXiv:2407.21783 §3.3.4; published-numbers.md §7).
#include <cstdio>

#include <gtest/gtest.h>

#include "sim/cost/failure_model.h"
#include "sim/io/catalog.h"
#include "sim/io/scenario_loader.h"
#include "sim/model/memory.h"

namespace moeplan {
namespace {

GoodputResult llama3_goodput(const Scenario& s) {
  const int gpus = s.cluster.n_gpus();
  const double bytes = checkpoint_bytes(s.model, s.precision);
  // Useful GPU-hours such that the elapsed time is the snapshot's 54 days (the fraction does not depend on it).
  const GoodputResult probe = compute_goodput(s.failures, gpus, s.cluster.gpus_per_node, bytes, 1.0, 2.0);
  const double useful = gpus * 54.0 * 24 * probe.effective_time_fraction;
  return compute_goodput(s.failures, gpus, s.cluster.gpus_per_node, bytes, useful, 2.0);
}

TEST(Llama3Goodput, ScenarioBeatsNinetyPercentEffectiveTrainingTime) {
  const io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  const Scenario s = io::load_scenario("scenarios/llama3-405b-16k-h100.yaml", catalog);
  ASSERT_EQ(s.cluster.n_gpus(), 16384);
  const GoodputResult g = llama3_goodput(s);
  std::printf("Llama 3 405B, 16,384 H100: %.1f interruptions over 54 days (published 419), MTBF %.2f h\n",
              g.expected_interruptions, g.mtbf_h);
  std::printf("  checkpoint %.2f TB in %.1f s every %.0f s, restart %.0f s\n", g.checkpoint_bytes / 1e12,
              g.checkpoint_write_s, g.checkpoint_interval_s, g.restart_s);
  std::printf("  effective training time: predicted %.1f%%, published > 90%% (checkpointing %.2f%%, lost work "
              "%.2f%%, restarting %.2f%%)\n",
              100 * g.effective_time_fraction, 100 * g.fraction_checkpointing, 100 * g.fraction_lost_work,
              100 * g.fraction_restarting);
  EXPECT_NEAR(g.expected_interruptions, 419, 0.5);
  EXPECT_GT(g.effective_time_fraction, 0.90);

  // The same job on a cluster of exactly its own nodes: every node-level interruption waits for a
  // replacement, and the paper's figure is out of reach.
  Scenario alone = s;
  alone.failures.pool_nodes = 0;
  const GoodputResult a = llama3_goodput(alone);
  std::printf("  without free nodes in the cluster: restart %.0f s, effective %.1f%%\n", a.restart_s,
              100 * a.effective_time_fraction);
  EXPECT_LT(a.effective_time_fraction, g.effective_time_fraction);
}

TEST(Llama3Goodput, FreeNodesCountLikeHotSparesButCostNothing) {
  FailureSpec pool;
  pool.pool_nodes = 16;
  FailureSpec spares;
  spares.hot_spare_nodes = 16;
  const GoodputResult p = compute_goodput(pool, 16384, 8, 5.67e12, 1e6, 2.0);
  const GoodputResult h = compute_goodput(spares, 16384, 8, 5.67e12, 1e6, 2.0);
  EXPECT_DOUBLE_EQ(p.restart_s, h.restart_s);
  EXPECT_DOUBLE_EQ(p.effective_time_fraction, h.effective_time_fraction);
  EXPECT_LT(p.extra_gpu_hours, h.extra_gpu_hours);  // idle hot spares are paid, the cluster's pool is not
  // A pool far larger than the nodes ever in repair removes the wait entirely (and stays cheap to evaluate).
  FailureSpec huge;
  huge.pool_nodes = 1 << 30;
  const GoodputResult u = compute_goodput(huge, 16384, 8, 5.67e12, 1e6, 2.0);
  EXPECT_NEAR(u.restart_s, GoodputOptions{}.relaunch_s + 5.67e12 / default_storage_write_Bps(16384), 1e-6);
}

}  // namespace
}  // namespace moeplan
