// The "Scale out" section: present in text, Markdown and JSON for a multi-site result, absent (JSON null) for a
// run on one cluster, and every JSON key it writes documented in reports/JSON_KEYS.md.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "reports/json_report.h"
#include "reports/markdown_report.h"
#include "reports/text_report.h"
#include "tests/reports/sample_result.h"

namespace moeplan::reports {
namespace {

RunResult with_sites() {
  RunResult r = testing::sample_run_result();
  ScaleOutResult& s = r.scale_out;
  s.present = true;
  s.dp_sync = "diloco";
  s.sites = {SiteStepResult{"us-east", "h100-sxm", 8, 1, 22.8, 2.45, "catalog", 100, 245},
             SiteStepResult{"eu-west", "h100-sxm", 8, 1, 22.8, 2.45, "catalog", 100, 245}};
  s.slowest_site = "us-east";
  s.ring = "us-east -> eu-west -> us-east";
  s.bottleneck = "us-east -> eu-west at 1.16 Gbit/s";
  s.inner_step_s = 22.8;
  s.sync_time_s = 120;
  s.exposed_sync_s_per_step = 1.2;
  s.step_time_s = 24.0;
  s.compute_utilisation = 0.95;
  s.wan_bytes_per_token = 0.5;
  s.wan_bytes = 1e12;
  s.egress_usd = 20;
  s.compute_usd = 490;
  s.total_usd = 510;
  s.token_overhead = 1.02;
  s.token_overhead_source = "given";
  s.gpu_hours_equal_quality = 204;
  s.usd_equal_quality = 520.2;
  s.timeline = {OuterSyncEvent{"outer all-reduce", 100, 105.3, 120, 120, false}};
  s.notes = {"a note"};
  return r;
}

TEST(ScaleOutReport, SectionInEveryFormat) {
  const RunResult r = with_sites();
  const std::string text = render_text_report(r);
  EXPECT_NE(text.find("Scale out"), std::string::npos);
  EXPECT_NE(text.find("us-east -> eu-west -> us-east"), std::string::npos);
  EXPECT_NE(text.find("95.0%"), std::string::npos);
  EXPECT_NE(text.find("us-east (slowest)"), std::string::npos);
  EXPECT_NE(render_markdown_report(r).find("### Scale out"), std::string::npos);
  const auto j = nlohmann::json::parse(render_json_report(r));
  EXPECT_DOUBLE_EQ(j["scale_out"]["compute_utilisation"].get<double>(), 0.95);
  EXPECT_DOUBLE_EQ(j["scale_out"]["egress_usd"].get<double>(), 20);
  EXPECT_EQ(j["scale_out"]["sites"].size(), 2u);
  // A single-cluster run has none.
  const RunResult one = testing::sample_run_result();
  EXPECT_EQ(render_text_report(one).find("Scale out"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(render_json_report(one))["scale_out"].is_null());
}

TEST(ScaleOutReport, EveryKeyIsDocumented) {
  std::ifstream f("reports/JSON_KEYS.md");
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string doc = ss.str();
  ASSERT_FALSE(doc.empty());
  const auto j = nlohmann::ordered_json::parse(render_json_report(with_sites()));
  std::function<void(const nlohmann::ordered_json&, const std::string&)> walk = [&](const nlohmann::ordered_json& v,
                                                                                   const std::string& path) {
    if (v.is_object() && !v.empty()) {
      for (auto it = v.begin(); it != v.end(); ++it) walk(it.value(), path.empty() ? it.key() : path + "." + it.key());
    } else if (v.is_array() && !v.empty() && v[0].is_object()) {
      walk(v[0], path + "[]");
    } else if (path.rfind("scale_out", 0) == 0) {
      EXPECT_NE(doc.find("`" + path + "`"), std::string::npos) << "undocumented key " << path;
    }
  };
  walk(j, "");
}

}  // namespace
}  // namespace moeplan::reports
