// `cluster.pools`: a cluster built from pools of different GPU types on one scale-out fabric. Internal to the
// scenario loader; the keys are documented in docs/mixed-gpus.md and docs/scenario-format.md.
#pragma once

#include "sim/io/catalog.h"
#include "sim/io/yaml_reader.h"
#include "sim/spec/cluster_spec.h"

namespace moeplan::io {

// The whole `cluster:` mapping when it has `pools:`. Each pool names its `gpu` and `nodes` (and may set
// `name`, `gpus_per_node`, `scale_up`, `nics_per_node`, `calibration`, `usd_per_gpu_hour`, `price_source`,
// `layers`, `micro_batches`); the cluster gives `scale_out`, `pool_layout` (stages | replicas), `p2p` and
// `topology`. The returned ClusterSpec's gpu and scale_up are the first pool's and n_nodes is the pools' sum,
// so code that sizes the job (tp x cp x pp x dp = GPUs) reads it as before.
ClusterSpec read_pooled_cluster(const YamlField& f, const Catalog& catalog);

}  // namespace moeplan::io
