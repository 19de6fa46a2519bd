// Tests of the failure/goodput model: Llama 3 Table 5 transcription, Young/Daly closed forms, and the
// 16,384-GPU 54-day Llama 3 snapshot (published-numbers.md §7).
#include "sim/cost/failure_model.h"

#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "sim/cost/llama3_failures.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

constexpr double kLlamaGpuDays = 16384.0 * 54.0;
// Llama 3 405B checkpoint: BF16 weights (2 B) + FP32 master weights (4 B) + two FP32 Adam moments (8 B) per
// parameter = 5.67 TB, 346 MB per GPU, inside the paper's "1 MB to 4 GB per GPU" (§3.3.1).
constexpr double kLlama405bCheckpointBytes = 405e9 * 14;

TEST(Llama3Table5, CountsSumTo419AndPrintedPercentagesAreAsPublished) {
  int total = 0;
  double printed = 0;
  int gpu_count = 0;
  double gpu_printed = 0;
  for (const auto& row : llama3_table5()) {
    total += row.count;
    printed += row.printed_percent;
    if (std::string(row.category) == "GPU") {
      gpu_count += row.count;
      gpu_printed += row.printed_percent;
    }
  }
  EXPECT_EQ(llama3_table5().size(), 18u);
  EXPECT_EQ(total, kLlama3UnexpectedInterruptions);
  // The paper's table prints 30.1% for Faulty GPU although 148/419 = 35.3%, so the column sums to 94.9%.
  EXPECT_NEAR(printed, 94.9, 1e-9);
  EXPECT_NEAR(100.0 * 148 / 419, 35.3, 0.05);
  // "GPU issues ... 58.7%" is the sum of the printed GPU rows; by count it is 268/419 = 64.0%.
  EXPECT_NEAR(gpu_printed, 58.7, 1e-9);
  EXPECT_EQ(gpu_count, 268);
  EXPECT_NEAR(100.0 * gpu_count / total, 64.0, 0.05);
  // Every other printed percentage equals count/419 to the printed precision.
  for (const auto& row : llama3_table5()) {
    if (std::string(row.component) == "Faulty GPU") continue;
    EXPECT_NEAR(row.printed_percent, 100.0 * row.count / 419, 0.051) << row.component;
  }
}

TEST(Llama3Table5, RatesAssumeAllGpusForAllDays) {
  double sum = 0;
  for (const auto& c : llama3_failure_classes()) sum += c.per_gpu_day;
  // 419 / (16,384 x 54) = 0.47 per 1,000 GPU-days (published-numbers.md §7 [D]).
  EXPECT_NEAR(sum, 419 / kLlamaGpuDays, 1e-15);
  EXPECT_NEAR(sum * 1000, 0.47, 0.005);
  EXPECT_NEAR(sum * 8000, 3.8, 0.05);  // per 1,000 8-GPU node-days
}

TEST(CheckpointInterval, YoungClosedForm) {
  // sqrt(2 x 300 s x 86,400 s) = 7,200 s exactly.
  EXPECT_DOUBLE_EQ(young_interval_s(300, 86400), 7200);
  EXPECT_DOUBLE_EQ(young_interval_s(50, 10000), 1000);
}

TEST(CheckpointInterval, DalyMatchesPublishedOptima) {
  // Daly (FGCS 2006), Figs. 3-5 with delta = 5 min: M = 24 h -> 117 min, M = 6 h -> 57 min,
  // M = 15 min -> 9.1 min.
  EXPECT_NEAR(daly_interval_s(300, 24 * 3600) / 60, 117, 0.5);
  EXPECT_NEAR(daly_interval_s(300, 6 * 3600) / 60, 57, 0.5);
  EXPECT_NEAR(daly_interval_s(300, 15 * 60) / 60, 9.1, 0.05);
  // Closed form at M = 24 h: 120 min x (1 + sqrt(1/576)/3 + (1/576)/9) - 5 min.
  const double x = 300.0 / (2 * 86400);
  EXPECT_NEAR(daly_interval_s(300, 86400), 7200 * (1 + std::sqrt(x) / 3 + x / 9) - 300, 1e-9);
  // delta >= 2M: tau = M.
  EXPECT_DOUBLE_EQ(daly_interval_s(5000, 2000), 2000);
  // Daly tends to Young minus delta when delta << M.
  EXPECT_NEAR(daly_interval_s(1, 1e7) / young_interval_s(1, 1e7), 1.0, 1e-3);
}

