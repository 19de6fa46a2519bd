// DpSyncSpec from YAML: the `parallel.dp_sync` value of a scenario (or of a phase's `parallel:`). Schema in
// docs/dp-sync.md; cost models in sim/workload/outer_sync.h.
#pragma once

#include "sim/io/yaml_reader.h"
#include "sim/spec/dp_sync_spec.h"

namespace moeplan::io {

// A method name alone (`dp_sync: every-step`, `dp_sync: demo`), or a mapping
// {method, inner_steps, fragments | fragment_layers, fragment_pattern, overlap_steps, outer_bits,
// demo_compression, token_overhead, token_overhead_source}. The mapping names its method; diloco and
// streaming-diloco need inner_steps; streaming-diloco needs fragments or fragment_layers. Field checks that need
// no model are done by validate(DpSyncSpec); the fragment count against the model by the scenario validation.
DpSyncSpec read_dp_sync(const YamlField& f);

}  // namespace moeplan::io
