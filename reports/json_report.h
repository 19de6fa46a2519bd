// results.json of a RunResult: stable keys, raw values in base units (bytes, seconds, hours, days, USD).
// Every key is documented in reports/JSON_KEYS.md; renaming one is a breaking change.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/train/run_result.h"

namespace moeplan::reports {

inline constexpr int kRunJsonSchemaVersion = 1;

// The document as a JSON value, keys in documented order.
nlohmann::ordered_json run_result_json(const RunResult& result);
// The document as text, indented by 2, ending in a newline.
std::string render_json_report(const RunResult& result);

}  // namespace moeplan::reports