TEST(CheckpointInterval, DalyIntervalMinimisesDalyWallTime) {
  const double delta = 300, restart = 600, mtbf = 6 * 3600, work = 500 * 3600.0;
  const double tau = daly_interval_s(delta, mtbf);
  const double best = daly_expected_wall_s(work, tau, delta, restart, mtbf);
  for (double f : {0.5, 0.8, 0.95, 1.05, 1.25, 2.0}) {
    EXPECT_GT(daly_expected_wall_s(work, tau * f, delta, restart, mtbf), best) << f;
  }
}

TEST(PoissonTail, ClosedForms) {
  EXPECT_DOUBLE_EQ(poisson_tail(2.0, 0), 1.0);
  EXPECT_NEAR(poisson_tail(2.0, 1), 1 - std::exp(-2.0), 1e-15);
  EXPECT_NEAR(poisson_tail(2.0, 3), 1 - std::exp(-2.0) * (1 + 2 + 2), 1e-15);
  EXPECT_DOUBLE_EQ(poisson_tail(0.0, 1), 0.0);
}

TEST(Goodput, Llama3SnapshotUnderDefaults) {
  // Llama 3 405B: 16,384 GPUs (8 per server) for 54 days. The cluster had 24K GPUs of which at most 16K
  // ran the job (§3.3.1), so replacement nodes were at hand: model that as 16 hot-spare nodes (0.8%).
  FailureSpec spec;  // Llama 3 classes, Tectonic-scaled storage, default restart
  spec.hot_spare_nodes = 16;
  const GoodputResult probe = compute_goodput(spec, 16384, 8, kLlama405bCheckpointBytes, 1.0, 2.0);
  // Useful time such that elapsed time is the snapshot's 54 days.
  const double useful_gpu_hours = 16384.0 * 54 * 24 * probe.effective_time_fraction;
  const GoodputResult g = compute_goodput(spec, 16384, 8, kLlama405bCheckpointBytes, useful_gpu_hours, 2.0);

  std::printf("Llama 3 snapshot: %.2f interruptions/day, MTBF %.2f h, %.1f expected over 54 days (published 419)\n",
              g.interruptions_per_day, g.mtbf_h, g.expected_interruptions);
  std::printf("  checkpoint %.2f TB written in %.1f s every %.0f s; restart %.0f s\n", g.checkpoint_bytes / 1e12,
              g.checkpoint_write_s, g.checkpoint_interval_s, g.restart_s);
  std::printf("  effective training time %.1f%% (published: higher than 90%%): checkpointing %.2f%%, lost work "
              "%.2f%%, restarting %.2f%%\n",
              100 * g.effective_time_fraction, 100 * g.fraction_checkpointing, 100 * g.fraction_lost_work,
              100 * g.fraction_restarting);
  EXPECT_TRUE(g.enabled);
  EXPECT_NEAR(g.interruptions_per_day * 54, 419, 1e-9);
  EXPECT_NEAR(g.mtbf_h, 54 * 24.0 / 419, 1e-9);  // 3.09 h (published-numbers.md §7 [D])
  EXPECT_NEAR(g.expected_interruptions, 419, 0.5);
  EXPECT_GT(g.effective_time_fraction, 0.90);
  // Tectonic's 2 TB/s sustained at the full 16K scale.
  EXPECT_NEAR(g.checkpoint_write_s, kLlama405bCheckpointBytes / 2e12, 1e-9);
  EXPECT_NEAR(g.checkpoint_interval_s, daly_interval_s(g.checkpoint_write_s, g.mtbf_h * 3600), 1e-9);
  EXPECT_NEAR(g.effective_time_fraction + g.fraction_checkpointing + g.fraction_lost_work + g.fraction_restarting,
              1.0, 1e-12);

  // At the paper's upper bound of 4 GB checkpoint state per GPU.
  const GoodputResult big = compute_goodput(spec, 16384, 8, 4e9 * 16384, useful_gpu_hours, 2.0);
  std::printf("  with 4 GB/GPU of checkpoint state: write %.0f s, effective %.1f%%\n", big.checkpoint_write_s,
              100 * big.effective_time_fraction);
  EXPECT_LT(big.effective_time_fraction, g.effective_time_fraction);

  // Without spares every node-level interruption waits for a replacement node.
  FailureSpec no_spares;
  const GoodputResult ns = compute_goodput(no_spares, 16384, 8, kLlama405bCheckpointBytes, useful_gpu_hours, 2.0);
  std::printf("  without hot spares: restart %.0f s, effective %.1f%%\n", ns.restart_s,
              100 * ns.effective_time_fraction);
  EXPECT_LT(ns.effective_time_fraction, g.effective_time_fraction);
}

