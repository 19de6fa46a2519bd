// Trace recorder: what ran where and when, plus sampled counters, for a later Chrome/Perfetto exporter.
//
// The engine appends one span per finished task that has a track (its stream's track by default) and one
// counter sample per counter change. Names live here once; spans and samples refer to them by id, so
// recording a span is a 32-byte push. The recorder only stores; reports/ turns it into trace JSON.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/engine/ids.h"
#include "sim/engine/sim_time.h"

namespace moeplan::engine {

struct TraceSpan {
  LabelId label = kNoLabel;
  TrackId track = kNoTrack;
  SimTime start = 0;
  SimTime end = 0;
};

struct CounterSample {
  CounterId counter = kNoCounter;
  SimTime time = 0;
  double value = 0;
};

class TraceRecorder {
 public:
  TrackId add_track(std::string name);
  // Returns the id of `name`, adding it on first use (interned, so repeated names cost one lookup).
  LabelId label(std::string_view name);
  CounterId add_counter(std::string name);

  void add_span(LabelId label, TrackId track, SimTime start, SimTime end) {
    spans_.push_back({label, track, start, end});
  }
  void add_sample(CounterId counter, SimTime time, double value) { samples_.push_back({counter, time, value}); }

  const std::string& track_name(TrackId t) const { return tracks_.at(index(t)); }
  const std::string& label_name(LabelId l) const;  // "" for kNoLabel
  const std::string& counter_name(CounterId c) const { return counters_.at(index(c)); }
  std::size_t n_tracks() const { return tracks_.size(); }
  std::size_t n_counters() const { return counters_.size(); }
  const std::vector<TraceSpan>& spans() const { return spans_; }
  const std::vector<CounterSample>& samples() const { return samples_; }

 private:
  std::string empty_;
  std::vector<std::string> tracks_;
  std::vector<std::string> labels_;
  std::unordered_map<std::string, LabelId> label_index_;
  std::vector<std::string> counters_;
  std::vector<TraceSpan> spans_;
  std::vector<CounterSample> samples_;
};

}  // namespace moeplan::engine
