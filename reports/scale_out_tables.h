// The "Scale out" section of a run report: sites, the exchange across the WAN, and the outer-sync timeline,
// as Tables (every renderer) and as JSON (results.json key `scale_out`, reports/JSON_KEYS.md). Empty for a run
// on one cluster.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "reports/table.h"
#include "sim/train/run_result.h"

namespace moeplan::reports {

std::vector<Table> scale_out_tables(const RunResult& result);
// null for a run on one cluster.
nlohmann::ordered_json scale_out_json(const ScaleOutResult& s);

}  // namespace moeplan::reports
