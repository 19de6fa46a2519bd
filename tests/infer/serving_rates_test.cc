// The measured low-latency all-to-all table: the shipped file loads, its lookup reproduces the published
// latencies at the measured sizes, and the decode step uses it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/infer/data_paths.h"
#include "sim/infer/serving_rates.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

TEST(ServingRates, ShippedDeepEpTableReproducesItsLatencies) {
  const ServingRates r = load_serving_rates(test::data_path("calibrate/profiles"));
  const LowLatencyA2aTable* t = r.low_latency_for("ib-ndr");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(r.low_latency_for("no-such-fabric"), nullptr);
  // DeepEP README @ ebfe47e: EP128 dispatch 192 us, combine 369 us for 128 tokens x top-8 x 7168 hidden.
  const double dispatch_bytes = 128.0 * 8 * (7168 + 7168 / 128.0 * 4);
  const double combine_bytes = 128.0 * 8 * 7168 * 2;
  EXPECT_NEAR(dispatch_bytes / t->effective_Bps(128, true), 192e-6, 1e-12);
  EXPECT_NEAR(combine_bytes / t->effective_Bps(128, false), 369e-6, 1e-12);
  // The NIC-bound rows: the effective rate is near the published 39 GB/s RDMA bandwidth.
  EXPECT_NEAR(t->effective_Bps(128, true) / 1e9, 39.4, 0.5);
  // Between sizes: interpolated in log2(ep) (EP144 of the Day-6 decode unit); beyond: held flat.
  const double f = std::log2(144.0 / 128.0);
  EXPECT_NEAR(combine_bytes / t->effective_Bps(144, false), 369e-6 + f * (360e-6 - 369e-6), 1e-12);
  EXPECT_DOUBLE_EQ(t->effective_Bps(4, true), t->effective_Bps(8, true));
  EXPECT_DOUBLE_EQ(t->effective_Bps(1024, true), t->effective_Bps(256, true));
}

TEST(ServingRates, AbsentFileGivesNoTableAndBadFilesAreLocated) {
  EXPECT_TRUE(load_serving_rates("/nonexistent").low_latency.empty());
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "moeplan_serving_rates_test";
  std::filesystem::create_directories(dir / "serving");
  {
    std::ofstream out(dir / "serving" / "ep-low-latency.yaml");
    out << "moeplan_serving_rates: 1\nep_low_latency:\n  - {fabric: ib-ndr, tokens: 128, hidden: 7168, top_k: 8,\n"
           "     source: x, points: [{ep: 16, dispatch_us: 1, combine_us: 2}, {ep: 8, dispatch_us: 1, combine_us: 2}]}\n";
  }
  try {
    load_serving_rates(dir.string());
    ADD_FAILURE() << "expected a user error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("ep-low-latency.yaml:4"), std::string::npos) << what;
    EXPECT_NE(what.find("ascending"), std::string::npos) << what;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace moeplan
