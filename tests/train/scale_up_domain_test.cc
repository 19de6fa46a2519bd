// A scale-up domain larger than a node: GB200 NVL72 against B200's 8-GPU HGX nodes on the DeepSeek-V3
// layout (TP1 PP16 EP64, DeepSeek-V3 report §3.1), the same NVLink 5 fabric on both (hardware.md §2 [S3]).
// On B200 the EP64 all-to-all leaves each 8-GPU node over the NICs; on GB200 it stays inside a 64-GPU block
// of the 72-GPU NVLink domain ([S14]), and the run report says so.
#include <cstdio>

#include <gtest/gtest.h>

#include "sim/train/cluster_notes.h"
#include "tests/train/loaded_scenarios.h"

namespace moeplan {
namespace {

struct Step {
  double time_s = 0, exposed_comm_s = 0;
  std::string note;
};

Step run(test::Loaded& l, const std::string& gpu, const std::vector<std::string>& more = {}) {
  std::vector<std::string> o = {"cluster.gpu=" + gpu, "cluster.scale_up=nvlink5", "fidelity=analytic"};
  o.insert(o.end(), more.begin(), more.end());
  Scenario s = l.load("scenarios/deepseek-v3-h800.yaml", o);
  s.calibration.clear();  // each GPU on its own default profile
  const StepResult r = simulate_step(s, *l.calib(s), test::main_shape(s));
  std::printf("%-28s step %.3f s, exposed comm %.3f s, block %d GPUs\n", (gpu + (more.empty() ? "" : " node-domain")).c_str(),
              r.time_s, r.exposed_comm_s, s.cluster.scale_up_gpus());
  return Step{r.time_s, r.exposed_comm_s, scale_up_domain_note(s.cluster, s.parallel)};
}

TEST(ScaleUpDomain, Gb200KeepsEp64OnNvlinkWhereB200CrossesTheNics) {
  test::Loaded l;
  const Step b200 = run(l, "b200");
  const Step gb200 = run(l, "gb200");
  const Step gb200_nodes = run(l, "gb200", {"cluster.scale_up_domain=0"});
  // The domain is what moves GB200's step: without it, its exposed communication is B200's kind (IB-bound).
  EXPECT_LT(gb200.exposed_comm_s, 0.5 * gb200_nodes.exposed_comm_s);
  EXPECT_LT(gb200.time_s, gb200_nodes.time_s);
  EXPECT_LT(gb200.exposed_comm_s, 0.5 * b200.exposed_comm_s);
  EXPECT_LT(gb200.time_s, b200.time_s);
  // The reason the report gives.
  EXPECT_TRUE(b200.note.empty());
  EXPECT_NE(gb200.note.find("72 GPUs"), std::string::npos) << gb200.note;
  EXPECT_NE(gb200.note.find("32 block(s) of 64"), std::string::npos) << gb200.note;
  EXPECT_NE(gb200.note.find("EP64 all-to-all would cross the NICs on 8-GPU nodes"), std::string::npos) << gb200.note;
}

TEST(ScaleUpDomain, NoteSaysWhenEpSpansBlocks) {
  ClusterSpec c;
  c.n_nodes = 32;
  c.gpus_per_node = 4;
  c.scale_up_domain_gpus = 72;
  c.scale_up.name = "nvlink5";
  c.scale_out.name = "ib-ndr";
  ParallelPlan p;
  p.ep = 128;  // 128 GPUs = 2 blocks of 64
  const std::string note = scale_up_domain_note(c, p);
  EXPECT_NE(note.find("2 block(s) of 64"), std::string::npos) << note;
  EXPECT_NE(note.find("EP128 spans more than one block"), std::string::npos) << note;
}

}  // namespace
}  // namespace moeplan
