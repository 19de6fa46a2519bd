// Scale-out validation rows for the dp_sync cost model: the compute utilisation (CU) that the Streaming DiLoCo
// paper (arXiv:2501.18512 Table 4) and the DiLoCo scaling-law paper (arXiv:2503.09799 Table 6) simulate at each
// WAN bandwidth, reproduced by outer_sync_cost() from the papers' own inputs. The inputs and the published
// bandwidths live in `<validation dir>/scale-out/streaming-diloco-cu.yaml`, with what each paper states and what
// is assumed.
#pragma once

#include <string>
#include <vector>

#include "sim/validate/scale_out_row.h"

namespace moeplan {

// Tolerance of these rows: the done-when band for Streaming DiLoCo utilisation points.
inline constexpr double kStreamingDilocoTolerancePoints = 10;

// One row per (table, model, method, CU level) with a published bandwidth: published = the CU level (percent),
// predicted = moeplan's CU at that bandwidth; then one row per single `points:` entry (a CU the paper gives
// through wall-clock hours). Empty when the data file is absent. Throws a located user Error
// when the file is malformed.
std::vector<ScaleOutValidationRow> run_streaming_diloco_rows(const std::string& validation_dir);

// The same from a file path.
std::vector<ScaleOutValidationRow> streaming_diloco_rows_from_file(const std::string& path);

}  // namespace moeplan
