// Reading two results.json documents and pairing their figures and inputs (see run_diff.h).
#include "reports/run_diff.h"

#include <cmath>

#include "reports/json_report.h"
#include "sim/units/error.h"

namespace moeplan::reports {
namespace {

using Json = nlohmann::json;

// The figures a reader compares first, in the order the run report shows them.
struct FigureSpec {
  const char* key;
  const char* label;
  DiffUnit unit;
};

constexpr FigureSpec kFigures[] = {
    {"step.time_s", "step time", DiffUnit::kSeconds},
    {"step.mfu", "MFU", DiffUnit::kFraction},
    {"step.tokens_per_s", "tokens/s", DiffUnit::kPerSecond},
    {"step.bubble_fraction", "pipeline bubble", DiffUnit::kFraction},
    {"step.exposed_comm_s", "exposed comm/step", DiffUnit::kSeconds},
    {"memory.peak_bytes_per_gpu", "memory peak/GPU", DiffUnit::kBytes},
    {"memory.fits", "fits in memory", DiffUnit::kBool},
    {"training.gpu_hours", "GPU-hours, no failures", DiffUnit::kGpuHours},
    {"training.days", "days, no failures", DiffUnit::kDays},
    {"cost.gpu_hours", "GPU-hours", DiffUnit::kGpuHours},
    {"cost.wall_clock_days", "wall-clock days", DiffUnit::kDays},
    {"cost.rental_usd", "rental", DiffUnit::kUsd},
    {"cost.owned_usd", "owned (TCO)", DiffUnit::kUsd},
    {"cost.energy_mwh", "energy", DiffUnit::kMwh},
    {"goodput.effective_time_fraction", "goodput", DiffUnit::kFraction},
    {"goodput.extra_gpu_hours", "failure GPU-hours", DiffUnit::kGpuHours},
};

// Error-band figures: present only in results whose `error_bands.present` is true.
constexpr FigureSpec kBandFigures[] = {
    {"step_time_s", "step time", DiffUnit::kSeconds},
    {"tokens_per_s", "tokens/s", DiffUnit::kPerSecond},
    {"gpu_hours", "GPU-hours", DiffUnit::kGpuHours},
    {"wall_clock_days", "wall-clock days", DiffUnit::kDays},
    {"rental_usd", "rental", DiffUnit::kUsd},
};

struct InputSpec {
  const char* key;
  const char* label;
};

constexpr InputSpec kInputs[] = {
    {"model.name", "model"},
    {"inputs.scenario_name", "scenario"},
    {"inputs.scenario_file", "scenario file"},
    {"inputs.gpu", "GPU"},
    {"inputs.n_gpus", "GPUs"},
    {"inputs.plan_summary", "plan"},
    {"inputs.fidelity", "fidelity"},
    {"inputs.calibration_profile", "profile"},
    {"inputs.moeplan_version", "moeplan version"},
    {"inputs.seed", "seed"},
};

// "a.b.c" -> the value, or nullptr when a part is missing.
const Json* find_key(const Json& doc, const std::string& dotted) {
  const Json* at = &doc;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object()) return nullptr;
    const auto it = at->find(part);
    if (it == at->end()) return nullptr;
    at = &*it;
    if (dot == std::string::npos) return at;
    start = dot + 1;
  }
}

[[noreturn]] void fail(const std::string& file, const std::string& key, const std::string& message,
                       const std::string& expected,
                       const std::string& hint = "write one with `moeplan run SCENARIO --format json > FILE` "
                                                 "or `--report DIR` (DIR/results.json)") {
  throw_user_error(message, ErrorContext{.file = file, .key_path = key, .expected = expected, .hint = hint});
}

void check_document(const Json& doc, const std::string& file) {
  if (!doc.is_object()) fail(file, "", "not a moeplan run result", "a JSON object with `kind`: \"run\"");
  const Json* kind = find_key(doc, "kind");
  if (kind == nullptr || !kind->is_string() || kind->get<std::string>() != "run") {
    const std::string found = kind == nullptr ? "no `kind`" : "`kind` " + kind->dump();
    fail(file, "kind", "not a moeplan run result (" + found + ")", "\"run\"");
  }
  const Json* version = find_key(doc, "schema_version");
  const std::string want = std::to_string(kRunJsonSchemaVersion);
  if (version == nullptr || !version->is_number_integer())
    fail(file, "schema_version", "missing or not an integer", want);
  if (version->get<long long>() != kRunJsonSchemaVersion)
    fail(file, "schema_version",
         "written under results.json schema " + version->dump() + ", this moeplan reads schema " + want, want,
         "rerun the scenario with this moeplan to write a schema " + want + " result");
}

