// tp_exposed_comm_s: what a TP all-reduce leaves exposed when its reduce-scatter half is pipelined with the
// GEMM before it and its all-gather half with the GEMM after it.
#include <gtest/gtest.h>

#include "sim/workload/stage_costs.h"

namespace moeplan {
namespace {

TEST(TpOverlap, EachHalfHidesUnderItsOwnGemm) {
  // 4 ms of all-reduce: 2 ms of reduce-scatter and 2 ms of all-gather.
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 0, 0), 4e-3);         // no neighbours: all of it
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 5e-3, 5e-3), 0.0);    // both halves shorter than their GEMMs
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 1e-3, 5e-3), 1e-3);   // the reduce-scatter outlasts its GEMM by 1 ms
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 5e-3, 0.5e-3), 1.5e-3);
  // A long GEMM on one side does not hide the other side's half.
  EXPECT_DOUBLE_EQ(tp_exposed_comm_s(4e-3, 100e-3, 0), 2e-3);
}

}  // namespace
}  // namespace moeplan
