// Tests of the SQLite results store: reopen and resume, several writer processes, and a writer killed with
// SIGKILL in the middle of a sweep.
#include "sim/plan/results_store.h"

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sim/plan/sweep_points.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

namespace fs = std::filesystem;

// A temporary directory removed at the end of the test.
struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() / ("moeplan-store-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string file(const char* name) const { return (dir / name).string(); }
};

// The "result" of a point: a deterministic function of its id, large enough to span several database pages
// so that a torn write would show up as a JSON parse error or a mismatch.
ResultRow evaluate(const SweepPoint& p) {
  ResultRow r;
  r.point_id = p.id;
  r.overrides = p.canonical;
  const double x = static_cast<double>(p.index);
  nlohmann::json j;
  j["point"] = p.canonical;
  j["step_time_s"] = 10.0 + x;
  j["padding"] = std::string(6000, static_cast<char>('a' + p.index % 26));
  r.result_json = j.dump();
  r.step_time_s = 10.0 + x;
  r.mfu = 0.3 + x * 1e-4;
  r.gpu_hours = 1000 * x;
  r.cost_usd = 2000 * x;
  r.days = x / 24;
  r.memory_fits = p.index % 3 != 0;
  return r;
}

void expect_complete(const ResultRow& row, const SweepPoint& p) {
  const ResultRow want = evaluate(p);
  EXPECT_EQ(row.overrides, want.overrides);
  EXPECT_TRUE(row.ok);
  ASSERT_TRUE(row.step_time_s && row.mfu && row.gpu_hours && row.cost_usd && row.days && row.memory_fits);
  EXPECT_EQ(*row.step_time_s, *want.step_time_s);
  EXPECT_EQ(*row.cost_usd, *want.cost_usd);
  EXPECT_EQ(*row.memory_fits, *want.memory_fits);
  const auto j = nlohmann::json::parse(row.result_json);  // throws on a torn blob
  EXPECT_EQ(j.at("point").get<std::string>(), p.canonical);
  EXPECT_EQ(row.result_json, want.result_json);
}

std::vector<SweepPoint> grid(int a, int b) {
  SweepAxis x{"parallel.pp", {}};
  SweepAxis y{"parallel.dp", {}};
  for (int i = 0; i < a; ++i) x.values.push_back(std::to_string(i + 1));
  for (int i = 0; i < b; ++i) y.values.push_back(std::to_string(i + 1));
  return expand_sweep({x, y});
}

TEST(ResultsStore, WriteReopenHas) {
  TempDir tmp;
  const auto points = grid(4, 5);
  const std::uint64_t sid = sweep_id("name: test\n", {});
  {
    ResultsStore store = ResultsStore::open(tmp.file("r.db"), sid);
    for (std::size_t i = 0; i < 10; ++i) store.put(evaluate(points[i]));
    ResultRow err;
    err.point_id = points[10].id;
    err.overrides = points[10].canonical;
    err.ok = false;
    err.message = "plan does not fit: 93.1 GiB > 80 GiB";
    store.put(err);
  }
  ResultsStore store = ResultsStore::open(tmp.file("r.db"), sid);
  EXPECT_EQ(store.integrity_check(), "ok");
  EXPECT_EQ(store.count(), 11u);
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(store.has(points[i].id), i <= 10) << i;
  for (const auto& row : store.all()) {
    if (row.point_id == points[10].id) {
      EXPECT_FALSE(row.ok);
      EXPECT_EQ(row.message, "plan does not fit: 93.1 GiB > 80 GiB");
      EXPECT_FALSE(row.cost_usd.has_value());
      EXPECT_FALSE(row.memory_fits.has_value());
      continue;
    }
    bool found = false;
    for (std::size_t i = 0; i < 10; ++i) {
      if (points[i].id == row.point_id) {
        expect_complete(row, points[i]);
        found = true;
      }
    }
    EXPECT_TRUE(found);
  }
  // Rewriting a point replaces its row.
  store.put(evaluate(points[10]));
  EXPECT_EQ(store.count(), 11u);

  // Another sweep in the same file sees none of these rows.
  ResultsStore other = ResultsStore::open(tmp.file("r.db"), sid + 1);
  EXPECT_EQ(other.count(), 0u);
  EXPECT_FALSE(other.has(points[0].id));
}

TEST(ResultsStore, RejectsFileThatIsNotAStore) {
  TempDir tmp;
  const std::string path = tmp.file("junk.db");
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not an SQLite database, just some text that is long enough to have a header\n", f);
    std::fclose(f);
  }
  EXPECT_THROW(ResultsStore::open(path, 1), Error);
  EXPECT_THROW(ResultsStore::open(tmp.file("no-such-dir/r.db"), 1), Error);
}

TEST(ResultsStore, ConcurrentWriterProcesses) {
  TempDir tmp;
  const std::string path = tmp.file("mpi.db");
  const auto points = grid(16, 25);  // 400 points, dealt round-robin to 4 "ranks"
  constexpr int kRanks = 4;
  std::vector<pid_t> children;
  for (int rank = 0; rank < kRanks; ++rank) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      try {
        ResultsStore store = ResultsStore::open(path, 7);
        for (std::size_t i = static_cast<std::size_t>(rank); i < points.size(); i += kRanks) {
          store.put(evaluate(points[i]));
        }
      } catch (...) {
        rc = 1;
      }
      ::_exit(rc);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  ResultsStore store = ResultsStore::open(path, 7);
  EXPECT_EQ(store.integrity_check(), "ok");
  ASSERT_EQ(store.count(), points.size());
  for (const auto& p : points) EXPECT_TRUE(store.has(p.id));
}

TEST(ResultsStore, SigkillMidSweepLosesNothingFinishedAndResumes) {
  TempDir tmp;
  const std::string path = tmp.file("killed.db");
  const auto points = grid(40, 50);  // 2,000 points
  const std::uint64_t sid = sweep_id("name: killed\n", {});

  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      ResultsStore store = ResultsStore::open(path, sid);
      for (const auto& p : points) {
        store.put(evaluate(p));
        std::this_thread::sleep_for(std::chrono::microseconds(300));  // the point's "computation"
      }
    } catch (...) {
      ::_exit(1);
    }
    ::_exit(0);
  }
  // Kill the writer once a few hundred points are in, while it is still writing.
  {
    ResultsStore watcher = ResultsStore::open(path, sid);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (watcher.count() < 300 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "writer finished before it was killed";

  ResultsStore store = ResultsStore::open(path, sid);
  EXPECT_EQ(store.integrity_check(), "ok");
  const std::size_t before = store.count();
  std::printf("writer killed after %zu of %zu points\n", before, points.size());
  ASSERT_GE(before, 300u);
  ASSERT_LT(before, points.size());
  // Every surviving row is complete, and the rows are a prefix of the sweep (one writer, in order).
  const auto rows = store.all();
  ASSERT_EQ(rows.size(), before);
  for (std::size_t i = 0; i < before; ++i) EXPECT_TRUE(store.has(points[i].id)) << i;
  for (const auto& row : rows) {
    for (const auto& p : points) {
      if (p.id == row.point_id) expect_complete(row, p);
    }
  }

  // Resume: only the missing points are computed.
  std::size_t computed = 0;
  for (const auto& p : points) {
    if (store.has(p.id)) continue;
    store.put(evaluate(p));
    ++computed;
  }
  EXPECT_EQ(computed, points.size() - before);
  EXPECT_EQ(store.count(), points.size());
  EXPECT_EQ(store.integrity_check(), "ok");
}

}  // namespace
}  // namespace moeplan
