// How a command's progress looks on stderr, with a fake clock: on a terminal a bar redrawn in place (count,
// percentage, ETA) and erased at the end; on a pipe a plain line per stage, only once the command has run
// for ProgressView::kLinesAfterS; under --quiet nothing at all.
#include "cli/progress_view.h"

#include <gtest/gtest.h>

#include <string>

namespace moeplan::cli {
namespace {

struct Fixture {
  std::string out;
  double now = 100.0;
  ProgressView view(ProgressView::Mode mode, int width = 100) {
    return ProgressView(mode, [this](std::string_view s) { out += s; }, [this] { return now; }, width);
  }
};

TEST(ProgressView, BarShowsCountPercentAndEta) {
  Fixture f;
  ProgressView v = f.view(ProgressView::Mode::kBar);
  Progress p = v.progress();
  p.begin("analytic scan", 100);
  f.now += 10.0;  // 10 s for the first quarter: 30 s to go
  p.update(25);
  EXPECT_NE(f.out.find("analytic scan ["), std::string::npos) << f.out;
  EXPECT_NE(f.out.find(" 25% 25/100  ETA 30 s"), std::string::npos) << f.out;
  // Each draw starts by returning to the line's start and clearing it.
  EXPECT_EQ(f.out.rfind("\r\033[K", 0), 0u);
  v.finish();
  EXPECT_TRUE(f.out.ends_with("\r\033[K")) << "the bar is erased before results print";
  const std::size_t before = f.out.size();
  p.update(50);  // after finish: ignored
  EXPECT_EQ(f.out.size(), before);
}

TEST(ProgressView, BarRedrawsAtMostTenTimesASecond) {
  Fixture f;
  ProgressView v = f.view(ProgressView::Mode::kBar);
  Progress p = v.progress();
  p.begin("s", 1000);
  const std::size_t draws_after_open = f.out.size();
  for (int i = 1; i < 400; ++i) p.update(i);  // no time passes: no redraw
  EXPECT_EQ(f.out.size(), draws_after_open);
  f.now += 1.5 * ProgressView::kRedrawS;
  p.update(500);
  EXPECT_GT(f.out.size(), draws_after_open);
  const std::size_t before_end = f.out.size();
  p.update(1000);  // the stage's end is always drawn
  EXPECT_GT(f.out.size(), before_end);
  EXPECT_NE(f.out.find("100% 1000/1000"), std::string::npos);
}

TEST(ProgressView, BarFitsTheTerminal) {
  for (int width : {40, 80, 120}) {
    Fixture f;
    ProgressView v = f.view(ProgressView::Mode::kBar, width);
    Progress p = v.progress();
    p.begin("h100-sxm (GPU 2/6): 2048 GPUs (size 3/4): DES re-timing of the best 34 plans", 123456);
    f.now += 1;
    p.update(1234);
    const std::size_t last = f.out.rfind("\r\033[K");
    const std::string line = f.out.substr(last + 4);
    EXPECT_LT(static_cast<int>(line.size()), width) << line;
    if (width >= 80) {
      EXPECT_NE(line.find("1234/123456  ETA"), std::string::npos) << line;
    }
  }
}

TEST(ProgressView, LinesOnlyOnceTheCommandIsSlow) {
  Fixture f;
  ProgressView v = f.view(ProgressView::Mode::kLines);
  Progress p = v.progress();
  p.begin("quick stage", 10);
  p.update(10);
  EXPECT_TRUE(f.out.empty()) << "a command under 2 s prints nothing: " << f.out;
  p.begin("slow stage", 10);
  f.now += ProgressView::kLinesAfterS + 1;
  p.update(3);
  p.update(4);
  p.update(5);
  EXPECT_EQ(f.out, "moeplan: slow stage (3/10 done)\n") << "one line per stage";
  p.begin("next stage", 0);
  EXPECT_EQ(f.out, "moeplan: slow stage (3/10 done)\nmoeplan: next stage\n");
  v.finish();
  EXPECT_EQ(f.out, "moeplan: slow stage (3/10 done)\nmoeplan: next stage\n") << "no bar to erase";
}

TEST(ProgressView, OffGivesAnEmptyHandle) {
  Fixture f;
  ProgressView v = f.view(ProgressView::Mode::kOff);
  Progress p = v.progress();
  EXPECT_FALSE(p);
  f.now += 100;
  p.begin("s", 10);
  p.update(5);
  v.finish();
  EXPECT_TRUE(f.out.empty());
}

}  // namespace
}  // namespace moeplan::cli
