// Scale-out rows of the validation suite: published compute utilisations of multi-site and low-communication
// runs, scored in percentage points in a table of their own (their metric is a share of time, not a speed, so
// they enter neither the training statistics nor the error bands).
//
// `<validation dir>/scale-out/*-runs.yaml` each list multi-site scenarios with the figure they are scored
// against: {group, metric, source, tolerance_points, rows: [{name, scenario (path relative to the file),
// published}]}. Each scenario runs through run_multi_site and its compute utilisation is compared.
#pragma once

#include <string>
#include <vector>

#include "sim/io/catalog.h"
#include "sim/validate/scale_out_row.h"

namespace moeplan {

// Every scale-out row under `<dir>/scale-out/`, in file then row order; empty when there is no such folder.
std::vector<ScaleOutValidationRow> run_scale_out_validation(const std::string& dir, const io::Catalog& catalog,
                                                            const std::string& profiles_dir);

// The rows of one `*-runs.yaml` file.
std::vector<ScaleOutValidationRow> run_multi_site_rows(const std::string& file, const io::Catalog& catalog,
                                                       const std::string& profiles_dir);

// An aligned text table: group, setting, metric, published, predicted, error in points, within the band.
std::string render_scale_out_validation_text(const std::vector<ScaleOutValidationRow>& rows);

}  // namespace moeplan
