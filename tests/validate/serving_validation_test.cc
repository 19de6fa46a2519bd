// The serving rows of the validation suite: the shipped Day-6 scenario's published figures are scored with
// prediction, target and error printed, the rows match the serving result they come from, and the training
// rows' folder listing is unaffected by the serving subfolder.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/validate/serving_validation.h"
#include "sim/validate/validation_suite.h"

namespace moeplan {
namespace {

TEST(ServingValidation, Day6RowsAreScored) {
  const std::string catalog_dir = io::find_catalog_dir("");
  const io::Catalog catalog = io::Catalog::load(catalog_dir);
  const std::string dir = (std::filesystem::path(catalog_dir).parent_path() / "validation").string();
  const std::vector<ServingValidationRow> rows = run_serving_validation(dir, catalog, find_profiles_dir());
  std::printf("%s", render_serving_validation_text(rows).c_str());
  ASSERT_EQ(rows.size(), 4u);
  // [P] Day 6 (open-infra-index @ 56d8685, published-numbers.md §5).
  EXPECT_EQ(rows[0].metric, "prefill_tokens_per_s_per_node_day");
  EXPECT_DOUBLE_EQ(rows[0].published, 73.7e3);
  EXPECT_DOUBLE_EQ(rows[1].published, 14.8e3);
  EXPECT_DOUBLE_EQ(rows[2].published, 226.75);
  EXPECT_DOUBLE_EQ(rows[3].published, 87072);
  for (const ServingValidationRow& r : rows) {
    EXPECT_NEAR(r.error, r.predicted / r.published - 1, 1e-12);
    EXPECT_FALSE(r.source.empty());
  }
  // The day's cost is its node-hours at $2/GPU-hour: the nodes and dollars rows agree in error.
  EXPECT_NEAR(rows[2].error, rows[3].error, 1e-9);
  // The training listing does not pick up the serving folder.
  for (const std::string& f : validation_files(dir)) EXPECT_EQ(f.find("/serving/"), std::string::npos) << f;
  EXPECT_TRUE(run_serving_validation("/nonexistent", catalog, find_profiles_dir()).empty());
}

}  // namespace
}  // namespace moeplan
