// Spot and volunteer churn through the real command line: bad availability settings end in exit 2 with the
// override or file:line:column that set them; a synchronous spot job that cannot make progress is a user error
// that points at elastic recovery; a good run prints the churn sentence and table and writes the JSON keys.
#include <gtest/gtest.h>

#include <string>

#include "tests/cli/cli_runner.h"

namespace moeplan::test {
namespace {

const std::string kSpot = "scenarios/scale-out/spot-h100.yaml";

TEST(ChurnCli, OverrideErrorsNameTheOverride) {
  const CliOutcome o = run_cli({"run", kSpot, "--set", "availability.spot.discount=0.5"});
  EXPECT_EQ(o.code, 2) << o.stderr_text;
  EXPECT_EQ(o.stderr_text,
            "moeplan: error: override `availability.spot.discount=0.5`: `availability.spot.discount`: give price or "
            "discount, not both (expected one of the two)\n");
}

TEST(ChurnCli, FileErrorsAreLocated) {
  const std::string f = variant(kSpot, "    recovery: elastic ", "    recovery: elastik ", "spot-bad-recovery.yaml");
  const CliOutcome o = run_cli({"run", f});
  EXPECT_EQ(o.code, 2) << o.stderr_text;
  EXPECT_NE(o.stderr_text.find(f + ":54:15: `availability.spot.recovery`: unknown recovery `elastik`"),
            std::string::npos)
      << o.stderr_text;
}

TEST(ChurnCli, SynchronousSpotThatCannotProgressIsAUserError) {
  // 32 nodes x 0.44 preemptions per node-hour: one every 4.3 min, each costing a relaunch and a 50 min wait.
  const CliOutcome o = run_cli({"run", kSpot, "--set", "availability.spot.recovery=restart"});
  EXPECT_EQ(o.code, 2) << o.stderr_text;
  EXPECT_NE(o.stderr_text.find("the job cannot make progress"), std::string::npos) << o.stderr_text;
  EXPECT_NE(o.stderr_text.find("recovery: elastic"), std::string::npos) << o.stderr_text;
}

TEST(ChurnCli, RunReportsChurnBesideTheRunWithoutIt) {
  const CliOutcome text = run_cli({"run", kSpot});
  ASSERT_EQ(text.code, 0) << text.stderr_text;
  EXPECT_NE(text.stdout_text.find("with spot preemptions ("), std::string::npos);
  EXPECT_NE(text.stdout_text.find("on-demand)"), std::string::npos);
  EXPECT_NE(text.stdout_text.find("\nSpot preemptions\n"), std::string::npos);
  EXPECT_NE(text.stdout_text.find("break-even preemptions per node-hour"), std::string::npos);
  const CliOutcome json = run_cli({"run", kSpot, "--format", "json"});
  ASSERT_EQ(json.code, 0) << json.stderr_text;
  for (const char* key : {"\"churn\"", "\"availability\"", "\"churn_free_gpu_hours\"", "\"breakeven_per_node_hour\""})
    EXPECT_NE(json.stdout_text.find(key), std::string::npos) << key;
}

}  // namespace
}  // namespace moeplan::test
