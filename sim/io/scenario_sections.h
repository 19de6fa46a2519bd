// Readers for the sections of a scenario file (cluster, parallel, precision, training, price, failures,
// routing). Internal to the scenario loader; the schema is documented in docs/scenario-format.md.
#pragma once

#include "sim/io/catalog.h"
#include "sim/io/yaml_reader.h"
#include "sim/spec/scenario.h"

namespace moeplan::io {

// `gpu`, `scale_up` and `scale_out` each name a catalog entry or give one inline (with its `name`).
ClusterSpec read_cluster(const YamlField& f, const Catalog& catalog);
// A phase's `cluster:`: the keys it gives applied to the scenario's cluster (same GPU; size, fabrics and
// topology may change).
ClusterSpec read_phase_cluster(const YamlField& f, const ClusterSpec& base, const Catalog& catalog);

// Applies the keys present in `f` to `base`. `dp` may be "auto" (GPUs / (tp x pp)); when `dp` is absent it
// is derived the same way if `dp_auto_when_absent` is set or the mapping changes tp or pp, and kept
// otherwise.
ParallelPlan read_parallel(const YamlField& f, const ParallelPlan& base, int n_gpus, bool dp_auto_when_absent);

PrecisionRecipe read_precision(const YamlField& f);
TrainingSpec read_training(const YamlField& f, const ParallelPlan& plan, const ClusterSpec& cluster,
                           const Catalog& catalog);
PriceSpec read_price(const YamlField& f);
FailureSpec read_failures(const YamlField& f);
RoutingSpec read_routing(const YamlField& f);
GpuVariationSpec read_gpu_variation(const YamlField& f);
// `software:`: a preset name from the catalog, or a mapping {preset: NAME, FIELD: value...} that starts from the
// preset (or from the defaults without one) and overrides the fields it names.
SoftwareSpec read_software(const YamlField& f, const Catalog& catalog);

}  // namespace moeplan::io
