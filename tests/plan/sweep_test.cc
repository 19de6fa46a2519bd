// Sweeps: a sweep killed with SIGKILL midway resumes from its SQLite store with every point stored exactly
// once and nothing recomputed; invalid points are stored as errors and the sweep goes on.
#include "sim/plan/sweep_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "sim/calib/profile_calibration.h"
#include "sim/io/catalog.h"
#include "sim/plan/results_store.h"
#include "sim/plan/sweep_points.h"

namespace moeplan {
namespace {

// small-dense (Llama-3.1-8B on 16 H100) at analytic fidelity, swept over pp x micro_batch: 4 x 2 = 8
// points, of which pp = 16 (dp = 1 with ZeRO-1) gives 2 invalid ones.
const char* kSweepYaml = R"(
name: sweep-test
model: llama-3.1-8b
cluster: {gpu: h100-sxm, nodes: 2, gpus_per_node: 8, scale_out: ib-ndr, nics_per_node: 8}
parallel: {tp: 1, pp: 1, dp: auto, zero: 1, micro_batch: 1, schedule: 1f1b, recompute: selective}
precision: bf16
training:
  phases:
    - {name: pre-training, tokens: 10B, seq_len: 4096, global_batch: 512}
price: {usd_per_gpu_hour: "$2.45/h"}
fidelity: analytic
seed: 1
sweep:
  parallel.pp: [1, 2, 16, 4]
  parallel.micro_batch: [1, 2]
)";

struct Fixture : ::testing::Test {
  std::filesystem::path dir;
  std::string yaml, db;
  io::Catalog catalog = io::Catalog::load("scenarios/catalog");
  CalibrationFactory calib = [](const Scenario& s) {
    return load_calibration(default_profile_path(s.cluster.gpu, "calibrate/profiles"), s.cluster.gpu);
  };
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("moeplan-sweep-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    yaml = (dir / "sweep.yaml").string();
    db = (dir / "results.sqlite").string();
    std::ofstream(yaml) << kSweepYaml;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  SweepOptions options(int jobs) const {
    SweepOptions o;
    o.db_path = db;
    o.jobs = jobs;
    return o;
  }
};

TEST_F(Fixture, InvalidPointsAreStoredAsErrorsAndTheSweepGoesOn) {
  const SweepResult r = run_sweep(yaml, catalog, calib, options(2));
  ASSERT_EQ(r.points.size(), 8u);
  EXPECT_EQ(r.computed_now, 8u);
  EXPECT_EQ(r.failed, 2u);
  for (const SweepPointResult& p : r.points) {
    const bool pp16 = p.overrides.front().second == "16";
    EXPECT_EQ(p.ok, !pp16) << p.message;
    if (pp16) {
      EXPECT_NE(p.message.find("ZeRO"), std::string::npos) << p.message;
    }
    // Every row says whether it can run: a point that does not fit in HBM is simulated but marked.
    EXPECT_EQ(p.status, !p.ok ? "error" : p.memory_fits ? "ok" : "does_not_fit") << p.message;
    if (p.ok) {
      EXPECT_GT(p.step_time_s, 0);
      EXPECT_NEAR(p.cost_usd, p.gpu_hours * 2.45, 1e-6 * p.cost_usd);
      EXPECT_FALSE(p.plan.empty());
    }
  }
  // pp = 1 with micro-batch 2 keeps 8K tokens of activations per GPU next to unsharded gradients: over 80 GiB.
  int not_fitting = 0;
  for (const SweepPointResult& p : r.points) not_fitting += p.status == "does_not_fit";
  EXPECT_GE(not_fitting, 1);
  for (const SweepPointResult& p : r.points)
    if (p.overrides[0].second == "1" && p.overrides[1].second == "2") EXPECT_EQ(p.status, "does_not_fit");
  // A second run finds the valid points stored and tries the two failed ones again.
  const SweepResult again = run_sweep(yaml, catalog, calib, options(2));
  EXPECT_EQ(again.computed_now, 2u);
  EXPECT_EQ(again.retried_failed, 2u);
  EXPECT_EQ(again.recomputed_other_inputs, 0u);
  for (const SweepPointResult& p : again.points) EXPECT_EQ(p.computed_now, !p.ok);
}

// A row stores the identity of the inputs that shaped it (version, profile, catalog, model config): when a
// profile changes, a resumed sweep recomputes the points and says so instead of serving the stale rows.
TEST_F(Fixture, ChangedProfileOrVersionRecomputesAndSaysSo) {
  const std::filesystem::path profiles = dir / "profiles";
  std::filesystem::create_directories(profiles);
  const std::string profile = (profiles / "h100-sxm.yaml").string();
  std::filesystem::copy_file(default_profile_path(catalog.gpu("h100-sxm"), "calibrate/profiles"), profile);
  const CalibrationFactory from_copy = [profile](const Scenario& s) {
    return load_calibration(profile, s.cluster.gpu);
  };
  std::vector<std::string> notices;
  auto opts = [&](const std::string& version) {
    SweepOptions o = options(2);
    o.moeplan_version = version;
    o.input_paths = {"scenarios/catalog", profiles.string()};
    o.notice = [&notices](const std::string& text) { notices.push_back(text); };
    return o;
  };
  const SweepResult first = run_sweep(yaml, catalog, from_copy, opts("1.0"));
  EXPECT_EQ(first.computed_now, 8u);
  EXPECT_EQ(first.recomputed_other_inputs, 0u);

  // Same inputs: only the two failed points run again.
  EXPECT_EQ(run_sweep(yaml, catalog, from_copy, opts("1.0")).computed_now, 2u);

  std::ofstream(profile, std::ios::app) << "# edited after the first run\n";
  notices.clear();
  const SweepResult edited = run_sweep(yaml, catalog, from_copy, opts("1.0"));
  EXPECT_EQ(edited.computed_now, 8u);
  EXPECT_EQ(edited.recomputed_other_inputs, 8u);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0], "8 points were computed with other inputs; recomputing");

