// GpuSpec and FabricSpec from catalog YAML entries (scenarios/catalog/gpus.yaml, fabrics.yaml).
// The keys are documented in docs/scenario-format.md ("Catalog files").
#pragma once

#include <string>
#include <vector>

#include "sim/io/yaml_reader.h"
#include "sim/spec/hardware_spec.h"

namespace moeplan::io {

// `entry` is the mapping under the GPU's name; `name` is that name. `extra_keys` are further keys the caller
// reads itself (an inline entry in a scenario carries its `name`).
GpuSpec read_gpu(const YamlField& entry, const std::string& name, const std::vector<std::string>& extra_keys = {});
FabricSpec read_fabric(const YamlField& entry, const std::string& name,
                       const std::vector<std::string>& extra_keys = {});

}  // namespace moeplan::io
