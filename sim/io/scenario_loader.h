// Loading a Scenario from a YAML file: the schema of docs/scenario-format.md, command-line overrides, and
// errors that name file:line:column, the dotted key, what was expected and a hint.
//
// Loading = parse YAML -> apply "dotted.key=value" overrides to the tree -> convert every section (unknown
// keys are errors, never ignored) -> moeplan::validate(Scenario), whose errors are placed at the line of the
// key they concern.
#pragma once

#include <string>
#include <vector>

#include "sim/io/catalog.h"
#include "sim/spec/scenario.h"

namespace moeplan::io {

// `overrides` are "dotted.key=value" strings such as "cluster.gpu=rtx-4090" or "parallel.pp=8".
// Relative paths inside the file (a HuggingFace config.json under `model:`) resolve against the file's
// directory first, then the working directory.
Scenario load_scenario(const std::string& path, const Catalog& catalog,
                       const std::vector<std::string>& overrides = {});

// The same from text; `name_for_messages` stands for the file name in errors (and relative paths resolve
// against the working directory). Scenario::file is left empty.
Scenario load_scenario_text(const std::string& yaml, const std::string& name_for_messages, const Catalog& catalog,
                            const std::vector<std::string>& overrides = {});

}  // namespace moeplan::io
