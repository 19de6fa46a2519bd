// The mixed-GPU section of a run report (cluster.pools): each pool, and each stage or replica it holds with its
// layers or micro-batches, its time, its idle time and its memory; the slowest member flagged. Tables for the
// text, Markdown and HTML reports, and the JSON object `mixed` (reports/JSON_KEYS.md).
#pragma once

#include <nlohmann/json.hpp>

#include "reports/table.h"
#include "sim/train/run_result.h"

namespace moeplan::reports {

// Empty tables (no rows) when the run has one GPU type.
Table mixed_pools_table(const RunResult& r);
Table mixed_members_table(const RunResult& r);

// {"enabled": false} when the run has one GPU type.
nlohmann::ordered_json mixed_json(const MixedResult& m);

}  // namespace moeplan::reports
