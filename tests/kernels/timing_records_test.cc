// Attribution of per-kernel device records to timed calls, and the nccl-tests bus-bandwidth convention.
#include <gtest/gtest.h>

#include "kernels/timing/collective_bandwidth.h"
#include "kernels/timing/kernel_records.h"

namespace moeplan::kernels {
namespace {

TEST(KernelRecords, SumsEachCallsKernelsAndTakesTheMedian) {
  // Three calls of two kernels each (a GEMM and a reduction), with launch gaps between them that are not
  // kernel time. Records arrive out of order, as CUPTI buffers may deliver them.
  std::vector<KernelRecord> r = {
      {"gemm", 1000, 4000},   {"reduce", 4500, 5000},   // call 0: 3.0 + 0.5 us
      {"gemm", 10000, 12000}, {"reduce", 12200, 12400},  // call 2: 2.0 + 0.2 us (delivered before call 1)
      {"gemm", 6000, 9000},   {"reduce", 9100, 9600},   // call 1: 3.0 + 0.5 us
  };
  const PerCallKernelTime t = per_call_kernel_time(r, 3);
  ASSERT_TRUE(t.ok) << t.reason;
  EXPECT_EQ(t.kernels_per_call, 2);
  ASSERT_EQ(t.seconds.size(), 3u);
  EXPECT_NEAR(t.seconds[0], 3.5e-6, 1e-15);
  EXPECT_NEAR(t.seconds[1], 3.5e-6, 1e-15);
  EXPECT_NEAR(t.seconds[2], 2.2e-6, 1e-15);
  EXPECT_NEAR(t.median_s, 3.5e-6, 1e-15);
}

TEST(KernelRecords, RefusesRecordsThatDoNotSplitIntoEqualCalls) {
  std::vector<KernelRecord> r = {{"a", 0, 10}, {"a", 20, 30}, {"a", 40, 50}};
  const PerCallKernelTime uneven = per_call_kernel_time(r, 2);
  EXPECT_FALSE(uneven.ok);
  EXPECT_NE(uneven.reason.find("3 kernel records for 2 calls"), std::string::npos) << uneven.reason;

  std::vector<KernelRecord> mixed = {{"a", 0, 10}, {"b", 20, 30}, {"b", 40, 50}, {"a", 60, 70}};
  const PerCallKernelTime m = per_call_kernel_time(mixed, 2);
  EXPECT_FALSE(m.ok);
  EXPECT_NE(m.reason.find("launched `b` where call 0 launched `a`"), std::string::npos) << m.reason;

  EXPECT_FALSE(per_call_kernel_time({}, 3).ok);
  EXPECT_FALSE(per_call_kernel_time(r, 0).ok);
  EXPECT_FALSE(per_call_kernel_time({{"x", 10, 5}}, 1).ok);  // time never goes backward
}

TEST(CollectiveBandwidth, FollowsTheNcclTestsConvention) {
  // 1 GiB all-reduce over 8 ranks in 10 ms: algbw 107.4 GB/s, busbw x 2*7/8 = 187.9 GB/s.
  const double bytes = 1 << 30;
  EXPECT_NEAR(bus_bandwidth_Bps(Collective::kAllReduce, 8, bytes, 0.01), bytes / 0.01 * 1.75, 1e-3);
  EXPECT_NEAR(bus_bandwidth_Bps(Collective::kAllToAll, 8, bytes, 0.01), bytes / 0.01 * 0.875, 1e-3);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Collective::kAllGather, 2), 0.5);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Collective::kAllReduce, 2), 1.0);
  EXPECT_DOUBLE_EQ(bus_bandwidth_factor(Collective::kAllReduce, 1), 0.0);  // nothing crosses a link
  EXPECT_DOUBLE_EQ(bus_bandwidth_Bps(Collective::kAllToAll, 4, bytes, 0), 0.0);
}

}  // namespace
}  // namespace moeplan::kernels
