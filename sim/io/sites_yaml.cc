// `sites:` and `wan:` sections of a scenario file (see sites_yaml.h).
#include "sim/io/sites_yaml.h"

#include <algorithm>
#include <numeric>

#include "sim/io/scenario_sections.h"
#include "sim/units/checked.h"
#include "sim/units/units.h"

namespace moeplan::io {
namespace {

const std::vector<std::string> kClusterKeys = {"gpu", "nodes", "gpus_per_node", "scale_up", "scale_out",
                                               "nics_per_node"};
const std::vector<std::string> kSiteOnlyKeys = {"name", "price", "price_source", "uplink"};
const char* kBandwidth = "a bandwidth such as \"1 Gbps\" or \"400 Gbps\"";

SiteSpec read_site(const YamlField& f, const Catalog& catalog) {
  f.require_map("{name, gpu, nodes, gpus_per_node, scale_up, scale_out, nics_per_node, price, uplink}");
  std::vector<std::string> allowed = kClusterKeys;
  allowed.insert(allowed.end(), kSiteOnlyKeys.begin(), kSiteOnlyKeys.end());
  f.expect_keys(allowed);
  SiteSpec s;
  s.name = f.at("name", "a unique site name such as us-east").as_string("a site name");
  // The cluster keys are read by the cluster reader itself, so a site's GPU and fabrics accept exactly what
  // `cluster:` does (a catalog name or an inline entry). The sub-mapping shares the file's nodes and marks.
  YAML::Node cluster_keys(YAML::NodeType::Map);
  for (const auto& [key, value] : f.entries())
    for (const std::string& k : kClusterKeys)
      if (key == k) cluster_keys[key] = value.node();
  const ClusterSpec c = read_cluster(YamlField(cluster_keys, f.path(), &f.source()), catalog);
  s.gpu = c.gpu;
  s.n_nodes = c.n_nodes;
  s.gpus_per_node = c.gpus_per_node;
  s.scale_up = c.scale_up;
  s.scale_out = c.scale_out;
  s.nics_per_node = c.nics_per_node;
  s.usd_per_gpu_hour = f.get_quantity("price", units::parse_usd_per_hour, 0, "a price such as \"$2/h\"");
  s.price_source = f.get_string("price_source", "");
  s.uplink_Bps = f.get_quantity("uplink", units::parse_bandwidth, 0, kBandwidth);
  return s;
}

WanLinkSpec read_link(const YamlField& f, bool is_default) {
  f.require_map(is_default ? "{bandwidth, latency, egress_usd_per_gb, source}"
                           : "{between: [A, B], bandwidth, latency, egress_usd_per_gb, source}");
  if (is_default)
    f.expect_keys({"bandwidth", "latency", "egress_usd_per_gb", "source"});
  else
    f.expect_keys({"between", "bandwidth", "latency", "egress_usd_per_gb", "source"});
  WanLinkSpec l;
  if (!is_default) {
    const YamlField ends = f.at("between", "two site names, e.g. [us-east, eu-west]");
    const std::vector<YamlField> items = ends.items("a list of two site names");
    if (items.size() != 2) ends.fail("a link joins exactly two sites", "two site names, e.g. [us-east, eu-west]");
    l.a = items[0].as_string("a site name");
    l.b = items[1].as_string("a site name");
  }
  l.bandwidth_Bps = f.at("bandwidth", kBandwidth).as_quantity(units::parse_bandwidth, kBandwidth);
  l.latency_s = f.get_quantity("latency", units::parse_duration, 0, "a one-way latency such as \"35 ms\"");
  l.egress_usd_per_gb = f.get_double("egress_usd_per_gb", 0);
  l.source = f.get_string("source", "");
  return l;
}

}  // namespace

MultiSiteSpec read_sites(const YamlField& sites, const std::optional<YamlField>& wan, const Catalog& catalog) {
  MultiSiteSpec m;
  const std::vector<YamlField> items = sites.items("a list of sites, each {name, gpu, nodes, ...}");
  if (items.empty()) sites.fail("`sites:` lists no site", "at least one site");
  long long gpus = 0;
  for (const YamlField& item : items) {
    m.sites.push_back(read_site(item, catalog));
    gpus += m.sites.back().n_gpus();
    if (gpus > kMaxGpus) item.fail("the sites hold more than " + std::to_string(kMaxGpus) + " GPUs", "fewer GPUs");
  }
  if (wan) {
    wan->require_map("{default: {bandwidth, latency, ...}, links: [...]}");
    wan->expect_keys({"default", "links"});
    if (auto d = wan->find("default")) m.default_link = read_link(*d, true);
    if (auto links = wan->find("links"))
      for (const YamlField& l : links->items("a list of links, each {between: [A, B], bandwidth, latency}"))
        m.links.push_back(read_link(l, false));
  }
  return m;
}

ClusterSpec whole_cluster_of(const MultiSiteSpec& m) {
  ClusterSpec c;
  const SiteSpec& first = m.sites.front();
  c.gpu = first.gpu;
  c.gpus_per_node = first.gpus_per_node;
  c.scale_up = first.scale_up;
  c.scale_out = first.scale_out;
  c.nics_per_node = first.nics_per_node;
  // Sites of different node shapes: nodes of the largest shape that divides every site's nodes, so the GPU
  // count is exact. Only the plan checks see this shape; each site runs on its own.
  for (const SiteSpec& s : m.sites) c.gpus_per_node = std::gcd(c.gpus_per_node, s.gpus_per_node);
  c.n_nodes = m.n_gpus() / c.gpus_per_node;
  // Sites of one node need no NIC of their own (their traffic leaves over the WAN); the whole job spans nodes.
  c.nics_per_node = std::max(1, c.nics_per_node);
  return c;
}

}  // namespace moeplan::io