TEST(Goodput, FirstOrderAccountingAgreesWithDalysCompleteModel) {
  FailureSpec spec;
  spec.hot_spare_nodes = 64;
  const GoodputResult g = compute_goodput(spec, 16384, 8, kLlama405bCheckpointBytes, 16384.0 * 1000, 2.0);
  const double useful_s = 1000.0 * 3600;
  const double daly_wall = daly_expected_wall_s(useful_s, g.checkpoint_interval_s, g.checkpoint_write_s,
                                                g.restart_s, g.mtbf_h * 3600);
  const double daly_fraction = useful_s / daly_wall;
  std::printf("effective fraction: first order %.4f, Daly complete model %.4f\n", g.effective_time_fraction,
              daly_fraction);
  EXPECT_NEAR(g.effective_time_fraction, daly_fraction, 0.005);
}

TEST(Goodput, RestartAndSpares) {
  FailureSpec spec;
  GoodputOptions opt;
  const double bytes = 1e12;
  const int gpus = 2048;
  const GoodputResult none = compute_goodput(spec, gpus, 8, bytes, 1e6, 2.0, opt);
  // Share of Table 5 that takes a node out: everything but Dependency (56) and Unknown (7) = 356/419.
  const double delta = bytes / default_storage_write_Bps(gpus);
  EXPECT_NEAR(none.restart_s, opt.relaunch_s + delta + 356.0 / 419 * opt.node_replace_s, 1e-6);

  spec.hot_spare_nodes = 4;
  const GoodputResult four = compute_goodput(spec, gpus, 8, bytes, 1e6, 2.0, opt);
  const double node_failures_per_day = 356.0 / kLlamaGpuDays * gpus;
  const double p_wait = poisson_tail(node_failures_per_day * opt.node_repair_s / 86400, 4);
  EXPECT_NEAR(four.restart_s, opt.relaunch_s + delta + 356.0 / 419 * p_wait * opt.node_replace_s, 1e-6);
  EXPECT_LT(four.restart_s, none.restart_s);
  EXPECT_GT(four.effective_time_fraction, none.effective_time_fraction);

  // A given restart time replaces relaunch + reload; the spare term still applies on top.
  spec.hot_spare_nodes = 0;
  spec.restart_s = 120;
  const GoodputResult given = compute_goodput(spec, gpus, 8, bytes, 1e6, 2.0, opt);
  EXPECT_NEAR(given.restart_s, 120 + 356.0 / 419 * opt.node_replace_s, 1e-6);
}

TEST(Goodput, RestartPartsAreInputsShownSeparately) {
  // `failures.restart: 10 min` on 2048 GPUs with no spare: the 10 min are relaunch + reload, and the expected
  // wait for a replacement node (356/419 of interruptions take a node out, none is free, 1 h each) is its own
  // part, not folded silently into the given figure.
  FailureSpec spec;
  spec.restart_s = 600;
  const GoodputResult g = compute_goodput(spec, 2048, 8, 1e12, 1e6, 2.0);
  EXPECT_TRUE(g.restart_given);
  EXPECT_DOUBLE_EQ(g.restart_relaunch_s, 600);
  EXPECT_DOUBLE_EQ(g.restart_reload_s, 0);
  EXPECT_NEAR(g.node_wait_fraction, 356.0 / 419, 1e-12);
  EXPECT_DOUBLE_EQ(g.node_replacement_s, 3600);
  EXPECT_NEAR(g.restart_node_wait_s, 356.0 / 419 * 3600, 1e-9);
  EXPECT_NEAR(g.restart_s, g.restart_relaunch_s + g.restart_reload_s + g.restart_node_wait_s, 1e-9);
  EXPECT_NE(g.node_replacement_source.find("assumed 1 h"), std::string::npos);
  EXPECT_NE(g.relaunch_source.find("failures.restart"), std::string::npos);
  // Each part is an input: a cluster that swaps nodes instantly restarts in exactly the given 10 min.
  spec.node_replacement_s = 0;
  const GoodputResult instant = compute_goodput(spec, 2048, 8, 1e12, 1e6, 2.0);
  EXPECT_DOUBLE_EQ(instant.restart_s, 600);
  EXPECT_EQ(instant.node_replacement_source, "failures.node_replacement");
  // Relaunch given on its own: reload is computed from the checkpoint and the storage bandwidth.
  FailureSpec parts;
  parts.relaunch_s = 300;
  parts.node_replacement_s = 1800;
  parts.node_repair_s = 3600;
  const GoodputResult p = compute_goodput(parts, 2048, 8, 1e12, 1e6, 2.0);
  EXPECT_DOUBLE_EQ(p.restart_relaunch_s, 300);
  EXPECT_DOUBLE_EQ(p.restart_reload_s, 1e12 / default_storage_write_Bps(2048));
  EXPECT_NEAR(p.restart_node_wait_s, 356.0 / 419 * 1800, 1e-9);
  EXPECT_EQ(p.relaunch_source, "failures.relaunch");
}

