// Chrome / Perfetto trace of a RunResult's timeline (what `moeplan run --trace FILE` writes).
//
// Trace Event Format (the JSON object form read by chrome://tracing and ui.perfetto.dev): one process per
// pipeline rank ("stage N"), one thread per track ("compute", "comm", ...), one "X" complete event per
// timeline interval with ts/dur in microseconds, one "C" counter event per memory sample, and "M"
// metadata events naming processes and threads.
#pragma once

#include <string>

#include "sim/train/run_result.h"

namespace moeplan::reports {

// The trace as JSON text. An empty timeline gives a valid trace with no events besides metadata.
std::string render_trace_json(const RunResult& result);

}  // namespace moeplan::reports
