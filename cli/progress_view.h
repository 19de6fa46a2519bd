// How the CLI shows a library call's Progress on stderr: on a terminal, one line redrawn in place with a bar,
// the count and an ETA; otherwise (a pipe, a log file, CI) a plain line per stage, and only for a command that
// has run long enough for it to matter, so quick commands and scripted runs stay silent; under --quiet,
// nothing. The bar is erased when the command finishes, before its results are printed.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "sim/units/progress.h"

namespace moeplan::cli {

class ProgressView {
 public:
  enum class Mode { kBar, kLines, kOff };
  using Writer = std::function<void(std::string_view)>;
  using Clock = std::function<double()>;  // seconds, monotonic

  // Writes to `write`, reading time from `clock`; `width` is the terminal's width in columns (kBar).
  ProgressView(Mode mode, Writer write, Clock clock, int width = 80);
  ~ProgressView() { finish(); }
  ProgressView(const ProgressView&) = delete;
  ProgressView& operator=(const ProgressView&) = delete;

  // A handle that reports into this view (an empty one under kOff). Valid while the view lives.
  Progress progress();
  // Erases the bar; later events are ignored. Call before printing results.
  void finish();

  void on_event(const ProgressEvent& e);

  // A plain line for a stage is printed only once the command has run this long.
  static constexpr double kLinesAfterS = 2.0;
  // The bar is redrawn at most this often (seconds), except when a stage opens or ends.
  static constexpr double kRedrawS = 0.1;

 private:
  std::string bar_line(const ProgressEvent& e, double now) const;

  Mode mode_;
  Writer write_;
  Clock clock_;
  int width_;
  double start_s_;
  double stage_start_s_ = 0;
  double last_draw_s_ = -1;
  std::string stage_;
  bool stage_printed_ = false;  // kLines: this stage's line is out
  bool drawn_ = false;          // kBar: a bar is on the line now
  bool finished_ = false;
};

// The view for a command: a bar when stderr is a terminal, lines otherwise, nothing when `quiet`.
class StderrProgress {
 public:
  explicit StderrProgress(bool quiet);
  Progress progress() { return view_.progress(); }
  void finish() { view_.finish(); }

 private:
  ProgressView view_;
};

}  // namespace moeplan::cli
