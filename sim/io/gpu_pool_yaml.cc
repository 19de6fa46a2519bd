// `cluster.pools` from YAML (see gpu_pool_yaml.h).
#include "sim/io/gpu_pool_yaml.h"

#include "sim/io/hardware_yaml.h"
#include "sim/units/checked.h"
#include "sim/units/units.h"

namespace moeplan::io {
namespace {

// A catalog name, or an inline entry with its own `name` (as `cluster.gpu` and the fabrics take them); an
// unknown name fails at the value that gave it.
GpuSpec pool_gpu(const YamlField& f, const Catalog& catalog) {
  if (f.is_map()) return read_gpu(f, f.at("name", "a name for the inline GPU").as_string("a GPU name"), {"name"});
  const std::string name = f.as_string("a GPU name from the catalog, or an inline GPU entry");
  try {
    return catalog.gpu(name);
  } catch (const Error& e) {
    throw e.with_context(f.context());
  }
}

FabricSpec pool_fabric(const YamlField& f, const std::string& name, const Catalog& catalog) {
  if (f.is_map() && name.empty())
    return read_fabric(f, f.at("name", "a name for the inline fabric").as_string("a fabric name"), {"name"});
  const std::string key = name.empty() ? f.as_string("a fabric name from the catalog, or an inline fabric entry") : name;
  try {
    return catalog.fabric(key);
  } catch (const Error& e) {
    throw e.with_context(f.context());
  }
}

std::vector<int> read_counts(const YamlField& f, const std::string& what) {
  std::vector<int> out;
  for (const YamlField& item : f.items("a list of " + what + ", one per member, e.g. [12, 12, 8, 8]"))
    out.push_back(item.as_int_in(1, kMaxLayers > kMaxMicroBatchesPerStep ? kMaxLayers : kMaxMicroBatchesPerStep));
  if (out.empty()) f.fail("an empty list", "one entry per member of the pool");
  return out;
}

GpuPoolSpec read_pool(const YamlField& f, const Catalog& catalog) {
  f.require_map("{gpu, nodes, name, gpus_per_node, scale_up, ...}");
  f.expect_keys({"name", "gpu", "nodes", "gpus_per_node", "scale_up", "nics_per_node", "calibration",
                 "usd_per_gpu_hour", "price_source", "layers", "micro_batches"});
  GpuPoolSpec pool;
  const YamlField gpu = f.at("gpu", "a GPU name from the catalog such as h100-sxm");
  pool.gpu = pool_gpu(gpu, catalog);
  pool.name = f.get_string("name", pool.gpu.name);
  pool.n_nodes = f.at("nodes", "the pool's node count, e.g. 4").as_int_in(1, kMaxNodes);
  pool.gpus_per_node = f.get_int("gpus_per_node", 8, 1, kMaxGpusPerNode);
  // Scale-up default: the GPU's own link (NVLink), else its PCIe host link, as for a one-GPU cluster.
  if (auto su = f.find("scale_up")) {
    pool.scale_up = pool_fabric(*su, "", catalog);
  } else {
    pool.scale_up = pool_fabric(gpu, pool.gpu.scale_up_fabric.empty() ? pool.gpu.host_link : pool.gpu.scale_up_fabric,
                                catalog);
  }
  pool.nics_per_node = f.get_int("nics_per_node", pool.gpus_per_node, 0, kMaxGpusPerNode);
  pool.calibration = f.get_string("calibration", "");
  pool.usd_per_gpu_hour =
      f.get_quantity("usd_per_gpu_hour", units::parse_usd_per_hour, 0, "a price such as \"$2.10/h\"");
  pool.price_source = f.get_string("price_source", "");
  if (pool.usd_per_gpu_hour > 0 && pool.price_source.empty())
    f.at("price_source", "where the pool's price comes from (provider, date)");
  if (auto l = f.find("layers")) pool.layers = read_counts(*l, "layers");
  if (auto m = f.find("micro_batches")) pool.micro_batches = read_counts(*m, "micro-batches");
  return pool;
}

}  // namespace

ClusterSpec read_pooled_cluster(const YamlField& f, const Catalog& catalog) {
  f.require_map("{pools, pool_layout, scale_out, ...}");
  f.expect_keys({"pools", "pool_layout", "scale_out", "p2p", "topology"});
  ClusterSpec c;
  if (auto l = f.find("pool_layout"))
    c.pools.layout = l->as_enum<GpuPoolLayout>({{"stages", GpuPoolLayout::kStages}, {"replicas", GpuPoolLayout::kReplicas}},
                                            "pool layout");
  const YamlField list = f.at("pools", "a list of pools, e.g. [{gpu: h100-sxm, nodes: 4}, {gpu: a100-80g, nodes: 4}]");
  long long nodes = 0;
  for (const YamlField& item : list.items("a list of pools, each {gpu, nodes, ...}")) {
    c.pools.pools.push_back(read_pool(item, catalog));
    const GpuPoolSpec& pool = c.pools.pools.back();
    // The job's GPU count is nodes x gpus_per_node: every pool has the first pool's node size.
    if (pool.gpus_per_node != c.pools.pools.front().gpus_per_node)
      item.find("gpus_per_node")
          .value_or(item)
          .fail("pool `" + pool.name + "` has " + std::to_string(pool.gpus_per_node) + " GPUs per node and pool `" +
                    c.pools.pools.front().name + "` " + std::to_string(c.pools.pools.front().gpus_per_node),
                "the same gpus_per_node in every pool");
    nodes += pool.n_nodes;
    if (nodes * c.pools.pools.front().gpus_per_node > kMaxGpus)
      item.fail("the pools hold more than " + std::to_string(kMaxGpus) + " GPUs", "fewer nodes");
  }
  if (c.pools.pools.empty()) list.fail("an empty list of pools", "at least one pool {gpu, nodes}");
  const GpuPoolSpec& first = c.pools.pools.front();
  c.gpu = first.gpu;
  c.n_nodes = static_cast<int>(nodes);
  c.gpus_per_node = first.gpus_per_node;
  c.scale_up = first.scale_up;
  c.nics_per_node = first.nics_per_node;
  if (auto so = f.find("scale_out")) {
    c.scale_out = pool_fabric(*so, "", catalog);
  } else if (c.n_nodes > 1) {
    f.at("scale_out", "the fabric between nodes (shared by every pool), e.g. ib-ndr or roce-400g");
  }
  c.p2p = f.get_bool("p2p", c.p2p);
  if (f.has("topology"))
    f.at("topology", "").fail("a topology for mixed pools is not modelled (des-full only)", "drop `topology`");
  return c;
}

}  // namespace moeplan::io
