// Scale-out validation rows (see scale_out_validation.h).
#include "sim/validate/scale_out_validation.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "sim/calib/profile_calibration.h"
#include "sim/io/input_file.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/yaml_reader.h"
#include "sim/train/multi_site_run.h"

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
  return rows;
}

std::string render_scale_out_validation_text(const std::vector<ScaleOutValidationRow>& rows) {
  if (rows.empty()) return "";
  std::string out = fmt::format("\nScale-out runs ({} published figures; error in percentage points)\n"
                                "{:<18} {:<40} {:<24} {:>9} {:>9} {:>8} {:>6}  {}\n",
                                rows.size(), "group", "setting", "metric", "published", "predicted", "error",
                                "band", "source");
  int within = 0, banded = 0;
  for (const ScaleOutValidationRow& r : rows) {
    const std::string band = r.tolerance_points > 0 ? fmt::format("{}{:g}", r.within_tolerance() ? "<=" : "> ",
                                                                  r.tolerance_points)
                                                    : "-";
    out += fmt::format("{:<18} {:<40} {:<24} {:>9.1f} {:>9.1f} {:>+8.1f} {:>6}  {}\n", r.group, r.name, r.metric,
                       r.published, r.predicted, r.error_points(), band, r.source);
    if (r.tolerance_points > 0) ++banded, within += r.within_tolerance() ? 1 : 0;
  }
  out += fmt::format("scale-out: {} of {} banded figures within their band\n", within, banded);
  return out;
}

}  // namespace moeplan
