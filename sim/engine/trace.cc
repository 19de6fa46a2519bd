// Name tables of the trace recorder.
#include "sim/engine/trace.h"

namespace moeplan::engine {

TrackId TraceRecorder::add_track(std::string name) {
  tracks_.push_back(std::move(name));
  return TrackId{static_cast<std::uint32_t>(tracks_.size() - 1)};
}

LabelId TraceRecorder::label(std::string_view name) {
  std::string key(name);
  auto it = label_index_.find(key);
  if (it != label_index_.end()) return it->second;
  const LabelId id{static_cast<std::uint32_t>(labels_.size())};
  labels_.push_back(key);
  label_index_.emplace(std::move(key), id);
  return id;
}

CounterId TraceRecorder::add_counter(std::string name) {
  counters_.push_back(std::move(name));
  return CounterId{static_cast<std::uint32_t>(counters_.size() - 1)};
}

const std::string& TraceRecorder::label_name(LabelId l) const {
  if (l == kNoLabel) return empty_;
  return labels_.at(index(l));
}

}  // namespace moeplan::engine
