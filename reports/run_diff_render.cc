// Text, Markdown, CSV and JSON forms of a RunDiff (see run_diff.h).
#include "reports/run_diff.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "reports/format.h"
#include "reports/markup.h"
#include "reports/table.h"

namespace moeplan::reports {
namespace {

// Input values longer than this are shortened in the text form, so two of them and a label fit 120 columns.
constexpr std::size_t kMaxTextValue = 44;

std::string shown(DiffUnit unit, double v) {
  switch (unit) {
    case DiffUnit::kSeconds: return duration(v);
    case DiffUnit::kFraction: return percent(v);
    case DiffUnit::kPerSecond: return count(v) + "/s";
    case DiffUnit::kBytes: return bytes(v);
    case DiffUnit::kBool: return yes_no(v != 0);
    case DiffUnit::kGpuHours: return gpu_hours(v);
    case DiffUnit::kDays: return days(v);
    case DiffUnit::kUsd: return usd(v);
    case DiffUnit::kMwh: return sig3(v) + " MWh";
  }
  return sig3(v);
}

std::string shown(DiffUnit unit, const std::optional<double>& v) { return v ? shown(unit, *v) : "-"; }

// The change as a person reads it: "+1.23 s", "-0.4 pp" for fractions (percentage points), "yes -> no".
std::string change_text(const FigureDiff& f) {
  if (!f.changed()) return f.a ? "same" : "-";
  if (!f.b) return "only in A";
  if (!f.a) return "only in B";
  if (f.unit == DiffUnit::kBool) return shown(f.unit, f.a) + " -> " + shown(f.unit, f.b);
  const double d = *f.abs_change();
  const std::string sign = d > 0 ? "+" : "-";
  if (f.unit == DiffUnit::kFraction) return sign + fixed(std::fabs(d) * 100.0, 1) + " pp";
  return sign + shown(f.unit, std::fabs(d));
}

std::string rel_text(const FigureDiff& f) {
  const auto r = f.rel_change();
  if (!r || !f.changed()) return "";
  return (*r > 0 ? "+" : *r < 0 ? "-" : "") + percent(std::fabs(*r), 1);
}

std::string shorten(const std::string& s) {
  if (s.size() <= kMaxTextValue) return s;
  // The end of a path names the file, so it keeps two thirds of the room.
  const std::size_t keep = kMaxTextValue - 3, head = keep / 3;
  return s.substr(0, head) + "..." + s.substr(s.size() - (keep - head));
}

Table figures_table(const RunDiff& d) {
  Table t("diff-figures", "figures (A -> B)",
          {{"figure", "figure", "", Align::kLeft},
           {"a", "A", "", Align::kRight},
           {"b", "B", "", Align::kRight},
           {"change", "change", "", Align::kRight},
           {"change_rel", "change", "%", Align::kRight}});
  for (const FigureDiff& f : d.figures)
    t.add_row({Cell::of_text(f.label), Cell::of_text(shown(f.unit, f.a)), Cell::of_text(shown(f.unit, f.b)),
               Cell::of_text(change_text(f)), Cell::of_text(rel_text(f))});
  return t;
}

Table inputs_table(const RunDiff& d, bool changed_only, bool shorten_values) {
  Table t("diff-inputs", changed_only ? "inputs that differ" : "inputs",
          {{"input", "input", "", Align::kLeft}, {"a", "A", "", Align::kLeft}, {"b", "B", "", Align::kLeft}});
  for (const InputDiff& in : d.inputs) {
    if (changed_only && !in.changed()) continue;
    t.add_row({Cell::of_text(in.label), Cell::of_text(shorten_values ? shorten(in.a) : in.a),
               Cell::of_text(shorten_values ? shorten(in.b) : in.b)});
  }
  return t;
}

std::string same_inputs_line(const RunDiff& d) {
  std::string same;
  for (const InputDiff& in : d.inputs)
    if (!in.changed()) same += (same.empty() ? "" : ", ") + in.label;
  return same;
}

// Wraps "label: a, b, c" at 120 columns, continuation lines indented by two spaces.
std::string wrapped(const std::string& label, const std::string& list) {
  constexpr std::size_t kWidth = 120;
  std::string out = label, line = label;
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t end = list.find(", ", start);
    std::string item = list.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
    if (line.size() + 1 + item.size() > kWidth) {
      out += "\n  ";
      line = "  ";
    } else {
      out += " ";
      line += " ";
    }
    out += item;
    line += item;
    start = end == std::string::npos ? list.size() : end + 2;
  }
  return out + "\n";
}

}  // namespace

