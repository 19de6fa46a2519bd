// moeplan diff's comparison and renderers on two hand-made run results (the shared sample, and the same
// result with a few figures and inputs changed), and the located errors for documents it must refuse.
#include <gtest/gtest.h>

#include <iostream>

#include <sstream>
#include <string>

#include "reports/json_report.h"
#include "reports/run_diff.h"
#include "sample_result.h"
#include "sim/units/error.h"

namespace moeplan::reports {
namespace {

using Json = nlohmann::json;

Json as_json(const RunResult& r) { return parse_run_json(render_json_report(r), "mem.json"); }

// B: step 25% slower (2.5 s -> 3.125 s), cost doubled, out of memory, another GPU and seed, no error bands.
RunResult changed_result() {
  RunResult r = testing::sample_run_result();
  r.step.time_s = 3.125;
  r.cost.rental_usd = 2242;
  r.memory_fits = false;
  r.inputs.gpu = "H100";
  r.inputs.seed = 7;
  r.bands = ErrorBands{};
  r.bands.why_absent = "no comparable run";
  return r;
}

const FigureDiff& figure(const RunDiff& d, const std::string& key) {
  for (const auto& f : d.figures)
    if (f.key == key) return f;
  throw std::runtime_error("no figure " + key);
}

const InputDiff& input(const RunDiff& d, const std::string& key) {
  for (const auto& in : d.inputs)
    if (in.key == key) return in;
  throw std::runtime_error("no input " + key);
}

TEST(RunDiff, ChangesFigureByFigure) {
  const RunDiff d = diff_runs(as_json(testing::sample_run_result()), "a.json", as_json(changed_result()), "b.json");
  const FigureDiff& step = figure(d, "step.time_s");
  EXPECT_DOUBLE_EQ(*step.a, 2.5);
  EXPECT_DOUBLE_EQ(*step.b, 3.125);
  EXPECT_DOUBLE_EQ(*step.abs_change(), 0.625);
  EXPECT_DOUBLE_EQ(*step.rel_change(), 0.25);
  EXPECT_TRUE(step.changed());
  EXPECT_DOUBLE_EQ(*figure(d, "cost.rental_usd").rel_change(), 1.0);  // 1121 -> 2242
  const FigureDiff& mfu = figure(d, "step.mfu");
  EXPECT_FALSE(mfu.changed());
  EXPECT_DOUBLE_EQ(*mfu.abs_change(), 0.0);
  const FigureDiff& fits = figure(d, "memory.fits");
  EXPECT_TRUE(fits.changed());
  EXPECT_FALSE(fits.abs_change().has_value());  // a yes/no has no numeric change
  // A drew error bands, B did not: the band rows show A's values and nothing for B.
  const FigureDiff& p90 = figure(d, "error_bands.step_time_s.p90");
  EXPECT_TRUE(p90.a.has_value());
  EXPECT_FALSE(p90.b.has_value());
  EXPECT_TRUE(p90.changed());
  EXPECT_TRUE(input(d, "inputs.gpu").changed());
  EXPECT_EQ(input(d, "inputs.seed").a, "42");
  EXPECT_EQ(input(d, "inputs.seed").b, "7");
  EXPECT_FALSE(input(d, "inputs.plan_summary").changed());
}

TEST(RunDiff, IdenticalResultsChangeNothing) {
  const Json a = as_json(testing::sample_run_result());
  const RunDiff d = diff_runs(a, "a.json", a, "a.json");
  for (const auto& f : d.figures) EXPECT_FALSE(f.changed()) << f.key;
  for (const auto& in : d.inputs) EXPECT_FALSE(in.changed()) << in.key;
  EXPECT_NE(render_diff_text(d).find("inputs: the same in both"), std::string::npos);
}

TEST(RunDiff, TextFits120ColumnsAndShowsTheChange) {
  RunResult b = changed_result();
  b.inputs.scenario_file = "/a/very/long/path/to/some/deeply/nested/folder/of/scenarios/deepseek-v3-h800-variant.yaml";
  b.inputs.plan_summary = "TP2 PP16 EP64 DP64 ZeRO-1 DualPipe mb=1 recompute=selective fp8=block-scaled cp=2";
  const RunDiff d = diff_runs(as_json(testing::sample_run_result()), "a.json", as_json(b), "b.json");
  const std::string text = render_diff_text(d);
  std::cout << text;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 120u) << line;
  EXPECT_NE(text.find("+25.0%"), std::string::npos);   // step time 2.5 s -> 3.125 s
  EXPECT_NE(text.find("+100.0%"), std::string::npos);  // rental $1121 -> $2242
  EXPECT_NE(text.find("yes -> no"), std::string::npos);
  EXPECT_NE(text.find("H800"), std::string::npos);
  EXPECT_NE(text.find("H100"), std::string::npos);
  EXPECT_NE(text.find("..."), std::string::npos);  // the long path was shortened
}

TEST(RunDiff, JsonCsvAndMarkdownCarryRawValues) {
  const RunDiff d = diff_runs(as_json(testing::sample_run_result()), "a.json", as_json(changed_result()), "b.json");
  const Json j = Json::parse(render_diff_json(d));
  EXPECT_EQ(j["kind"], "diff");
  EXPECT_EQ(j["schema_version"], kDiffJsonSchemaVersion);
  bool seen = false;
  for (const auto& f : j["figures"])
    if (f["key"] == "step.time_s") {
      seen = true;
      EXPECT_DOUBLE_EQ(f["change"].get<double>(), 0.625);
      EXPECT_DOUBLE_EQ(f["change_rel"].get<double>(), 0.25);
    } else if (f["key"] == "memory.fits") {
      EXPECT_EQ(f["a"], true);
      EXPECT_EQ(f["b"], false);
      EXPECT_TRUE(f["change"].is_null());
    }
  EXPECT_TRUE(seen);
  const std::string csv = render_diff_csv(d);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "section,key,label,a,b,change,change_rel,changed");
  EXPECT_NE(csv.find("figure,step.time_s,step time,2.5,3.125,0.625,0.25,true"), std::string::npos);
  EXPECT_NE(csv.find("input,inputs.gpu,GPU,H800,H100,,,true"), std::string::npos);
  EXPECT_NE(render_diff_markdown(d).find("| step time |"), std::string::npos);
}

