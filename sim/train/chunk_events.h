// The chunk-level timeline records both DES fidelities keep while building a step: a chunk pass's first and
// last task, and the Gantt/trace event it becomes once the engine has run.
#pragma once

#include <string>
#include <vector>

#include "sim/engine/ids.h"
#include "sim/engine/simulator.h"
#include "sim/train/run_result.h"

namespace moeplan {

struct Span {
  engine::TaskId first = engine::kNoTask, last = engine::kNoTask;
};

struct Emitted {
  Span span;
  int rank = 0;
  std::string name, kind;
  int micro_batch = 0, direction = 0;
  Span also = {};  // an F&B pair's second half (none otherwise): the event covers both spans
  // A B chunk whose W follows it directly: the B pass's last task, where the W pass begins (none otherwise).
  engine::TaskId input_last = engine::kNoTask;
};

// Turns the last two records (an F&B pair's forward, then its backward) into one overlapped chunk, as
// DualPipe schedules it: the pair's F and B pieces interleave on one compute stream, so two separate bars
// would overlap on one row.
void merge_overlapped_pair(std::vector<Emitted>& emitted);

// The compute-track event of `e` once `sim` has run, spanning both halves of a pair.
TimelineEvent chunk_event(const Emitted& e, const engine::Simulator& sim);

}  // namespace moeplan
