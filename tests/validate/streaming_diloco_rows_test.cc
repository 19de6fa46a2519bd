// Streaming DiLoCo (arXiv:2501.18512 Table 4) and DiLoCo scaling-law (arXiv:2503.09799 Table 6) compute-utilisation
// points reproduced by the dp_sync cost model from the papers' inputs: each row prints moeplan's CU at the
// published bandwidth, the CU level the paper reached there, and the error in points.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "sim/units/error.h"
#include "sim/validate/streaming_diloco_rows.h"

namespace moeplan {
namespace {

TEST(StreamingDilocoRows, PublishedLevelsReproduced) {
  const std::vector<ScaleOutValidationRow> rows = run_streaming_diloco_rows("scenarios/validation");
  // Table 4: 3 models x 5 methods x 5 levels; Table 6: 3 x 5 x 5 less DeepSeek-V3's "1000.0+"; Table 1: 2.
  ASSERT_EQ(rows.size(), 75u + 74u + 2u);
  std::map<std::string, std::vector<double>> errors;
  std::vector<std::string> outside;
  for (const ScaleOutValidationRow& r : rows) {
    std::printf("%-20s %-62s predicted %6.2f %%  target %6.2f %%  error %+6.2f points\n", r.group.c_str(),
                r.name.c_str(), r.predicted, r.published, r.error_points());
    errors[r.group].push_back(r.error_points());
    if (!r.within_tolerance()) outside.push_back(r.name);
    EXPECT_EQ(r.tolerance_points, 10.0);
  }
  for (const auto& [group, e] : errors) {
    double sum = 0, worst = 0;
    for (double x : e) {
      sum += std::fabs(x);
      worst = std::max(worst, std::fabs(x));
    }
    std::printf("%s: %zu points, mean |error| %.2f, worst %.2f points\n", group.c_str(), e.size(), sum / e.size(), worst);
  }
  // The done-when: Streaming DiLoCo's points (arXiv:2501.18512 Tables 4 and 1) within 10 points, all.
  for (double x : errors["Streaming DiLoCo"]) EXPECT_LE(std::fabs(x), 10.0);
  // arXiv:2503.09799 Table 6: four data-parallel points miss, all on the pessimistic side. The paper has
  // data parallelism on the 10B model at >= 95 % CU at 222.3 Gbit/s where arXiv:2501.18512 Table 4 (same model,
  // same 0.8 s step) has it below 95 %; moeplan gives 80 %. Recorded, not tuned away.
  const std::vector<std::string> expected_misses = {
      "Chinchilla 10B, Data-Parallel, 80 % CU at 184.2 Gbit/s", "Chinchilla 10B, Data-Parallel, 95 % CU at 222.3 Gbit/s",
      "Llama3 405B, Data-Parallel, 80 % CU at 222.3 Gbit/s", "Llama3 405B, Data-Parallel, 90 % CU at 268.3 Gbit/s"};
  EXPECT_EQ(outside, expected_misses);
  // Table 1: 1B at 1 Gbit/s, CU = hours at infinite bandwidth / hours at 1 Gbit/s.
  const ScaleOutValidationRow& dp = rows[rows.size() - 2];
  const ScaleOutValidationRow& fp4 = rows.back();
  EXPECT_NEAR(dp.published, 100 * 0.67 / 109, 0.001);
  EXPECT_NEAR(fp4.published, 100 * 0.67 / 0.88, 0.01);
  EXPECT_NEAR(dp.predicted, dp.published, 1.0);
  EXPECT_NEAR(fp4.predicted, fp4.published, 5.0);
  for (const ScaleOutValidationRow& r : rows) {
    if (!r.within_tolerance()) {
      EXPECT_LT(r.error_points(), -10.0) << r.name;
    }
  }
}

TEST(StreamingDilocoRows, MalformedFileIsLocated) {
  const auto path = std::filesystem::temp_directory_path() / "moeplan-sdl-rows.yaml";
  {
    std::ofstream f(path);
    f << "cu_levels: [50, 80]\nreplicas: 2\nbackward_share: 0.6667\ntables:\n"
         "  - source: t\n    models:\n      - {name: a, params: 1e9, layers: 24, step_time: 0.1 s}\n"
         "    methods:\n      - name: DP\n        dp_sync: every-step\n        gbps: {a: [1.0]}\n";
  }
  try {
    streaming_diloco_rows_from_file(path.string());
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(":11:"), std::string::npos) << m;
    EXPECT_NE(m.find("1 bandwidths for 2 CU levels"), std::string::npos) << m;
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace moeplan