// Runs f, expects a user Error, returns its message.
template <typename F>
std::string user_error(F f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

TEST(RunDiff, MalformedJsonIsLocated) {
  const std::string msg = user_error([] { parse_run_json("{\n  \"kind\": \"run\",\n  \"step\": ,\n}", "bad.json"); });
  EXPECT_NE(msg.find("bad.json:3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed JSON"), std::string::npos) << msg;
}

TEST(RunDiff, RefusesWhatIsNotARunResult) {
  const Json good = as_json(testing::sample_run_result());
  Json sweep = good;
  sweep["kind"] = "sweep";
  std::string msg = user_error([&] { diff_runs(sweep, "s.json", good, "g.json"); });
  EXPECT_NE(msg.find("s.json: `kind`: not a moeplan run result"), std::string::npos) << msg;
  Json old = good;
  old["schema_version"] = 0;
  msg = user_error([&] { diff_runs(good, "g.json", old, "old.json"); });
  EXPECT_NE(msg.find("old.json: `schema_version`"), std::string::npos) << msg;
  Json partial = good;
  partial["step"].erase("time_s");
  msg = user_error([&] { diff_runs(good, "g.json", partial, "p.json"); });
  EXPECT_NE(msg.find("p.json: `step.time_s`: missing"), std::string::npos) << msg;
  msg = user_error([&] { diff_runs(Json::array(), "arr.json", good, "g.json"); });
  EXPECT_NE(msg.find("arr.json"), std::string::npos) << msg;
}

}  // namespace
}  // namespace moeplan::reports
