// Validation suite renderers (see validation_report.h).
#include "reports/validation_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "reports/table.h"

namespace moeplan::reports {
namespace {

std::string value_text(double v) {
  if (v >= 1000) return fmt::format("{:.0f}", v);
  if (v >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.3g}", v);
}
std::string pct(double x) { return fmt::format("{:+.1f}%", 100 * x); }

Table runs_table(const ValidationSuite& suite) {
  Table t("validation_runs", "Published runs (error: predicted / published - 1; speed: + = predicted faster)",
          {{"file", "run", "", Align::kLeft},
           {"year", "year", "", Align::kRight},
           {"gpu", "GPU", "", Align::kLeft},
           {"kind", "kind", "", Align::kLeft},
           {"metric", "metric", "", Align::kLeft},
           {"published", "published", "", Align::kRight},
           {"predicted", "predicted", "", Align::kRight},
           {"error", "error", "", Align::kRight},
           {"speed_error", "speed", "", Align::kRight}});
  for (const ValidationRow& r : suite.rows) {
    std::string metric = to_string(r.metric);
    if (r.convention != FlopsConvention::kNone) metric += fmt::format(" ({})", to_string(r.convention));
    std::string file = r.file;
    if (file.size() > 5 && file.compare(file.size() - 5, 5, ".yaml") == 0) file.resize(file.size() - 5);
    t.add_row({Cell::of_text(file), Cell::of_number(r.year, std::to_string(r.year)), Cell::of_text(r.gpu),
               Cell::of_text(r.moe ? "MoE" : "dense"), Cell::of_text(metric),
               Cell::of_number(r.published, value_text(r.published)),
               Cell::of_number(r.predicted, value_text(r.predicted)), Cell::of_number(r.error, pct(r.error)),
               Cell::of_number(r.speed_error, pct(r.speed_error))});
  }
  return t;
}

Table groups_table(const ValidationSuite& suite) {
  Table t("validation_groups", "Speed error by group (MAE, bias = mean signed error, worst row)",
          {{"group", "group", "", Align::kLeft},
           {"runs", "runs", "", Align::kRight},
           {"mae", "MAE", "", Align::kRight},
           {"bias", "bias", "", Align::kRight},
           {"worst", "worst", "", Align::kRight},
           {"worst_run", "worst run", "", Align::kLeft}});
  for (const GroupStats& g : suite.groups)
    t.add_row({Cell::of_text(g.group), Cell::of_number(g.n, std::to_string(g.n)),
               Cell::of_number(g.mae, fmt::format("{:.1f}%", 100 * g.mae)), Cell::of_number(g.bias, pct(g.bias)),
               Cell::of_number(g.worst, pct(g.worst)), Cell::of_text(g.worst_file)});
  return t;
}

}  // namespace

std::string render_validation_text(const ValidationSuite& suite) {
  return render_table_text(runs_table(suite)) + "\n" + render_table_text(groups_table(suite));
}

std::string render_validation_markdown(const ValidationSuite& suite) {
  return render_table_markdown(runs_table(suite)) + "\n" + render_table_markdown(groups_table(suite));
}

std::string render_validation_csv(const ValidationSuite& suite) { return render_table_csv(runs_table(suite)); }

std::string render_validation_json(const ValidationSuite& suite) {
  nlohmann::json j;
  j["dir"] = suite.dir;
  j["runs"] = nlohmann::json::array();
  for (const ValidationRow& r : suite.rows)
    j["runs"].push_back({{"file", r.file},
                         {"name", r.name},
                         {"source", r.source},
                         {"year", r.year},
                         {"gpu", r.gpu},
                         {"generation", r.generation},
                         {"moe", r.moe},
                         {"workload", r.workload},
                         {"measured_profile", r.measured_profile},
                         {"software", r.software},
                         {"metric", to_string(r.metric)},
                         {"flops_convention", to_string(r.convention)},
                         {"published", r.published},
                         {"predicted", r.predicted},
                         {"error", r.error},
                         {"speed_error", r.speed_error}});
  j["groups"] = nlohmann::json::array();
  for (const GroupStats& g : suite.groups)
    j["groups"].push_back({{"group", g.group}, {"runs", g.n}, {"mae", g.mae}, {"bias", g.bias},
                           {"worst", g.worst}, {"worst_run", g.worst_file}});
  return j.dump(2) + "\n";
}

}  // namespace moeplan::reports
