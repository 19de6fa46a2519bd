// Chrome / Perfetto trace JSON: parses, names processes and threads, and holds every timeline interval
// (as an "X" event in microseconds) and every memory sample (as a "C" counter).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "reports/trace_json.h"
#include "tests/reports/sample_result.h"

namespace moeplan::reports {
namespace {

using nlohmann::json;

TEST(TraceJson, EveryTimelineEventAppears) {
  auto r = testing::sample_run_result();
  json doc = json::parse(render_trace_json(r));
  ASSERT_TRUE(doc["traceEvents"].is_array());
  std::vector<json> complete, counters;
  std::map<int, std::string> process_names;
  std::map<std::pair<int, int>, std::string> thread_names;
  for (const auto& e : doc["traceEvents"]) {
    std::string ph = e["ph"];
    if (ph == "X") complete.push_back(e);
    if (ph == "C") counters.push_back(e);
    if (ph == "M" && e["name"] == "process_name") process_names[e["pid"]] = e["args"]["name"];
    if (ph == "M" && e["name"] == "thread_name") thread_names[{e["pid"], e["tid"]}] = e["args"]["name"];
  }
  ASSERT_EQ(complete.size(), r.timeline.events.size());
  ASSERT_EQ(counters.size(), r.timeline.memory.size());
  EXPECT_EQ(process_names.size(), 2u);
  EXPECT_EQ(process_names[0], "stage 0");
  EXPECT_EQ(thread_names.size(), 4u);
  for (std::size_t i = 0; i < complete.size(); ++i) {
    const auto& want = r.timeline.events[i];
    const auto& got = complete[i];
    EXPECT_EQ(got["name"], want.name);
    EXPECT_EQ(got["cat"], want.kind);
    EXPECT_EQ(got["pid"], want.rank);
    std::pair<int, int> key{got["pid"].get<int>(), got["tid"].get<int>()};
    EXPECT_EQ(thread_names[key], want.track);
    EXPECT_NEAR(got["ts"].get<double>(), want.start_s * 1e6, 1e-6);  // microseconds
    EXPECT_NEAR(got["dur"].get<double>(), want.duration_s * 1e6, 1e-6);
    EXPECT_EQ(got["args"]["direction"], want.direction);
    EXPECT_EQ(got["args"]["micro_batch"], want.micro_batch);
  }
  // Memory counter: 60e9 bytes at 0.2 s on rank 0 = 55.88 GiB.
  EXPECT_EQ(counters[1]["pid"], 0);
  EXPECT_NEAR(counters[1]["ts"].get<double>(), 2e5, 1e-6);
  EXPECT_NEAR(counters[1]["args"]["GiB"].get<double>(), 60e9 / (1024.0 * 1024 * 1024), 1e-9);
}

TEST(TraceJson, EmptyTimelineIsStillAValidTrace) {
  RunResult r;
  json doc = json::parse(render_trace_json(r));
  EXPECT_TRUE(doc["traceEvents"].is_array());
  EXPECT_TRUE(doc["traceEvents"].empty());
  EXPECT_EQ(doc["displayTimeUnit"], "ms");
}

}  // namespace
}  // namespace moeplan::reports
