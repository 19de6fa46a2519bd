// Multi-site runs: identical sites joined by an infinitely fast WAN reproduce the single-cluster run (the
// hierarchical exchange degenerates to the cluster's own DP collective); a finite WAN adds its closed-form
// all-reduce to every step; egress dollars are WAN bytes x price; the slowest site sets the step.
#include <gtest/gtest.h>

#include <cstdio>

#include "sim/network/wan_collective.h"
#include "sim/train/multi_site_run.h"
#include "tests/train/loaded_scenarios.h"

namespace moeplan {
namespace {

// small-dense (Llama-3.1-8B, 16 H100, dp 16) as one cluster, and as four sites of 4 GPUs joined by `wan`.
const char* kSites = R"(name: four-sites
model: llama-3.1-8b
sites:
  - {name: a, gpu: h100-sxm, nodes: 1, gpus_per_node: 4, scale_out: ib-ndr, price: "$2.45/h"}
  - {name: b, gpu: h100-sxm, nodes: 1, gpus_per_node: 4, scale_out: ib-ndr, price: "$2.45/h"}
  - {name: c, gpu: h100-sxm, nodes: 1, gpus_per_node: 4, scale_out: ib-ndr, price: "$2.45/h"}
  - {name: d, gpu: GPU_D, nodes: 1, gpus_per_node: 4, scale_out: ib-ndr, price: "$2.45/h"}
wan:
  default: {bandwidth: WAN_BW, latency: WAN_LAT, egress_usd_per_gb: 0.02}
parallel: {tp: 1, pp: 1, dp: 16, zero: 1, micro_batch: 2, schedule: 1f1b, recompute: full}
precision: bf16
training:
  phases:
    - {name: pre-training, tokens: 10B, seq_len: 8192, global_batch: 512}
price: {usd_per_gpu_hour: "$2.45/h"}
)";

const char* kCluster = R"(name: one-cluster
model: llama-3.1-8b
cluster: {gpu: h100-sxm, nodes: 4, gpus_per_node: 4, scale_up: nvlink4, nics_per_node: 4, scale_out: ib-ndr}
parallel: {tp: 1, pp: 1, dp: 16, zero: 1, micro_batch: 2, schedule: 1f1b, recompute: full}
precision: bf16
training:
  phases:
    - {name: pre-training, tokens: 10B, seq_len: 8192, global_batch: 512}
price: {usd_per_gpu_hour: "$2.45/h"}
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
  for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
  return text;
}

struct Fixture {
  test::Loaded l;
  Scenario sites(const std::string& bw, const std::string& lat, const std::string& gpu_d = "h100-sxm") {
    return io::load_scenario_text(with(with(with(kSites, "WAN_BW", bw), "WAN_LAT", lat), "GPU_D", gpu_d), "t.yaml",
                                  l.catalog);
  }
  RunResult run(const Scenario& s) {
    std::vector<std::unique_ptr<Calibration>> owned;
    std::vector<const Calibration*> calibs;
    for (size_t i = 0; i < s.sites.sites.size(); ++i) {
      owned.push_back(l.calib(site_scenario(s, i)));
      calibs.push_back(owned.back().get());
    }
    return run_multi_site(s, calibs);
  }
};

TEST(MultiSite, IdenticalSitesOverAnInfiniteWanEqualOneCluster) {
  Fixture f;
  const Scenario s = f.sites("1e9 Gbps", "0 s");
  // A multi-site run leaves the single-cluster failure model out; compare failure-free figures.
  Scenario one = io::load_scenario_text(kCluster, "c.yaml", f.l.catalog);
  one.failures.enabled = false;
  const RunResult multi = f.run(s);
  const RunResult single = run_training(one, *f.l.calib(one));
  std::printf("step: one cluster %.6f s, four sites %.6f s (exposed WAN %.3e s); GPU-hours %.3f vs %.3f; "
              "$ %.2f vs %.2f\n",
              single.step.time_s, multi.step.time_s, multi.scale_out.exposed_sync_s_per_step, single.gpu_hours,
              multi.gpu_hours, single.cost.rental_usd, multi.scale_out.total_usd);
  ASSERT_TRUE(multi.scale_out.present);
  EXPECT_NEAR(multi.step.time_s / single.step.time_s, 1.0, 1e-6);
  EXPECT_NEAR(multi.gpu_hours / single.gpu_hours, 1.0, 1e-6);
  EXPECT_NEAR(multi.days / single.days, 1.0, 1e-6);
  EXPECT_NEAR(multi.scale_out.compute_usd / single.cost.rental_usd, 1.0, 1e-6);
  EXPECT_NEAR(multi.cost.rental_usd / single.cost.rental_usd, 1.0, 1e-6);
  EXPECT_NEAR(multi.scale_out.compute_utilisation, 1.0, 1e-6);
}

