// Writes a report directory for one run: report.html, report.md, results.csv, results.json,
// charts/<id>.svg and, when a trace is given, trace.json.
#pragma once

#include <string>

#include "sim/train/run_result.h"

namespace moeplan::reports {

// Creates `dir` (and parents) when missing. `trace_json` is written as trace.json when non-empty (see
// render_trace_json). Throws a user moeplan::Error naming the path when a directory or file cannot be
// created or written.
void write_report_dir(const std::string& dir, const RunResult& result, const std::string& trace_json);

// Writes `content` to `path`, replacing the file. Throws a user moeplan::Error naming the path on failure.
void write_text_file(const std::string& path, const std::string& content);

}  // namespace moeplan::reports
