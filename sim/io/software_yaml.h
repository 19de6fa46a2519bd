// SoftwareSpec from YAML: a preset entry of scenarios/catalog/software.yaml, or a scenario's `software:` value
// (a preset name, or a mapping naming a `preset` and overriding any of its fields).
#pragma once

#include <string>

#include "sim/io/yaml_reader.h"
#include "sim/spec/software_spec.h"

namespace moeplan::io {

// Fields of a software stack over `base`; `extra_keys` are accepted and left to the caller (`preset`).
SoftwareSpec read_software_fields(const YamlField& f, const SoftwareSpec& base,
                                  const std::vector<std::string>& extra_keys = {});

}  // namespace moeplan::io