TEST(MultiSite, FiniteWanAddsTheClosedFormAllReduceAndEgress) {
  Fixture f;
  const Scenario s = f.sites("10 Gbps", "20 ms");
  const RunResult r = f.run(s);
  const ScaleOutResult& so = r.scale_out;
  // One replica's gradients in the recipe's gradient dtype; ring over 4 sites at 10 Gbit/s = 1.25e9 B/s, 20 ms
  // a hop: 2(4-1) x (P/4 / 1.25e9 + 0.02) s per step.
  const double bytes = bytes_of(s.precision.gradients) * (r.model.params_total + r.model.params_mtp);
  const double hand = 6 * (bytes / 4 / 1.25e9 + 0.02);
  std::printf("exposed WAN per step %.4f s (hand %.4f s); step %.4f s; CU %.3f\n", so.exposed_sync_s_per_step, hand,
              so.step_time_s, so.compute_utilisation);
  EXPECT_NEAR(so.exposed_sync_s_per_step, hand, 1e-9 * hand);
  EXPECT_NEAR(so.step_time_s, so.inner_step_s + hand, 1e-9);
  EXPECT_NEAR(so.compute_utilisation, so.inner_step_s / (so.inner_step_s + hand), 1e-12);
  // Egress = WAN bytes x price: every step each site sends 2(S-1)/S x bytes, at $0.02/GB on its link.
  const double steps = static_cast<double>(r.phases.front().steps);
  const double wan_bytes = steps * 4 * 1.5 * bytes;
  std::printf("WAN bytes %.4e (hand %.4e), egress $%.2f (hand $%.2f)\n", so.wan_bytes, wan_bytes, so.egress_usd,
              wan_bytes / 1e9 * 0.02);
  EXPECT_NEAR(so.wan_bytes / wan_bytes, 1.0, 1e-12);
  EXPECT_NEAR(so.egress_usd, wan_bytes / 1e9 * 0.02, 1e-9 * so.egress_usd);
  EXPECT_NEAR(so.wan_bytes_per_token, wan_bytes / r.phases.front().tokens, 1e-9 * so.wan_bytes_per_token);
  EXPECT_NEAR(so.total_usd, so.compute_usd + so.egress_usd, 1e-9 * so.total_usd);
  // GPU-hours: 16 GPUs for steps x the phase's synchronous step, which is the site's plus the exposed exchange.
  EXPECT_NEAR(r.gpu_hours, 16 * steps * r.phases.front().step_time_s / 3600, 1e-9 * r.gpu_hours);
  EXPECT_NEAR(r.phases.front().step_time_s, so.step_time_s, 1e-3 * so.step_time_s);
}

TEST(MultiSite, TheSlowestSiteSetsTheStep) {
  Fixture f;
  const Scenario s = f.sites("400 Gbps", "1 ms", "a100-80g");
  const RunResult r = f.run(s);
  const ScaleOutResult& so = r.scale_out;
  ASSERT_EQ(so.sites.size(), 4u);
  std::printf("site steps: a %.3f s (h100), d %.3f s (a100); slowest %s\n", so.sites[0].step_time_s,
              so.sites[3].step_time_s, so.slowest_site.c_str());
  EXPECT_EQ(so.slowest_site, "d");
  EXPECT_GT(so.sites[3].step_time_s, so.sites[0].step_time_s);
  EXPECT_DOUBLE_EQ(so.inner_step_s, so.sites[3].step_time_s);
  // Each site is billed for the whole run's wall-clock at its own price.
  for (const SiteStepResult& site : so.sites)
    EXPECT_NEAR(site.gpu_hours, r.gpu_hours / 4, 1e-9 * r.gpu_hours);
}

}  // namespace
}  // namespace moeplan
