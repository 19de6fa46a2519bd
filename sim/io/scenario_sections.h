// Readers for the sections of a scenario file (cluster, parallel, precision, training, price, failures,
// routing). Internal to the scenario loader; the schema is documented in docs/scenario-format.md.
#pragma once

#include "sim/io/catalog.h"
#include "sim/io/yaml_reader.h"
#include "sim/spec/scenario.h"

namespace moeplan::io {

ClusterSpec read_cluster(const YamlField& f, const Catalog& catalog);

// Applies the keys present in `f` to `base`. `dp` may be "auto" (GPUs / (tp x pp)); when `dp` is absent it
// is derived the same way if `dp_auto_when_absent` is set or the mapping changes tp or pp, and kept
// otherwise.
ParallelPlan read_parallel(const YamlField& f, const ParallelPlan& base, int n_gpus, bool dp_auto_when_absent);

PrecisionRecipe read_precision(const YamlField& f);
TrainingSpec read_training(const YamlField& f, const ParallelPlan& plan, int n_gpus);
PriceSpec read_price(const YamlField& f);
FailureSpec read_failures(const YamlField& f);
RoutingSpec read_routing(const YamlField& f);
GpuVariationSpec read_gpu_variation(const YamlField& f);
// `software:`: a preset name from the catalog, or a mapping {preset: NAME, FIELD: value...} that starts from the
// preset (or from the defaults without one) and overrides the fields it names.
SoftwareSpec read_software(const YamlField& f, const Catalog& catalog);

}  // namespace moeplan::io
