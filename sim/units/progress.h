// Progress of a long library call (a plan search, a des-full step, a serving simulation, the validation
// suite), reported to whoever shows it. Library code never prints: it reports stages and finished units to a
// Progress, and the caller decides what to do with them (the CLI draws a bar on a terminal, a line per stage
// otherwise, or nothing under --quiet). A default-constructed Progress reports to nobody and costs one branch.
//
// A Progress is a cheap handle (shared state): copies report to the same sink, and nested() gives a handle
// whose stage names carry a prefix, so a caller that runs a search per GPU shows "h100-sxm: analytic scan".
// advance() and update() may be called from several threads at once.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace moeplan {

struct ProgressEvent {
  std::string stage;      // what is running now, e.g. "h100-sxm: analytic scan"
  std::size_t done = 0;   // units of the stage finished
  std::size_t total = 0;  // units in the stage; 0 when unknown
  bool started = false;   // true on the event that opens the stage (done == 0)
};

using ProgressSink = std::function<void(const ProgressEvent&)>;

class Progress {
 public:
  Progress() = default;  // reports nothing
  explicit Progress(ProgressSink sink);

  explicit operator bool() const { return state_ != nullptr; }

  // Opens a stage of `total` units (0: unknown). The stage before it, if any, is over.
  void begin(const std::string& stage, std::size_t total) const;
  // `n` more units of the current stage are finished.
  void advance(std::size_t n = 1) const;
  // The current stage has `done` units finished (for callers that count themselves).
  void update(std::size_t done) const;

  // A handle on the same sink whose stage names read "prefix: stage".
  Progress nested(const std::string& prefix) const;

 private:
  struct State {
    ProgressSink sink;
    std::mutex mutex;  // serialises calls into the sink
    std::string stage;
    std::atomic<std::size_t> done{0};
    std::atomic<std::size_t> total{0};
    std::atomic<std::size_t> next_report{0};  // done count at which the sink is called next
    std::size_t last_reported = 0;            // the highest count told (under `mutex`)
  };
  void report(std::size_t done) const;

  std::shared_ptr<State> state_;
  std::string prefix_;
};

}  // namespace moeplan
