// GpuSpec and FabricSpec from catalog YAML entries (scenarios/catalog/gpus.yaml, fabrics.yaml).
// The keys are documented in docs/scenario-format.md ("Catalog files").
#pragma once

#include <string>

#include "sim/io/yaml_reader.h"
#include "sim/spec/hardware_spec.h"

namespace moeplan::io {

// `entry` is the mapping under the GPU's name; `name` is that name.
GpuSpec read_gpu(const YamlField& entry, const std::string& name);
FabricSpec read_fabric(const YamlField& entry, const std::string& name);

}  // namespace moeplan::io
