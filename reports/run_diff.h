// What changed between two run results: the headline figures of two results.json documents (the layout
// reports/JSON_KEYS.md documents, written by `moeplan run --format json` or `--report DIR`) side by side,
// with the absolute and relative change of each, and the inputs that differ.
//
// The comparison works on the documents, not on RunResult values, so results written by another build or
// on another machine can be compared; it checks that both are run results of the schema this build writes.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace moeplan::reports {

// How a figure is shown to people; the raw values stay in base units.
enum class DiffUnit { kSeconds, kFraction, kPerSecond, kBytes, kBool, kGpuHours, kDays, kUsd, kMwh };

struct FigureDiff {
  std::string key;    // dotted results.json key, e.g. "step.time_s"
  std::string label;  // what a person reads, e.g. "step time"
  DiffUnit unit = DiffUnit::kSeconds;
  std::optional<double> a;  // absent when that result does not carry the figure (an error band not drawn)
  std::optional<double> b;

  // b - a when both are present and the figure is a number (not a yes/no).
  std::optional<double> abs_change() const;
  // (b - a) / |a| when both are present, a is not 0 and the figure is a number.
  std::optional<double> rel_change() const;
  bool changed() const;
};

struct InputDiff {
  std::string key;  // dotted results.json key, e.g. "inputs.plan_summary"
  std::string label;
  std::string a;    // the value as text (numbers in their JSON form)
  std::string b;
  bool changed() const { return a != b; }
};

struct RunDiff {
  std::string name_a;  // how the two results are named to the reader (their file paths)
  std::string name_b;
  std::vector<FigureDiff> figures;
  std::vector<InputDiff> inputs;
};

// Parses the text of a results.json; malformed JSON is a user Error located at file:line:column.
nlohmann::json parse_run_json(const std::string& text, const std::string& file);

// Compares two parsed run results. Throws a user Error naming the file and key when a document is not a
// run result (`kind` other than "run"), was written under another `schema_version`, or lacks a figure or
// input every run result carries (or carries it with the wrong type).
RunDiff diff_runs(const nlohmann::json& a, const std::string& name_a, const nlohmann::json& b,
                  const std::string& name_b);

// Renderers. Text fits 120 columns: long input values are shortened in the middle ("...").
std::string render_diff_text(const RunDiff& d);
std::string render_diff_markdown(const RunDiff& d);
// One CSV table: section (figure|input), key, label, a, b, change, change_rel, changed; raw base units.
std::string render_diff_csv(const RunDiff& d);
// {"schema_version", "kind": "diff", "a", "b", "figures": [...], "inputs": [...]}; keys in JSON_KEYS.md.
std::string render_diff_json(const RunDiff& d);

inline constexpr int kDiffJsonSchemaVersion = 1;

}  // namespace moeplan::reports
