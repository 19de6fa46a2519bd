// Serving validation rows; see serving_validation.h.
#include "sim/validate/serving_validation.h"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "sim/infer/serve_scenario.h"
#include "sim/infer/serving_metrics.h"
#include "sim/infer/serving_run.h"
#include "sim/validate/validation_suite.h"

namespace moeplan {

std::vector<ServingValidationRow> run_serving_validation(const std::string& dir, const io::Catalog& catalog,
                                                         const std::string& profiles_dir, const Progress& progress) {
  namespace fs = std::filesystem;
  std::vector<ServingValidationRow> rows;
  const fs::path sub = fs::path(dir) / "serving";
  std::error_code ec;
  if (!fs::is_directory(sub, ec)) return rows;
  const std::vector<std::string> files = validation_files(sub.string());
  progress.begin("scoring " + std::to_string(files.size()) + " published serving runs", files.size());
  for (const std::string& file : files) {
    const ServeScenario s = load_serve_scenario(file, catalog);
    const ServeResult r = run_serving(s, profiles_dir);
    progress.advance();
    for (const PublishedFigure& f : s.published) {
      ServingValidationRow row;
      row.file = fs::path(file).filename().string();
      row.name = s.name;
      row.gpu = r.inputs.gpu;
      row.metric = f.metric;
      row.source = f.source;
      row.published = f.value;
      row.predicted = serving_metric(r, f.metric);
      row.error = row.predicted / row.published - 1.0;
      rows.push_back(row);
    }
  }
  return rows;
}

std::string render_serving_validation_text(const std::vector<ServingValidationRow>& rows) {
  if (rows.empty()) return "";
  std::string out = fmt::format("\nServing runs ({} published figures)\n{:<34} {:<10} {:<36} {:>12} {:>12} {:>8}\n",
                                rows.size(), "scenario", "gpu", "metric", "published", "predicted", "error");
  double sum = 0;
  for (const ServingValidationRow& r : rows) {
    out += fmt::format("{:<34} {:<10} {:<36} {:>12.6g} {:>12.6g} {:>+7.1f}%\n", r.name, r.gpu, r.metric, r.published,
                       r.predicted, 100 * r.error);
    sum += std::abs(r.error);
  }
  out += fmt::format("serving MAE {:.1f}%\n", 100 * sum / rows.size());
  return out;
}

}  // namespace moeplan
