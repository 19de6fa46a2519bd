// Progress on stderr (see progress_view.h).
#include "cli/progress_view.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace moeplan::cli {
namespace {

// "12 s", "3 min 05 s", "1 h 02 min": short enough for a bar line.
std::string short_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  char buf[48];
  const long long t = std::llround(s);
  if (t < 60) std::snprintf(buf, sizeof buf, "%lld s", t);
  else if (t < 3600) std::snprintf(buf, sizeof buf, "%lld min %02lld s", t / 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%lld h %02lld min", t / 3600, (t % 3600) / 60);
  return buf;
}

}  // namespace

ProgressView::ProgressView(Mode mode, Writer write, Clock clock, int width)
    : mode_(mode), write_(std::move(write)), clock_(std::move(clock)), width_(std::max(width, 40)),
      start_s_(clock_()) {}

Progress ProgressView::progress() {
  if (mode_ == Mode::kOff) return {};
  return Progress([this](const ProgressEvent& e) { on_event(e); });
}

std::string ProgressView::bar_line(const ProgressEvent& e, double now) const {
  const double elapsed = now - stage_start_s_;
  // name [#####-----] 42% 1234/5678  ETA 12 s. The count and ETA always show; the bar takes what the
  // terminal's width leaves (10 to 30 cells), sized as if an ETA were shown so that it does not jump; a long
  // stage name is cut to make room.
  std::string tail;
  int tail_room = 0;
  if (e.total > 0) {
    tail = " " + std::to_string(e.done) + "/" + std::to_string(e.total);
    tail_room = 2 + 2 * static_cast<int>(std::to_string(e.total).size()) + 17;  // " N/N", "  ETA 59 min 59 s"
    if (e.done > 0 && e.done < e.total) {
      const double eta = elapsed / static_cast<double>(e.done) * static_cast<double>(e.total - e.done);
      tail += "  ETA " + short_duration(eta);
    }
  } else {
    tail = "  " + short_duration(elapsed);
    tail_room = static_cast<int>(tail.size());
  }
  constexpr int kMinCells = 10, kMaxCells = 30;
  const int room = width_ - 1 - tail_room - 8;  // 8: " [", "]" and " 100%"
  const std::size_t name_room = static_cast<std::size_t>(std::max(8, room - kMinCells));
  const std::string name = e.stage.size() > name_room ? e.stage.substr(0, name_room - 1) + "~" : e.stage;
  std::string bar;
  if (e.total > 0) {
    const int cells = std::clamp(room - static_cast<int>(name.size()), kMinCells, kMaxCells);
    const double frac = std::min(1.0, static_cast<double>(e.done) / static_cast<double>(e.total));
    const int filled = static_cast<int>(frac * cells);
    char pct[16];
    std::snprintf(pct, sizeof pct, " %3d%%", static_cast<int>(frac * 100));
    bar = " [" + std::string(filled, '#') + std::string(cells - filled, '-') + "]" + pct;
  }
  std::string line = name + bar + tail;
  if (static_cast<int>(line.size()) > width_ - 1) line.resize(width_ - 1);
  return line;
}

void ProgressView::on_event(const ProgressEvent& e) {
  if (finished_ || mode_ == Mode::kOff) return;
  const double now = clock_();
  const bool new_stage = e.started || e.stage != stage_;
  if (new_stage) {
    stage_ = e.stage;
    stage_start_s_ = now;
    stage_printed_ = false;
  }
  if (mode_ == Mode::kLines) {
    if (stage_printed_ || now - start_s_ < kLinesAfterS) return;
    stage_printed_ = true;
    std::string line = "moeplan: " + e.stage;
    if (e.total > 0) line += " (" + std::to_string(e.done) + "/" + std::to_string(e.total) + " done)";
    write_(line + "\n");
    return;
  }
  const bool stage_end = e.total > 0 && e.done >= e.total;
  if (!new_stage && !stage_end && now - last_draw_s_ < kRedrawS) return;
  last_draw_s_ = now;
  write_("\r\033[K" + bar_line(e, now));
  drawn_ = true;
}

void ProgressView::finish() {
  if (finished_) return;
  finished_ = true;
  if (drawn_) write_("\r\033[K");
}

namespace {

ProgressView::Mode stderr_mode(bool quiet) {
  if (quiet) return ProgressView::Mode::kOff;
  return isatty(STDERR_FILENO) ? ProgressView::Mode::kBar : ProgressView::Mode::kLines;
}

int stderr_width() {
  winsize w{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return w.ws_col;
  return 80;
}

}  // namespace

StderrProgress::StderrProgress(bool quiet)
    : view_(
          stderr_mode(quiet),
          [](std::string_view text) {
            std::fwrite(text.data(), 1, text.size(), stderr);
            std::fflush(stderr);
          },
          [] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
          },
          stderr_width()) {}

}  // namespace moeplan::cli
