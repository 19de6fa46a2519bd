// Renderers of a validation suite (`moeplan validate`): one row per published run, then the error statistics
// per group. Text, Markdown (the README's accuracy table), CSV and JSON.
#pragma once

#include <string>

#include "sim/validate/validation_suite.h"

namespace moeplan::reports {

std::string render_validation_text(const ValidationSuite& suite);
std::string render_validation_markdown(const ValidationSuite& suite);
std::string render_validation_csv(const ValidationSuite& suite);
std::string render_validation_json(const ValidationSuite& suite);

}  // namespace moeplan::reports