std::string render_diff_text(const RunDiff& d) {
  std::string out = "A: " + d.name_a + "\nB: " + d.name_b + "\n\n";
  out += render_table_text(figures_table(d));
  const Table inputs = inputs_table(d, true, true);
  out += "\n";
  if (inputs.empty()) out += "inputs: the same in both\n";
  else out += render_table_text(inputs);
  const std::string same = same_inputs_line(d);
  if (!inputs.empty() && !same.empty()) out += "\n" + wrapped("same in both:", same);
  return out;
}

std::string render_diff_markdown(const RunDiff& d) {
  std::string out = "## moeplan diff\n\n- A: `" + markdown_cell(d.name_a) + "`\n- B: `" + markdown_cell(d.name_b) + "`\n\n";
  out += render_table_markdown(figures_table(d)) + "\n";
  out += render_table_markdown(inputs_table(d, false, false));
  return out;
}

std::string render_diff_csv(const RunDiff& d) {
  Table t("diff", "diff",
          {{"section", "section"}, {"key", "key"}, {"label", "label"}, {"a", "a"}, {"b", "b"},
           {"change", "change"}, {"change_rel", "change_rel"}, {"changed", "changed"}});
  auto num = [](const std::optional<double>& v) { return v ? Cell::of_number(*v, "") : Cell::of_text(""); };
  for (const FigureDiff& f : d.figures)
    t.add_row({Cell::of_text("figure"), Cell::of_text(f.key), Cell::of_text(f.label), num(f.a), num(f.b),
               num(f.abs_change()), num(f.rel_change()), Cell::of_text(f.changed() ? "true" : "false")});
  for (const InputDiff& in : d.inputs)
    t.add_row({Cell::of_text("input"), Cell::of_text(in.key), Cell::of_text(in.label), Cell::of_text(in.a),
               Cell::of_text(in.b), Cell::of_text(""), Cell::of_text(""),
               Cell::of_text(in.changed() ? "true" : "false")});
  return render_table_csv(t);
}

std::string render_diff_json(const RunDiff& d) {
  using Json = nlohmann::ordered_json;
  auto opt = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
  Json figures = Json::array();
  for (const FigureDiff& f : d.figures) {
    Json a = opt(f.a), b = opt(f.b);
    if (f.unit == DiffUnit::kBool) {
      a = f.a ? Json(*f.a != 0) : Json(nullptr);
      b = f.b ? Json(*f.b != 0) : Json(nullptr);
    }
    figures.push_back(Json{{"key", f.key}, {"label", f.label}, {"a", a}, {"b", b},
                           {"change", opt(f.abs_change())}, {"change_rel", opt(f.rel_change())},
                           {"changed", f.changed()}});
  }
  Json inputs = Json::array();
  for (const InputDiff& in : d.inputs)
    inputs.push_back(Json{{"key", in.key}, {"label", in.label}, {"a", in.a}, {"b", in.b}, {"changed", in.changed()}});
  Json j{{"schema_version", kDiffJsonSchemaVersion}, {"kind", "diff"}, {"a", d.name_a}, {"b", d.name_b},
         {"figures", std::move(figures)}, {"inputs", std::move(inputs)}};
  return j.dump(2) + "\n";
}

}  // namespace moeplan::reports
