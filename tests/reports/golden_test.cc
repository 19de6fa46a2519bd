// Golden tests: report.md, results.csv, results.json and the text report of the hand-built sample result
// must match the files under tests/reports/golden/ byte for byte.
//
// To regenerate after an intended change, run the test with MOEPLAN_UPDATE_GOLDEN=1 from the repository
// root (e.g. `MOEPLAN_UPDATE_GOLDEN=1 build/tests/reports/reports_golden_test`) and review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "reports/csv_report.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/markdown_report.h"
#include "reports/text_report.h"
#include "tests/reports/sample_result.h"

namespace moeplan::reports {
namespace {

const char* kGoldenDir = "tests/reports/golden/";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void expect_golden(const std::string& name, const std::string& actual) {
  std::string path = std::string(kGoldenDir) + name;
  const char* update = std::getenv("MOEPLAN_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    std::printf("updated golden file %s\n", path.c_str());
    return;
  }
  std::ifstream probe(path);
  ASSERT_TRUE(probe.good()) << "missing golden file " << path << " (run with MOEPLAN_UPDATE_GOLDEN=1)";
  EXPECT_EQ(read_file(path), actual) << "output differs from " << path
                                     << "; if the change is intended, rerun with MOEPLAN_UPDATE_GOLDEN=1";
}

TEST(ReportGolden, Markdown) { expect_golden("report.md", render_markdown_report(testing::sample_run_result())); }
TEST(ReportGolden, Csv) { expect_golden("results.csv", render_csv_report(testing::sample_run_result())); }
TEST(ReportGolden, Json) { expect_golden("results.json", render_json_report(testing::sample_run_result())); }
TEST(ReportGolden, Text) { expect_golden("report.txt", render_text_report(testing::sample_run_result())); }

// Structure checks that hold whatever the golden files say, so a careless regeneration cannot hide them.
TEST(ReportStructure, SummaryReadsLikeAManagerSummary) {
  std::string md = render_markdown_report(testing::sample_run_result());
  // 560.5 GPU-h, 0.365 days, $1121 at $2/h; peak stage 0 = 64.5 GiB of 80 GiB.
  EXPECT_NE(md.find("MoE-mini on 64 H800 (TP1 PP4 EP8 DP16 ZeRO-1 DualPipe mb=1): 560 GPU-h, 0.365 days, "
                    "$1121.00 at $2.00/GPU-h"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("fits in memory (64.5 GiB / 80.0 GiB on stage 0, mostly activations)"), std::string::npos);
  // MFU says what it counts (MTP modules included) and against which peak, and gives the FP8 run's own peak too.
  EXPECT_NE(md.find("MFU 41.2% (causal attention FLOPs incl. MTP modules, dense BF16 peak; 20.6% of the FP8 peak "
                    "its GEMMs run at)"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| training FLOPs per token incl. MTP modules (causal; what MFU counts) | 17.0 GFLOP |"),
            std::string::npos);
  EXPECT_NE(md.find("goodput is 95.0%"), std::string::npos);
}

// The headline totals include the expected failure overhead and name the failure-free run beside them; the
// CSV's gpu_hours_incl_failures is the cost model's total, not the sum of the phases.
TEST(ReportStructure, HeadlineIncludesFailuresWithFailureFreeBeside) {
  const auto r = testing::sample_run_result();
  const std::string text = render_text_report(r, 1000);
  EXPECT_NE(text.find("560 GPU-h, 0.365 days, $1121.00 at $2.00/GPU-h including the expected failure and "
                      "checkpoint overhead (16.1 GPU-h, $32.11); failure-free: 544 GPU-h, 0.354 days, $1088.89"),
            std::string::npos)
      << text;
  const std::string csv = render_csv_report(r);
  const std::string total = csv.substr(csv.find("\ntotal,") + 1);
  EXPECT_NE(total.find(",544.44444444444"), std::string::npos) << total;  // gpu_hours: sum of phases
  EXPECT_NE(total.find(",560.5,"), std::string::npos) << total;           // gpu_hours_incl_failures
  const auto j = nlohmann::json::parse(render_json_report(r));
  EXPECT_DOUBLE_EQ(j["cost"]["gpu_hours"].get<double>(), 560.5);
  EXPECT_DOUBLE_EQ(j["cost"]["failure_free_gpu_hours"].get<double>(), 544.4444444444444);
  EXPECT_TRUE(j["cost"]["failures_included"].get<bool>());
  EXPECT_DOUBLE_EQ(j["training"]["cost_usd"].get<double>(), 1088.8888888888889);
}

TEST(ReportStructure, OwnedWithoutRentalPriceShowsTheOwnedCost) {
  auto r = testing::sample_run_result();
  r.cost.usd_per_gpu_hour = 0;
  r.cost.rental_usd = 0;
  const std::string md = render_markdown_report(r);
  EXPECT_NE(md.find("0.365 days, $800.25 to own (capex share and power; no rental price)"), std::string::npos) << md;
  EXPECT_EQ(md.find("$0.00 at"), std::string::npos);
  EXPECT_EQ(md.find("Owning the GPUs instead"), std::string::npos);  // owning is already the headline
  EXPECT_NE(md.find("| rental price | none given; priced by ownership |"), std::string::npos);
}

TEST(ReportStructure, NotFittingIsSaidLoudly) {
  auto r = testing::sample_run_result();
  r.memory_fits = false;
  r.does_not_fit = "stage 0 needs 119 GiB of 80.0 GiB per GPU (over by 38.7 GiB; largest part: activations)";
  const std::string text = render_text_report(r, 1000);
  EXPECT_NE(text.find("DOES NOT FIT in memory"), std::string::npos);
  // The verdict comes first, ahead of the title and every figure, in text, Markdown and the HTML headline.
  EXPECT_EQ(text.rfind("DOES NOT FIT: stage 0 needs 119 GiB of 80.0 GiB per GPU (over by 38.7 GiB; largest part: "
                       "activations).", 0),
            0u)
      << text;
  EXPECT_EQ(render_markdown_report(r).rfind("**DOES NOT FIT: stage 0 needs 119 GiB", 0), 0u);
  const std::string html = render_html_report(r);
  EXPECT_NE(html.find("<h1>DOES NOT FIT: moeplan report: test-mini</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"summary\" id=\"summary\">DOES NOT FIT: stage 0"), std::string::npos);
  // A plan that fits has no such line.
  EXPECT_EQ(render_text_report(testing::sample_run_result()).find("DOES NOT FIT"), std::string::npos);
}

TEST(ReportStructure, HeadlineNamesThePhaseItReports) {
  EXPECT_NE(render_text_report(testing::sample_run_result(), 1000).find("One step of phase `pretrain` takes 2.50 s"),
            std::string::npos);
}

TEST(ReportStructure, TextTablesAreAligned) {
  std::string text = render_text_report(testing::sample_run_result());
  // Every row of the memory table has the same length as its header (right-aligned numeric columns).
  std::istringstream in(text);
  std::string line, header;
  std::vector<std::string> rows;
  bool in_memory = false;
  while (std::getline(in, line)) {
    if (line == "Memory per GPU by pipeline stage") { in_memory = true; continue; }
    if (!in_memory) continue;
    if (line.empty()) break;
    rows.push_back(line);
  }
  // The table is wider than 120 columns with one-line headers, so they stack: titles over units.
  ASSERT_EQ(rows.size(), 3u + 4u);  // 2 header lines, rule, 4 stages
  EXPECT_NE(rows[0].find("weights"), std::string::npos);
  EXPECT_EQ(rows[0].find("[GiB]"), std::string::npos);
  EXPECT_NE(rows[1].find("stage    [GiB]"), std::string::npos) << rows[1];
  EXPECT_TRUE(std::regex_search(rows[3], std::regex(R"(^\s+0\s+10\.0\s+5\.0\s+2\.5\s+10\.0\s+30\.0\s+3\.0\s+4\.0\s+64\.5\s+80\.0\s+yes\s+peak$)")))
      << rows[3];
  EXPECT_EQ(rows[3].find("64.5") + 4, rows[0].find("total") + std::string("total").size());
  for (const std::string& row : rows) EXPECT_LE(row.size(), 120u) << row;
}

TEST(ReportStructure, CsvHasOneRowPerPhaseATotalAndTheBand) {
  std::string csv = render_csv_report(testing::sample_run_result());
  std::istringstream in(csv);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 1u + 2u + 1u + 3u);  // header, two phases, total, P10/P50/P90
  EXPECT_EQ(lines[0].rfind("row,name,steps,tokens,seq_len,step_time_s,gpu_hours,days,given,given_source,", 0), 0u);
  EXPECT_EQ(lines[1].rfind("phase,pretrain,10000,41943040000,4096,2.5,444.44444444444", 0), 0u) << lines[1];
  // A source with a comma and quotes is quoted per RFC 4180.
  EXPECT_NE(lines[2].find(",true,\"test input, \"\"given\"\" cost\","), std::string::npos) << lines[2];
  EXPECT_EQ(lines[3].rfind("total,test-mini,,,4096,2.5,544.44444444444", 0), 0u) << lines[3];
  EXPECT_EQ(lines[6].rfind("p90,\"hopper, MoE, profile derived (6 runs)\",,,,3.125,", 0), 0u) << lines[6];  // 2.5 / 0.8
}

TEST(ReportStructure, JsonHasTheDocumentedKeys) {
  auto j = nlohmann::json::parse(render_json_report(testing::sample_run_result()));
  const char* pointers[] = {
      "/model/params_total", "/model/params_active", "/model/train_flops_per_token",
      "/model/kv_cache_bytes_per_token", "/memory/peak_bytes_per_gpu", "/memory/fits",
      "/memory/breakdown/weights", "/memory/breakdown/master_weights", "/memory/breakdown/gradients",
      "/memory/breakdown/optimizer", "/memory/breakdown/activations", "/memory/breakdown/comm_buffers",
      "/memory/breakdown/reserve", "/memory/stages", "/step/time_s", "/step/mfu", "/step/mfu_convention",
      "/step/tokens_per_s", "/step/bubble_fraction", "/step/method", "/training/gpu_hours", "/training/days",
      "/training/cost_usd", "/training/phases/0/name", "/training/phases/0/steps",
      "/training/phases/0/step_time_s", "/training/phases/0/gpu_hours", "/training/phases/0/given",
      "/cost/rental_usd", "/cost/owned_usd", "/cost/energy_mwh", "/goodput/enabled",
      "/goodput/effective_time_fraction", "/inputs/scenario_file", "/inputs/calibration_profile",
      "/inputs/calibration_source", "/inputs/moeplan_version", "/inputs/seed", "/inputs/fidelity"};
  for (const char* p : pointers) EXPECT_TRUE(j.contains(nlohmann::json::json_pointer(p))) << p;
  // Raw values in base units, unrounded.
  EXPECT_DOUBLE_EQ(j["memory"]["peak_bytes_per_gpu"].get<double>(), 64.5 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(j["memory"]["breakdown"]["activations"].get<double>(), 30.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(j["memory"]["stages"].size(), 4u);
  EXPECT_EQ(j["training"]["phases"].size(), 2u);
  EXPECT_EQ(j["training"]["phases"][1]["given"], true);
  EXPECT_DOUBLE_EQ(j["training"]["cost_usd"].get<double>(), 1088.8888888888889);  // failure-free, like training.gpu_hours
  EXPECT_EQ(j["inputs"]["seed"].get<std::uint64_t>(), 42u);
  EXPECT_EQ(j["step"]["method"], "des");
}

TEST(ReportStructure, EveryDocumentedKeyIsInJsonKeysMd) {
  // JSON_KEYS.md documents each leaf key path of results.json (array elements as "[]").
  std::string doc = read_file("reports/JSON_KEYS.md");
  ASSERT_FALSE(doc.empty());
  auto j = nlohmann::ordered_json::parse(render_json_report(testing::sample_run_result()));
  std::function<void(const nlohmann::ordered_json&, const std::string&)> walk =
      [&](const nlohmann::ordered_json& v, const std::string& path) {
        if (v.is_object() && !v.empty()) {
          for (auto it = v.begin(); it != v.end(); ++it) walk(it.value(), path.empty() ? it.key() : path + "." + it.key());
        } else if (v.is_array() && !v.empty() && v[0].is_object()) {
          walk(v[0], path + "[]");
        } else {
          EXPECT_NE(doc.find("`" + path + "`"), std::string::npos) << "undocumented key " << path;
        }
      };
  walk(j, "");
}

TEST(ReportStructure, ErrorBandsAppearInEveryFormat) {
  const RunResult r = testing::sample_run_result();
  std::string text = render_text_report(r);
  std::replace(text.begin(), text.end(), '\n', ' ');  // the summary wraps
  EXPECT_NE(text.find("Error band (published runs like this one: hopper, MoE, profile derived (6 runs))"), std::string::npos);
  EXPECT_NE(text.find("Published runs like this one (hopper, MoE, profile derived (6 runs))"), std::string::npos);
  EXPECT_NE(render_markdown_report(r).find("Error band"), std::string::npos);
  const std::string csv = render_csv_report(r);
  for (const char* row : {"\np10,", "\np50,", "\np90,"}) EXPECT_NE(csv.find(row), std::string::npos) << row;
  const auto j = nlohmann::json::parse(render_json_report(r));
  EXPECT_TRUE(j["error_bands"]["present"].get<bool>());
  EXPECT_NEAR(j["error_bands"]["step_time_s"]["p90"].get<double>(), r.step.time_s / 0.8, 1e-9);
  EXPECT_EQ(j["inputs"]["calibration_provenance"], "derived from h800-sxm by peak ratios");
}

}  // namespace
}  // namespace moeplan::reports
