// Chrome / Perfetto trace JSON from a RunResult's timeline.
#include "reports/trace_json.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "sim/units/units.h"

namespace moeplan::reports {
namespace {

using Json = nlohmann::ordered_json;
constexpr double kMicrosPerSecond = 1e6;  // the format's timestamps are microseconds

Json metadata(const char* what, int pid, int tid, const std::string& name) {
  Json e{{"name", what}, {"ph", "M"}, {"pid", pid}};
  if (tid >= 0) e["tid"] = tid;
  e["args"] = Json{{"name", name}};
  return e;
}

}  // namespace

std::string render_trace_json(const RunResult& result) {
  const auto& tl = result.timeline;
  // Thread ids per (rank, track) in order of first appearance, so a trace is identical run to run.
  std::map<std::pair<int, std::string>, int> tids;
  std::map<int, int> next_tid;
  std::set<int> ranks;
  Json thread_meta = Json::array();
  for (const auto& e : tl.events) {
    ranks.insert(e.rank);
    auto key = std::make_pair(e.rank, e.track);
    if (tids.count(key)) continue;
    int tid = next_tid[e.rank]++;
    tids[key] = tid;
    thread_meta.push_back(metadata("thread_name", e.rank, tid, e.track));
    thread_meta.push_back(Json{{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", e.rank}, {"tid", tid},
                               {"args", Json{{"sort_index", tid}}}});
  }
  for (const auto& m : tl.memory) ranks.insert(m.rank);

  Json events = Json::array();
  for (int rank : ranks) {
    events.push_back(metadata("process_name", rank, -1, tl.rank_label + " " + std::to_string(rank)));
    events.push_back(Json{{"name", "process_sort_index"}, {"ph", "M"}, {"pid", rank},
                          {"args", Json{{"sort_index", rank}}}});
  }
  for (auto& m : thread_meta) events.push_back(std::move(m));
  for (const auto& e : tl.events) {
    Json args{{"kind", e.kind}, {"micro_batch", e.micro_batch}, {"direction", e.direction}};
    events.push_back(Json{{"name", e.name},
                          {"cat", e.kind},
                          {"ph", "X"},
                          {"ts", e.start_s * kMicrosPerSecond},
                          {"dur", e.duration_s * kMicrosPerSecond},
                          {"pid", e.rank},
                          {"tid", tids.at({e.rank, e.track})},
                          {"args", std::move(args)}});
  }
  for (const auto& m : tl.memory)
    events.push_back(Json{{"name", "memory"},
                          {"ph", "C"},
                          {"ts", m.time_s * kMicrosPerSecond},
                          {"pid", m.rank},
                          {"args", Json{{"GiB", m.bytes / units::kGiB}}}});

  Json doc{{"traceEvents", std::move(events)},
           {"displayTimeUnit", "ms"},
           {"otherData", Json{{"scenario", result.inputs.scenario_name},
                              {"moeplan_version", result.inputs.moeplan_version},
                              {"fidelity", result.inputs.fidelity},
                              {"step_method", result.step.method}}}};
  return doc.dump() + "\n";
}

}  // namespace moeplan::reports
