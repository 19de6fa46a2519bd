// Multi-site scenarios (`sites:` and `wan:`): a valid one loads with its sites, links and replicas, and each
// class of mistake is an error placed at its file:line:column with the key, what was expected and a hint.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/io/scenario_loader.h"
#include "tests/io/scenario_text.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

using test::catalog;
using test::error_of;
using test::replace;

// Two sites of two 8-GPU nodes each; each test breaks one line.
const char* kValid = R"(name: t
model: llama-3.1-8b
sites:
  - {name: us-east, gpu: h100-sxm, nodes: 2, scale_out: ib-ndr, price: "$2/h"}
  - {name: eu-west, gpu: a100-80g, nodes: 2, scale_out: ib-ndr, uplink: 10 Gbps}
wan:
  default: {bandwidth: 1 Gbps, latency: 50 ms}
  links:
    - {between: [us-east, eu-west], bandwidth: 1.16 Gbps, latency: 76 ms, egress_usd_per_gb: 0.02}
parallel: {tp: 8, pp: 1, dp: 4, zero: 1}
precision: bf16
training:
  phases:
    - {tokens: 1B, seq_len: 4096, global_batch: 64}
)";

void expect_error(const std::string& yaml, const std::string& located_prefix, const std::string& fragment) {
  const std::string e = error_of(yaml);
  std::printf("%s\n", e.c_str());
  EXPECT_EQ(e.rfind(located_prefix, 0), 0u) << e;
  EXPECT_NE(e.find(fragment), std::string::npos) << e;
}

TEST(SitesLoader, ValidScenarioLoads) {
  const Scenario s = load_scenario_text(kValid, "t.yaml", catalog());
  ASSERT_EQ(s.sites.sites.size(), 2u);
  EXPECT_EQ(s.sites.sites[0].name, "us-east");
  EXPECT_EQ(s.sites.sites[1].gpu.name, "a100-80g");
  EXPECT_DOUBLE_EQ(s.sites.sites[0].usd_per_gpu_hour, 2.0);
  EXPECT_DOUBLE_EQ(s.sites.sites[1].uplink_Bps, 10e9 / 8);
  ASSERT_EQ(s.sites.links.size(), 1u);
  EXPECT_DOUBLE_EQ(s.sites.links[0].bandwidth_Bps, 1.16e9 / 8);
  EXPECT_DOUBLE_EQ(s.sites.links[0].latency_s, 0.076);
  EXPECT_DOUBLE_EQ(s.sites.links[0].egress_usd_per_gb, 0.02);
  EXPECT_DOUBLE_EQ(s.sites.default_link.latency_s, 0.05);
  // parallel.dp counts replicas over every site: 2 x 16 GPUs / tp 8.
  EXPECT_EQ(s.cluster.n_gpus(), 32);
  EXPECT_EQ(s.parallel.dp, 4);
  EXPECT_EQ(s.sites.n_gpus(), 32);
}

TEST(SitesLoader, UnknownSiteKey) {
  expect_error(replace(kValid, "price: \"$2/h\"", "prices: \"$2/h\""), "t.yaml:4:",
               "unknown key `prices`");
}

TEST(SitesLoader, UnknownLinkKey) {
  expect_error(replace(kValid, "egress_usd_per_gb: 0.02", "egress: 0.02"), "t.yaml:9:", "unknown key `egress`");
}

TEST(SitesLoader, UnknownSiteName) {
  expect_error(replace(kValid, "between: [us-east, eu-west]", "between: [us-east, eu-north]"), "t.yaml:9:",
               "unknown site `eu-north`");
}

TEST(SitesLoader, PairListedTwice) {
  const std::string twice = replace(
      kValid, "    - {between: [us-east, eu-west]",
      "    - {between: [eu-west, us-east], bandwidth: 2 Gbps}\n    - {between: [us-east, eu-west]");
  expect_error(twice, "t.yaml:10:", "listed twice");
}

TEST(SitesLoader, SiteNameListedTwice) {
  expect_error(replace(kValid, "name: eu-west", "name: us-east"), "t.yaml:5:", "site `us-east` is listed twice");
}

TEST(SitesLoader, SiteThatDoesNotHoldWholeReplicas) {
  // eu-west with one 4-GPU node cannot hold a tp-8 replica.
  std::string y = replace(kValid, "{name: eu-west, gpu: a100-80g, nodes: 2,", "{name: eu-west, gpu: a100-80g, nodes: 1, gpus_per_node: 4,");
  expect_error(y, "t.yaml:5:", "do not hold whole replicas");
}

TEST(SitesLoader, MissingPairWithoutDefault) {
  std::string y = replace(kValid, "  default: {bandwidth: 1 Gbps, latency: 50 ms}\n", "");
  y = replace(y, "  - {name: eu-west", "  - {name: ap-east, gpu: h100-sxm, nodes: 2, scale_out: ib-ndr}\n  - {name: eu-west");
  y = replace(y, "dp: 4", "dp: 6");
  expect_error(y, "t.yaml:7:", "no WAN link between `us-east` and `ap-east`");
}

TEST(SitesLoader, ClusterAndSitesTogether) {
  expect_error(replace(kValid, "sites:", "cluster: {gpu: h100-sxm}\nsites:"), "t.yaml:3:",
               "either `cluster:` or `sites:`");
}

TEST(SitesLoader, WanWithoutSites) {
  std::string y = replace(kValid,
                          "sites:\n  - {name: us-east, gpu: h100-sxm, nodes: 2, scale_out: ib-ndr, price: \"$2/h\"}\n"
                          "  - {name: eu-west, gpu: a100-80g, nodes: 2, scale_out: ib-ndr, uplink: 10 Gbps}\n",
                          "cluster: {gpu: h100-sxm, nodes: 4, scale_out: ib-ndr}\n");
  expect_error(y, "t.yaml:5:", "`wan:` joins sites");
}

TEST(SitesLoader, ReplicasCountOverAllSites) {
  // dp must be the replicas of every site together (4), not one site's (2).
  expect_error(replace(kValid, "dp: 4", "dp: 2"), "t.yaml:10:", "GPUs");
}

TEST(SitesLoader, Fp8OnASiteWithoutFp8) {
  expect_error(replace(kValid, "precision: bf16", "precision: fp8"), "t.yaml:11:", "no FP8 tensor cores");
}

TEST(SitesLoader, LowCommunicationSyncNeedsSites) {
  const std::string one_cluster =
      "name: t\nmodel: llama-3.1-8b\ncluster: {gpu: h100-sxm, nodes: 2, scale_out: ib-ndr}\n"
      "parallel: {tp: 8, dp: 2, dp_sync: {method: diloco, inner_steps: 100}}\n"
      "training:\n  phases:\n    - {tokens: 1B, seq_len: 4096, global_batch: 64}\n";
  expect_error(one_cluster, "t.yaml:4:", "costed across sites joined by WAN links");
  // The same plan over sites loads.
  EXPECT_EQ(error_of(replace(kValid, "zero: 1}", "zero: 1, dp_sync: {method: diloco, inner_steps: 100}}")), "");
}

TEST(SitesLoader, NonPositiveLinkBandwidth) {
  expect_error(replace(kValid, "bandwidth: 1.16 Gbps", "bandwidth: 0 Gbps"), "t.yaml:9:", "positive bandwidth");
}

}  // namespace
}  // namespace moeplan::io
