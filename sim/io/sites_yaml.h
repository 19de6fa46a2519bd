// Readers for a multi-site scenario's `sites:` list and `wan:` links (docs/scale-out.md has the format).
// Internal to the scenario loader.
#pragma once

#include <optional>

#include "sim/io/catalog.h"
#include "sim/io/yaml_reader.h"
#include "sim/spec/cluster_spec.h"
#include "sim/spec/site_spec.h"

namespace moeplan::io {

// `sites:` (a list of {name, gpu, nodes, gpus_per_node, scale_up, scale_out, nics_per_node, price, price_source,
// uplink}) and `wan:` ({default: LINK, links: [{between: [A, B], bandwidth, latency, egress_usd_per_gb,
// source}]}). Unknown keys, unknown site names and pairs listed twice are errors placed at their line.
MultiSiteSpec read_sites(const YamlField& sites, const std::optional<YamlField>& wan, const Catalog& catalog);

// The cluster the plan checks count against: the first site's GPU, node shape and fabrics, with every site's
// GPUs (sites of another node shape are counted in GPUs).
ClusterSpec whole_cluster_of(const MultiSiteSpec& m);

}  // namespace moeplan::io
