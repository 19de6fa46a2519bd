// Scale-out validation rows (see scale_out_validation.h).
#include "sim/validate/scale_out_validation.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "sim/calib/profile_calibration.h"
#include "sim/io/input_file.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/yaml_reader.h"
#include "sim/train/multi_site_run.h"
#include "sim/validate/streaming_diloco_rows.h"

namespace moeplan {

std::vector<ScaleOutValidationRow> run_multi_site_rows(const std::string& file, const io::Catalog& catalog,
                                                       const std::string& profiles_dir) {
  namespace fs = std::filesystem;
  io::YamlSource source(file);
  const YAML::Node root_node = io::parse_yaml(io::read_input_file(file, "scale-out validation file"), file);
  const io::YamlField root(root_node, "", &source);
  root.require_map("{group, metric, source, tolerance_points, rows}");
  root.expect_keys({"group", "metric", "source", "tolerance_points", "rows"});
  ScaleOutValidationRow base;
  base.group = root.at("group", "a name such as INTELLECT-1").as_string();
  base.metric = root.get_string("metric", "compute utilisation %");
  base.source = root.at("source", "the citation of the published figures").as_string();
  base.tolerance_points = root.get_double("tolerance_points", 0);
  std::vector<ScaleOutValidationRow> rows;
  for (const io::YamlField& item : root.at("rows", "a list of {name, scenario, published}").items("rows")) {
    item.require_map("{name, scenario, published}");
    item.expect_keys({"name", "scenario", "published"});
    ScaleOutValidationRow row = base;
    row.name = item.at("name", "the published setting").as_string();
    row.published = item.at("published", "the published percentage").as_double();
    const io::YamlField scenario_field = item.at("scenario", "a scenario path relative to this file");
    const fs::path path = fs::path(file).parent_path() / scenario_field.as_string();
    const Scenario s = io::load_scenario(path.lexically_normal().string(), catalog);
    if (!s.sites.enabled()) scenario_field.fail("the scenario has no `sites:`", "a multi-site scenario");
    std::vector<std::unique_ptr<Calibration>> owned;
    std::vector<const Calibration*> calibs;
    for (size_t i = 0; i < s.sites.sites.size(); ++i) {
      const Scenario site = site_scenario(s, i);
      owned.push_back(load_calibration(
          scenario_profile_path(site.calibration, site.file, site.cluster.gpu, profiles_dir), site.cluster.gpu));
      calibs.push_back(owned.back().get());
    }
    row.predicted = 100 * run_multi_site(s, calibs).scale_out.compute_utilisation;
    rows.push_back(row);
  }
  return rows;
}

std::vector<ScaleOutValidationRow> run_scale_out_validation(const std::string& dir, const io::Catalog& catalog,
                                                            const std::string& profiles_dir) {
  namespace fs = std::filesystem;
  std::vector<ScaleOutValidationRow> rows;
  const fs::path sub = fs::path(dir) / "scale-out";
  std::error_code ec;
  if (!fs::is_directory(sub, ec)) return rows;
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(sub, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() > 10 && name.compare(name.size() - 10, 10, "-runs.yaml") == 0)
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& f : files)
    for (ScaleOutValidationRow& r : run_multi_site_rows(f, catalog, profiles_dir)) rows.push_back(std::move(r));
  // The dp_sync cost model against the published simulations (Streaming DiLoCo, DiLoCo scaling laws).
  for (ScaleOutValidationRow& r : run_streaming_diloco_rows(dir)) rows.push_back(std::move(r));
  return rows;
}

namespace {

std::string row_line(const ScaleOutValidationRow& r) {
  const std::string band =
      r.tolerance_points > 0 ? fmt::format("{}{:g}", r.within_tolerance() ? "<=" : "> ", r.tolerance_points) : "-";
  return fmt::format("{:<20} {:<60} {:>9.1f} {:>9.1f} {:>+8.1f} {:>6}  {}\n", r.group, r.name, r.published,
                     r.predicted, r.error_points(), band, r.source);
}

bool shown_in_full(const std::string& group, size_t rows_in_group) { return rows_in_group <= 12 || group.empty(); }

}  // namespace

std::string render_scale_out_validation_text(const std::vector<ScaleOutValidationRow>& rows) {
  if (rows.empty()) return "";
  // Groups in order of first appearance, with their rows.
  std::vector<std::string> groups;
  for (const ScaleOutValidationRow& r : rows)
    if (std::find(groups.begin(), groups.end(), r.group) == groups.end()) groups.push_back(r.group);
  std::string out = fmt::format("\nScale-out runs ({} published figures, compute utilisation %; error in percentage "
                                "points)\n{:<20} {:<60} {:>9} {:>9} {:>8} {:>6}  {}\n",
                                rows.size(), "group", "setting", "published", "predicted", "error", "band", "source");
  int within = 0, banded = 0;
  std::string summary;
  for (const std::string& g : groups) {
    std::vector<const ScaleOutValidationRow*> in;
    for (const ScaleOutValidationRow& r : rows)
      if (r.group == g) in.push_back(&r);
    double sum = 0, worst = 0;
    int g_within = 0, g_banded = 0;
    for (const ScaleOutValidationRow* r : in) {
      sum += std::abs(r->error_points());
      if (std::abs(r->error_points()) > std::abs(worst)) worst = r->error_points();
      if (r->tolerance_points > 0) ++g_banded, g_within += r->within_tolerance() ? 1 : 0;
    }
    within += g_within;
    banded += g_banded;
    // A large group (a paper's whole table) shows its 90 % column and the rows outside their band; its summary
    // line covers every row.
    const bool full = shown_in_full(g, in.size());
    for (const ScaleOutValidationRow* r : in)
      if (full || r->name.find(" 90 % CU") != std::string::npos || !r->within_tolerance()) out += row_line(*r);
    summary += fmt::format("{:<20} {} rows, mean |error| {:.1f} points, worst {:+.1f}, {} of {} within band{}\n", g,
                           in.size(), sum / in.size(), worst, g_within, g_banded,
                           full ? "" : " (listed above: the 90 % column and rows outside the band)");
  }
  out += summary;
  out += fmt::format("scale-out: {} of {} banded figures within their band\n", within, banded);
  return out;
}

}  // namespace moeplan
