// Report directory writer: creates the directory and every file, writes the trace only when given, and
// reports I/O failures as a user Error that names the path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

#include "reports/html_report.h"
#include "reports/report_writer.h"
#include "reports/trace_json.h"
#include "sim/units/error.h"
#include "tests/reports/sample_result.h"
#include "tests/reports/xml_check.h"

namespace moeplan::reports {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("moeplan-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ReportWriter, WritesEveryFile) {
  auto r = testing::sample_run_result();
  fs::path dir = fresh_dir("report-writer") / "nested" / "out";
  write_report_dir(dir.string(), r, render_trace_json(r));
  for (const char* f : {"report.html", "report.md", "results.csv", "results.json", "trace.json",
                        "charts/memory.svg", "charts/pipeline.svg", "charts/memory-timeline.svg",
                        "charts/goodput.svg"})
    EXPECT_TRUE(fs::is_regular_file(dir / f)) << f;
  EXPECT_NO_THROW(nlohmann::json::parse(slurp(dir / "results.json")));
  EXPECT_NO_THROW(nlohmann::json::parse(slurp(dir / "trace.json")));
  EXPECT_NO_THROW(testing::parse_xml(slurp(dir / "charts/memory.svg")));
  EXPECT_EQ(slurp(dir / "report.html"), render_html_report(r));
  fs::remove_all(dir.parent_path().parent_path());
}

TEST(ReportWriter, NoTraceWhenEmpty) {
  fs::path dir = fresh_dir("report-writer-notrace");
  write_report_dir(dir.string(), testing::sample_run_result(), "");
  EXPECT_TRUE(fs::exists(dir / "report.md"));
  EXPECT_FALSE(fs::exists(dir / "trace.json"));
  fs::remove_all(dir);
}

TEST(ReportWriter, UnwritableDirectoryIsAUserErrorWithThePath) {
  fs::path base = fresh_dir("report-writer-blocked");
  fs::create_directories(base);
  fs::path file = base / "a-file";
  std::ofstream(file) << "x";
  std::string target = (file / "report").string();  // a directory under a regular file cannot exist
  try {
    write_report_dir(target, testing::sample_run_result(), "");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUser);
    EXPECT_NE(std::string(e.what()).find(target), std::string::npos) << e.what();
  }
  fs::remove_all(base);
}

TEST(HtmlReport, SelfContainedAndEscaped) {
  auto r = testing::sample_run_result();
  r.inputs.scenario_name = "mini <b>&</b>";
  std::string html = render_html_report(r);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>&</b>"), std::string::npos);
  EXPECT_NE(html.find("mini &lt;b&gt;&amp;&lt;/b&gt;"), std::string::npos);
  // Nothing fetched from elsewhere: no external URLs in src/href attributes.
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  for (const char* id : {"fig-memory", "fig-pipeline", "fig-goodput", "table-inputs", "table-memory",
                         "table-phases", "table-cost", "table-goodput", "summary"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
}

}  // namespace
}  // namespace moeplan::reports
