// Mistakes in `cluster.pools` each fail at the line of the key that is wrong, naming it, with a hint.
#include <gtest/gtest.h>

#include <string>

#include "sim/io/scenario_loader.h"
#include "tests/io/scenario_text.h"
#include "sim/units/error.h"

namespace moeplan::io {
namespace {

using test::catalog;
using test::error_of;
using test::replace;

// Llama 3.1 8B over two pools of one node each, TP8 PP2: stage 0 on the H100 node, stage 1 on the A100 node.
const char* kValid = R"(name: t
model: llama-3.1-8b
cluster:
  pool_layout: stages
  pools:
    - {name: h100, gpu: h100-sxm, nodes: 1}
    - {name: a100, gpu: a100-80g, nodes: 1}
  scale_out: ib-ndr
parallel: {tp: 8, pp: 2, dp: 1, zero: 0, micro_batch: 1, schedule: 1f1b}
precision: bf16
training:
  phases:
    - {tokens: 1B, seq_len: 4096, global_batch: 64}
)";

void expect_has(const std::string& message, const std::string& part) {
  EXPECT_NE(message.find(part), std::string::npos) << "`" << part << "` not in: " << message;
}

TEST(GpuPoolErrors, TheValidFixtureLoadsAsTwoPools) {
  const Scenario s = load_scenario_text(kValid, "t.yaml", catalog());
  ASSERT_EQ(s.cluster.pools.pools.size(), 2u);
  EXPECT_EQ(s.cluster.n_gpus(), 16);
  EXPECT_EQ(s.cluster.pools.pools[1].gpu.name, "a100-80g");
  EXPECT_EQ(s.cluster.pools.pools[1].scale_up.name, "nvlink3");  // the GPU's own link by default
  EXPECT_EQ(s.cluster.pools.layout, GpuPoolLayout::kStages);
  EXPECT_EQ(pool_members(s, 0), 1);
}

TEST(GpuPoolErrors, UnknownPoolKeyAndGpuAreLocated) {
  const std::string key = error_of(replace(kValid, "{name: a100, gpu", "{name: a100, gppu: x, gpu"));
  expect_has(key, "t.yaml:7:");
  expect_has(key, "gppu");
  const std::string gpu = error_of(replace(kValid, "gpu: a100-80g", "gpu: a100-80"));
  expect_has(gpu, "t.yaml:7:");
  expect_has(gpu, "a100-80g");  // did-you-mean
}

TEST(GpuPoolErrors, APoolMustHoldWholeStagesOfOneNodeSize) {
  // TP8 PP1 DP3 on 8 + 16 GPUs: a stage is tp x dp = 24 GPUs, more than the H100 pool has.
  const std::string whole = error_of(replace(replace(kValid, "gpu: a100-80g, nodes: 1}", "gpu: a100-80g, nodes: 2}"),
                                             "tp: 8, pp: 2, dp: 1", "tp: 8, pp: 1, dp: 3"));
  expect_has(whole, "t.yaml:6:");
  expect_has(whole, "cluster.pools[0].nodes");
  expect_has(whole, "not a whole number of pipeline stages of tp x cp x dp = 24 GPUs");
  const std::string size = error_of(replace(kValid, "{name: a100, gpu: a100-80g, nodes: 1}",
                                            "{name: a100, gpu: a100-80g, nodes: 2, gpus_per_node: 4}"));
  expect_has(size, "t.yaml:7:");
  expect_has(size, "cluster.pools[1].gpus_per_node");
}

TEST(GpuPoolErrors, ScheduleWithSeveralChunksPerRankIsRefused) {
  const std::string m = error_of(replace(kValid, "schedule: 1f1b", "schedule: dualpipe"));
  expect_has(m, "parallel.schedule");
  expect_has(m, "one model chunk per rank");
}

TEST(GpuPoolErrors, GivenLayersMustAddUpAndCoverEveryPool) {
  const std::string sum = error_of(replace(replace(kValid, "nodes: 1}\n    - {name: a100", "nodes: 1, layers: [20]}\n    - {name: a100"),
                                           "gpu: a100-80g, nodes: 1}", "gpu: a100-80g, nodes: 1, layers: [10]}"));
  expect_has(sum, "cluster.pools[1].layers");
  expect_has(sum, "add up to 30");
  const std::string one = error_of(replace(kValid, "gpu: a100-80g, nodes: 1}", "gpu: a100-80g, nodes: 1, layers: [10]}"));
  expect_has(one, "cluster.pools[0].layers");
  expect_has(one, "every pool, or for none");
}

TEST(GpuPoolErrors, APriceNeedsItsSourceAndPoolNamesAreUnique) {
  const std::string price = error_of(replace(kValid, "{name: a100, gpu: a100-80g, nodes: 1}",
                                             "{name: a100, gpu: a100-80g, nodes: 1, usd_per_gpu_hour: \"$1.89/h\"}"));
  expect_has(price, "price_source");
  expect_has(price, "t.yaml:7:");
  const std::string names = error_of(replace(kValid, "{name: a100,", "{name: h100,"));
  expect_has(names, "cluster.pools[1].name");
  expect_has(names, "two pools are named `h100`");
}

TEST(GpuPoolErrors, ReplicasTakeMicroBatchesNotLayersAndNotDesFull) {
  const std::string layers = error_of(replace(replace(kValid, "pool_layout: stages", "pool_layout: replicas"),
                                              "tp: 8, pp: 2, dp: 1", "tp: 8, pp: 1, dp: 2"));
  EXPECT_EQ(layers, "");  // a valid replicas layout
  const std::string mb = error_of(replace(replace(replace(kValid, "pool_layout: stages", "pool_layout: replicas"),
                                                  "tp: 8, pp: 2, dp: 1", "tp: 8, pp: 1, dp: 2"),
                                          "gpu: h100-sxm, nodes: 1}", "gpu: h100-sxm, nodes: 1, micro_batches: [40]}"));
  expect_has(mb, "cluster.pools[1].micro_batches");
  const std::string full = error_of(std::string(kValid) + "fidelity: des-full\n");
  expect_has(full, "des-full");
  const std::string phase = error_of(replace(kValid, "global_batch: 64}", "global_batch: 64, cluster: {pools: []}}"));
  expect_has(phase, "pools are given once");
}

}  // namespace
}  // namespace moeplan::io
