// merge_overlapped_pair and chunk_event (see chunk_events.h).
#include "sim/train/chunk_events.h"

#include <algorithm>

#include "sim/units/error.h"

namespace moeplan {

void merge_overlapped_pair(std::vector<Emitted>& emitted) {
  if (emitted.size() < 2) throw_internal_error("merge_overlapped_pair: an F&B pair needs two records");
  const Emitted b = emitted.back();
  emitted.pop_back();
  Emitted& f = emitted.back();
  f.also = b.span;
  f.name += "&" + b.name;
  f.kind = "FB";
}

TimelineEvent chunk_event(const Emitted& e, const engine::Simulator& sim) {
  TimelineEvent ev;
  ev.rank = e.rank;
  ev.track = "compute";
  ev.name = e.name;
  ev.kind = e.kind;
  ev.micro_batch = e.micro_batch;
  ev.direction = e.direction;
  engine::SimTime start = sim.start_time(e.span.first), finish = sim.finish_time(e.span.last);
  if (e.also.first != engine::kNoTask) {
    start = std::min(start, sim.start_time(e.also.first));
    finish = std::max(finish, sim.finish_time(e.also.last));
  }
  ev.start_s = engine::time_to_seconds(start);
  ev.duration_s = engine::time_to_seconds(finish) - ev.start_s;
  return ev;
}

}  // namespace moeplan
