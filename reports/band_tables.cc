// Error bands in reports (see band_tables.h).
#include "reports/band_tables.h"

#include <fmt/format.h>

#include <vector>

#include "reports/format.h"

namespace moeplan::reports {
namespace {

struct Figure {
  const char* name;
  double value;
  const FigureBand* band;
  std::string (*shown)(double);
};

std::vector<Figure> figures(const RunResult& r) {
  const ErrorBands& b = r.bands;
  std::vector<Figure> f = {{"step time", r.step.time_s, &b.step_time_s, duration},
                           {"tokens per second", r.step.tokens_per_s, &b.tokens_per_s, count},
                           {"GPU-hours priced", r.cost.gpu_hours, &b.gpu_hours, gpu_hours},
                           {"wall-clock time", r.cost.wall_clock_days, &b.days, days}};
  if (r.cost.usd_per_gpu_hour > 0) f.push_back({"rental cost", r.cost.rental_usd, &b.rental_usd, usd});
  return f;
}

}  // namespace

Table error_band_table(const RunResult& r) {
  const std::string title = r.bands.present ? "Error band (published runs like this one: " + r.bands.basis + ")"
                                             : "Error band (published runs like this one)";
  Table t("error_band", title,
          {{"quantity", "quantity", "", Align::kLeft},
           {"predicted", "predicted", "", Align::kRight},
           {"p10", "P10", "", Align::kRight},
           {"p50", "P50", "", Align::kRight},
           {"p90", "P90", "", Align::kRight}});
  if (!r.bands.present) {
    if (!r.bands.why_absent.empty())
      t.add_row({Cell::of_text("no band"), Cell::of_text(r.bands.why_absent), Cell::of_text(""), Cell::of_text(""),
                 Cell::of_text("")});
    return t;
  }
  for (const Figure& f : figures(r))
    t.add_row({Cell::of_text(f.name), Cell::of_number(f.value, f.shown(f.value)),
               Cell::of_number(f.band->p10, f.shown(f.band->p10)), Cell::of_number(f.band->p50, f.shown(f.band->p50)),
               Cell::of_number(f.band->p90, f.shown(f.band->p90))});
  return t;
}

std::string band_sentence(const RunResult& r) {
  if (!r.bands.present) return "";
  const ErrorBands& b = r.bands;
  return fmt::format("Published runs like this one ({}) put the step at {} to {} and the GPU-hours at {} to {} (P10 to P90).",
                     b.basis, duration(b.step_time_s.p10), duration(b.step_time_s.p90), gpu_hours(b.gpu_hours.p10),
                     gpu_hours(b.gpu_hours.p90));
}

void add_band_rows(Table& results, const RunResult& r) {
  if (!r.bands.present) return;
  const auto& cols = results.columns();
  const ErrorBands& b = r.bands;
  struct Col {
    const char* key;
    const FigureBand* band;
  };
  const Col filled[] = {{"step_time_s", &b.step_time_s}, {"tokens_per_s", &b.tokens_per_s},
                        {"gpu_hours", &b.gpu_hours},     {"wall_clock_days", &b.days},
                        {"rental_usd", &b.rental_usd}};
  for (int q = 0; q < 3; ++q) {
    std::vector<Cell> row(cols.size(), Cell::of_text(""));
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (cols[c].key == "row") row[c] = Cell::of_text(q == 0 ? "p10" : q == 1 ? "p50" : "p90");
      if (cols[c].key == "name") row[c] = Cell::of_text(b.basis);
      for (const Col& f : filled)
        if (cols[c].key == f.key) {
          const double v = q == 0 ? f.band->p10 : q == 1 ? f.band->p50 : f.band->p90;
          row[c] = Cell::of_number(v, "");
        }
    }
    results.add_row(std::move(row));
  }
}

}  // namespace moeplan::reports