  // Reading the store with the old identity shows no stale numbers either.
  SweepOptions other = opts("2.0");
  const SweepResult shown = read_sweep(yaml, catalog, other);
  for (const SweepPointResult& p : shown.points) {
    EXPECT_FALSE(p.ok);
    EXPECT_NE(p.message.find("other inputs"), std::string::npos) << p.message;
  }
  const SweepResult new_version = run_sweep(yaml, catalog, from_copy, opts("2.0"));
  EXPECT_EQ(new_version.recomputed_other_inputs, 8u);
}

TEST_F(Fixture, KilledSweepResumesWithoutRecomputing) {
  constexpr std::size_t kBeforeKill = 3;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child sweeps on one thread and kills itself, uncleanly, right after its third committed point.
    SweepOptions o = options(1);
    o.progress = [](const SweepProgress& p) {
      if (p.done == kBeforeKill) ::kill(::getpid(), SIGKILL);
    };
    try {
      run_sweep(yaml, catalog, calib, o);
    } catch (...) {
    }
    ::_exit(0);  // not reached when the kill works; the parent then sees a normal exit and fails
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  const SweepResult stored = read_sweep(yaml, catalog, options(1));
  const ResultsStore before = ResultsStore::open(db, stored.sweep_id);
  EXPECT_EQ(before.count(), kBeforeKill);
  EXPECT_EQ(before.integrity_check(), "ok");

  const SweepResult resumed = run_sweep(yaml, catalog, calib, options(2));
  std::printf("killed after %zu points; resumed run computed %zu of %zu\n", kBeforeKill, resumed.computed_now,
              resumed.points.size());
  EXPECT_EQ(resumed.computed_now, 8u - kBeforeKill);
  const ResultsStore after = ResultsStore::open(db, stored.sweep_id);
  const std::vector<ResultRow> rows = after.all();
  ASSERT_EQ(rows.size(), 8u);
  std::set<std::uint64_t> ids;
  for (const ResultRow& r : rows) ids.insert(r.point_id);
  EXPECT_EQ(ids.size(), 8u);
  std::size_t not_recomputed = 0;
  for (const SweepPointResult& p : resumed.points) {
    EXPECT_TRUE(ids.count(p.point_id));
    not_recomputed += p.computed_now ? 0 : 1;
  }
  EXPECT_EQ(not_recomputed, kBeforeKill);
}

TEST_F(Fixture, RanksSplitThePoints) {
  SweepOptions o = options(1);
  o.n_ranks = 3;
  o.rank = 1;
  const SweepResult r = run_sweep(yaml, catalog, calib, o);
  EXPECT_EQ(r.computed_now, 3u);  // indices 1, 4, 7
  for (const SweepPointResult& p : r.points) EXPECT_EQ(p.computed_now, p.index % 3 == 1);
}

}  // namespace
}  // namespace moeplan