TEST(Goodput, ExtraGpuHoursAndDollars) {
  FailureSpec spec;
  spec.hot_spare_nodes = 2;
  spec.checkpoint_interval_s = 3600;  // given, not optimised
  const double useful = 2.664e6;      // DeepSeek-V3 pre-training GPU-hours
  const GoodputResult g = compute_goodput(spec, 2048, 8, 1e12, useful, 2.0);
  EXPECT_DOUBLE_EQ(g.checkpoint_interval_s, 3600);
  const double elapsed_h = useful / 2048 / g.effective_time_fraction;
  EXPECT_NEAR(g.extra_gpu_hours, useful * (1 / g.effective_time_fraction - 1) + 2 * 8 * elapsed_h, 1e-6);
  EXPECT_NEAR(g.extra_usd, 2.0 * g.extra_gpu_hours, 1e-6);
  EXPECT_NEAR(g.expected_interruptions, g.interruptions_per_day * elapsed_h / 24, 1e-9);
  std::printf("DeepSeek-V3-sized run under Llama 3 rates: %.1f interruptions, effective %.1f%%, +%.0fK GPU-h\n",
              g.expected_interruptions, 100 * g.effective_time_fraction, g.extra_gpu_hours / 1e3);
}

TEST(Goodput, DisabledAndFailureFree) {
  FailureSpec off;
  off.enabled = false;
  const GoodputResult g = compute_goodput(off, 2048, 8, 1e12, 1e6, 2.0);
  EXPECT_FALSE(g.enabled);
  EXPECT_EQ(g.effective_time_fraction, 1.0);
  EXPECT_EQ(g.extra_gpu_hours, 0.0);

  FailureSpec quiet;
  quiet.classes = {FailureClass{"none", "GPU", 0.0}};
  quiet.checkpoint_interval_s = 1000;
  quiet.storage_write_Bps = 1e10;
  const GoodputResult q = compute_goodput(quiet, 8, 8, 1e11, 100, 2.0);  // 10 s write every 1,000 s
  EXPECT_NEAR(q.effective_time_fraction, 1000.0 / 1010.0, 1e-12);
  EXPECT_EQ(q.expected_interruptions, 0.0);
}

TEST(Goodput, RejectsHopelessAndBadInput) {
  FailureSpec spec;
  spec.classes = {FailureClass{"flaky", "GPU", 1.0}};  // one interruption per GPU-day
  spec.restart_s = 600;
  // 1,024 GPUs: an interruption every 84 s, shorter than the restart.
  EXPECT_THROW(compute_goodput(spec, 1024, 8, 1e9, 100, 2.0), Error);
  FailureSpec ok;
  EXPECT_THROW(compute_goodput(ok, 0, 8, 1e9, 100, 2.0), Error);
  EXPECT_THROW(compute_goodput(ok, 8, 8, -1, 100, 2.0), Error);
  ok.hot_spare_nodes = -1;
  EXPECT_THROW(compute_goodput(ok, 8, 8, 1e9, 100, 2.0), Error);
}

}  // namespace
}  // namespace moeplan
