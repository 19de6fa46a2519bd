// Progress handle (see progress.h).
#include "sim/units/progress.h"

#include <algorithm>

namespace moeplan {
namespace {

// The sink hears about a stage at most this many times between its start and its end: enough for a smooth
// bar, few enough that a search over millions of plans does not serialise its workers on the sink's lock.
constexpr std::size_t kReportsPerStage = 500;

std::size_t report_step(std::size_t total) { return std::max<std::size_t>(1, total / kReportsPerStage); }

}  // namespace

Progress::Progress(ProgressSink sink) {
  if (!sink) return;
  state_ = std::make_shared<State>();
  state_->sink = std::move(sink);
}

void Progress::begin(const std::string& stage, std::size_t total) const {
  if (!state_) return;
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->stage = prefix_.empty() ? stage : prefix_ + ": " + stage;
  state_->done = 0;
  state_->total = total;
  state_->next_report = report_step(total);
  state_->last_reported = 0;
  state_->sink(ProgressEvent{state_->stage, 0, total, true});
}

void Progress::advance(std::size_t n) const {
  if (!state_) return;
  report(state_->done.fetch_add(n) + n);
}

void Progress::update(std::size_t done) const {
  if (!state_) return;
  state_->done = done;
  report(done);
}

void Progress::report(std::size_t done) const {
  const std::size_t total = state_->total;
  if (done != total) {  // the stage's last unit is always told
    std::size_t next = state_->next_report.load();
    if (done < next) return;
    // Only the caller that moves next_report on calls the sink; the others carry on.
    if (!state_->next_report.compare_exchange_strong(next, done + report_step(total))) return;
  }
  std::lock_guard<std::mutex> lock(state_->mutex);
  // Callers that raced here may arrive out of order: the sink never sees the count go back.
  if (done < state_->last_reported) return;
  state_->last_reported = done;
  state_->sink(ProgressEvent{state_->stage, done, total, false});
}

Progress Progress::nested(const std::string& prefix) const {
  Progress p = *this;
  p.prefix_ = prefix_.empty() ? prefix : prefix_ + ": " + prefix;
  return p;
}

}  // namespace moeplan
