// Steps whose micro-batch count is not a multiple of pp: 1F1B takes any count and interleaved 1F1B any count
// >= pp (Megatron-Core, megatron/core/pipeline_parallel/schedules.py; interleaved_group_size). Llama-3.1-8B on
// one 8-GPU node, pp 4, dp 2, micro-batches of 2 sequences: a global batch of 28 gives 7 micro-batches.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "sim/units/error.h"
#include "tests/train/loaded_scenarios.h"

namespace moeplan {
namespace {

using test::Loaded;
using test::main_shape;

double step_s(Scenario s, const Calibration& calib, Fidelity fidelity, int global_batch) {
  s.fidelity = fidelity;
  StepShape shape = main_shape(s);
  shape.global_batch = global_batch;
  return simulate_step(s, calib, shape).time_s;
}

TEST(MicroBatchCount, SevenMicroBatchesOnFourStages) {
  Loaded l;
  for (const std::string& schedule : {std::string("1f1b"), std::string("interleaved")}) {
    std::vector<std::string> o = {"cluster.nodes=1", "parallel.pp=4", "parallel.schedule=" + schedule,
                                  "training.phases[0].global_batch=28"};
    if (schedule == "interleaved") o.push_back("parallel.virtual_stages=2");
    const Scenario s = l.load("scenarios/small-dense.yaml", o);
    auto calib = l.calib(s);
    Scenario des = s;
    des.fidelity = Fidelity::kDes;
    const StepResult r = simulate_step(des, *calib, main_shape(des));
    EXPECT_EQ(r.micro_batches, 7);
    // Seven micro-batches cost more than six and less than eight, at every fidelity.
    for (Fidelity f : {Fidelity::kAnalytic, Fidelity::kDes, Fidelity::kDesFull}) {
      const double six = step_s(s, *calib, f, 24), seven = step_s(s, *calib, f, 28), eight = step_s(s, *calib, f, 32);
      std::printf("%s, fidelity %d: 6 / 7 / 8 micro-batches %.4f / %.4f / %.4f s\n", schedule.c_str(),
                  static_cast<int>(f), six, seven, eight);
      EXPECT_LT(six, seven);
      EXPECT_LT(seven, eight);
    }
    // des-full agrees with des where their assumptions coincide (balanced, one node).
    test::expect_des_full_agrees(schedule + " with 7 micro-batches", s, *calib);
  }
}

TEST(MicroBatchCount, InterleavedNeedsAtLeastPpMicroBatches) {
  Loaded l;
  try {
    l.load("scenarios/small-dense.yaml", {"cluster.nodes=1", "parallel.pp=4", "parallel.schedule=interleaved",
                                          "parallel.virtual_stages=2", "training.phases[0].global_batch=12"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    EXPECT_EQ(e.context().key_path, "training.phases[0].global_batch");
    EXPECT_NE(std::string(e.message()).find("at least pp = 4 micro-batches per step, got 3"), std::string::npos)
        << e.message();
  }
}

// The DeepSeek-V3 scenario's batch ramp starts at 3,072 sequences (DeepSeek-V3 report §4.2), 24 micro-batches per
// replica on DP128: not a multiple of pp = 16. Interleaved 1F1B takes it (group size 24 >= pp), as it takes the
// final 15,360 (120 micro-batches), instead of refusing the ramp.
TEST(MicroBatchCount, InterleavedRunsTheDeepSeekV3BatchRamp) {
  Loaded l;
  const Scenario s = l.load("scenarios/deepseek-v3-h800.yaml", {"parallel.schedule=interleaved",
                                                                "parallel.virtual_stages=2", "fidelity=analytic"});
  auto calib = l.calib(s);
  for (int global_batch : {3072, 15360}) {
    StepShape shape = main_shape(s);
    shape.global_batch = global_batch;
    const StepResult r = simulate_step(s, *calib, shape);
    std::printf("interleaved v=2, batch %d: %d micro-batches, step %.3f s\n", global_batch, r.micro_batches, r.time_s);
    EXPECT_EQ(r.micro_batches, global_batch / 128);
    EXPECT_GT(r.time_s, 0);
  }
}

}  // namespace
}  // namespace moeplan