std::optional<double> figure_value(const Json& doc, const std::string& file, const std::string& key, DiffUnit unit,
                                   bool required) {
  const Json* v = find_key(doc, key);
  if (v == nullptr || v->is_null()) {
    if (required) fail(file, key, "missing from the run result", unit == DiffUnit::kBool ? "true or false" : "a number");
    return std::nullopt;
  }
  if (unit == DiffUnit::kBool) {
    if (!v->is_boolean()) fail(file, key, "is " + v->dump(), "true or false");
    return v->get<bool>() ? 1.0 : 0.0;
  }
  if (!v->is_number()) fail(file, key, "is " + v->dump(), "a number");
  return v->get<double>();
}

std::string input_value(const Json& doc, const std::string& file, const std::string& key) {
  const Json* v = find_key(doc, key);
  if (v == nullptr) fail(file, key, "missing from the run result", "a string or a number");
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number()) return v->dump();
  fail(file, key, "is " + v->dump(), "a string or a number");
}

bool bands_present(const Json& doc) {
  const Json* p = find_key(doc, "error_bands.present");
  return p != nullptr && p->is_boolean() && p->get<bool>();
}

}  // namespace

std::optional<double> FigureDiff::abs_change() const {
  if (!a || !b || unit == DiffUnit::kBool) return std::nullopt;
  return *b - *a;
}

std::optional<double> FigureDiff::rel_change() const {
  if (!a || !b || unit == DiffUnit::kBool || *a == 0) return std::nullopt;
  return (*b - *a) / std::fabs(*a);
}

bool FigureDiff::changed() const { return a.has_value() != b.has_value() || (a && *a != *b); }

Json parse_run_json(const std::string& text, const std::string& file) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is the 1-based offset of the character the parser stopped at.
    ErrorContext c{.file = file, .expected = "a results.json written by `moeplan run`"};
    c.line = 1;
    c.column = 1;
    const std::size_t end = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++c.line;
        c.column = 1;
      } else {
        ++c.column;
      }
    }
    // nlohmann's message reads "[json.exception.parse_error.101] parse error at line L, column C: WHAT".
    const std::string what = e.what();
    const std::size_t colon = what.find(": ");
    throw_user_error("malformed JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)), c);
  }
}

RunDiff diff_runs(const Json& a, const std::string& name_a, const Json& b, const std::string& name_b) {
  check_document(a, name_a);
  check_document(b, name_b);
  RunDiff d;
  d.name_a = name_a;
  d.name_b = name_b;
  for (const FigureSpec& f : kFigures) {
    FigureDiff fd{.key = f.key, .label = f.label, .unit = f.unit};
    fd.a = figure_value(a, name_a, f.key, f.unit, true);
    fd.b = figure_value(b, name_b, f.key, f.unit, true);
    d.figures.push_back(std::move(fd));
  }
  const bool bands_a = bands_present(a), bands_b = bands_present(b);
  if (bands_a || bands_b) {
    for (const FigureSpec& f : kBandFigures) {
      for (const char* p : {"p10", "p50", "p90"}) {
        const std::string key = std::string("error_bands.") + f.key + "." + p;
        FigureDiff fd{.key = key, .label = std::string(f.label) + " " + (p[1] == '1' ? "P10" : p[1] == '5' ? "P50" : "P90"),
                      .unit = f.unit};
        if (bands_a) fd.a = figure_value(a, name_a, key, f.unit, true);
        if (bands_b) fd.b = figure_value(b, name_b, key, f.unit, true);
        d.figures.push_back(std::move(fd));
      }
    }
  }
  for (const InputSpec& in : kInputs)
    d.inputs.push_back(InputDiff{.key = in.key, .label = in.label, .a = input_value(a, name_a, in.key),
                                 .b = input_value(b, name_b, in.key)});
  return d;
}

}  // namespace moeplan::reports
