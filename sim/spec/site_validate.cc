// Validation of a multi-site cluster on its own: site names, sizes, prices and the WAN links between them.
// Whether each site holds whole replicas of the plan is a cross-part check (scenario_validate.cc).
#include <cmath>
#include <set>
#include <string>
#include <utility>

#include "sim/spec/site_spec.h"
#include "sim/units/checked.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

void require(bool ok, const std::string& key, const std::string& message, const std::string& expected = "",
             const std::string& hint = "") {
  if (!ok) throw_user_error(message, ErrorContext{.key_path = key, .expected = expected, .hint = hint});
}

bool finite_non_negative(double v) { return std::isfinite(v) && v >= 0; }

void check_link_figures(const WanLinkSpec& l, const std::string& key, bool bandwidth_required) {
  require(std::isfinite(l.bandwidth_Bps) && (bandwidth_required ? l.bandwidth_Bps > 0 : l.bandwidth_Bps >= 0),
          key + ".bandwidth", "a WAN link needs a positive bandwidth", "a bandwidth such as \"1 Gbps\"");
  require(finite_non_negative(l.latency_s), key + ".latency", "latency must be >= 0", "a duration such as \"70 ms\"");
  require(finite_non_negative(l.egress_usd_per_gb), key + ".egress_usd_per_gb", "egress price must be >= 0",
          "dollars per GB, e.g. 0.02");
}

}  // namespace

void validate(const MultiSiteSpec& m) {
  if (!m.enabled()) return;
  std::set<std::string> names;
  for (size_t i = 0; i < m.sites.size(); ++i) {
    const SiteSpec& s = m.sites[i];
    const std::string key = "sites[" + std::to_string(i) + "]";
    require(!s.name.empty(), key + ".name", "a site needs a name", "a unique name such as us-east");
    require(names.insert(s.name).second, key + ".name", "site `" + s.name + "` is listed twice",
            "a name no other site uses");
    require(s.n_nodes >= 1 && s.n_nodes <= kMaxNodes, key + ".nodes", "a site needs at least one node",
            "1 to " + std::to_string(kMaxNodes));
    require(s.gpus_per_node >= 1 && s.gpus_per_node <= kMaxGpusPerNode, key + ".gpus_per_node",
            "gpus_per_node must be positive", "1 to " + std::to_string(kMaxGpusPerNode));
    require(finite_non_negative(s.usd_per_gpu_hour), key + ".price", "a price must be >= 0", "a price such as \"$2/h\"");
    require(finite_non_negative(s.uplink_Bps), key + ".uplink", "an uplink must be >= 0 (0 = not limiting)",
            "a bandwidth such as \"10 Gbps\"");
  }
  const std::string first_pair_hint = m.sites.size() >= 2 ? "e.g. between: [" + m.sites[0].name + ", " +
                                                                m.sites[1].name + "]"
                                                          : "";
  std::set<std::pair<std::string, std::string>> pairs;
  for (size_t j = 0; j < m.links.size(); ++j) {
    const WanLinkSpec& l = m.links[j];
    const std::string key = "wan.links[" + std::to_string(j) + "]";
    for (const std::string& end : {l.a, l.b})
      require(names.count(end) > 0, key + ".between", "unknown site `" + end + "`", "two site names from `sites:`",
              first_pair_hint);
    require(l.a != l.b, key + ".between", "a WAN link joins two different sites, not `" + l.a + "` to itself",
            "two different site names");
    const auto pair = l.a < l.b ? std::make_pair(l.a, l.b) : std::make_pair(l.b, l.a);
    require(pairs.insert(pair).second, key + ".between",
            "the pair " + pair.first + " - " + pair.second + " is listed twice", "each pair of sites at most once",
            "a link carries both directions; list it once");
    check_link_figures(l, key, true);
  }
  check_link_figures(m.default_link, "wan.default", false);
  // Every pair needs a link when there is no default.
  if (m.default_link.bandwidth_Bps <= 0) {
    for (size_t i = 0; i < m.sites.size(); ++i)
      for (size_t k = i + 1; k < m.sites.size(); ++k) {
        const std::string& a = m.sites[i].name;
        const std::string& b = m.sites[k].name;
        require(pairs.count(a < b ? std::make_pair(a, b) : std::make_pair(b, a)) > 0, "wan",
                "no WAN link between `" + a + "` and `" + b + "` and no default link",
                "a `wan.links` entry for the pair, or `wan.default`",
                "add `wan: {default: {bandwidth: ..., latency: ...}}` for pairs you do not list");
      }
  }
}

const WanLinkSpec& wan_link(const MultiSiteSpec& m, const std::string& a, const std::string& b) {
  for (const WanLinkSpec& l : m.links)
    if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) return l;
  return m.default_link;
}

}  // namespace moeplan
