// SiteSpec and WanLinkSpec: a cluster spread over several sites (data centres, rented pools, homes), each with
// its own GPUs and fabrics, joined by wide-area links with their own bandwidth, latency and egress price.
#pragma once

#include <string>
#include <vector>

#include "sim/spec/hardware_spec.h"

namespace moeplan {

// One site: nodes of one GPU type on its own scale-up and scale-out fabric. A site holds whole data-parallel
// replicas of the scenario's tp x cp x pp x ep layout; replicas never span sites.
struct SiteSpec {
  std::string name;                 // "us-east", "eu-west", ... (unique within the scenario)
  GpuSpec gpu;
  int n_nodes = 1;
  int gpus_per_node = 8;
  FabricSpec scale_up;
  FabricSpec scale_out;
  int nics_per_node = 8;
  double usd_per_gpu_hour = 0;      // rental at this site; 0 = the GPU's catalog quote
  std::string price_source;
  // The site's own uplink to the wide area, shared by every flow leaving the site (0 = not limiting: only the
  // WAN links bound the traffic).
  double uplink_Bps = 0;

  int n_gpus() const { return n_nodes * gpus_per_node; }
};

// A wide-area link between two sites (both directions, each at bandwidth_Bps). A scenario lists the pairs it
// knows; `default_wan` (a WanLinkSpec with empty ends) covers every pair not listed.
struct WanLinkSpec {
  std::string a, b;                 // site names; both empty for the default link
  double bandwidth_Bps = 0;         // achievable per direction, shared by all flows on the link
  double latency_s = 0;             // one-way
  double egress_usd_per_gb = 0;     // charged per GB (10^9 bytes) leaving a site over this link
  std::string source;               // where the bandwidth, latency and price come from
};

struct MultiSiteSpec {
  std::vector<SiteSpec> sites;      // empty: a single-site scenario (ClusterSpec alone)
  std::vector<WanLinkSpec> links;
  WanLinkSpec default_link;         // bandwidth_Bps 0 = every pair must be listed
  bool enabled() const { return !sites.empty(); }
  int n_gpus() const {
    int n = 0;
    for (const SiteSpec& s : sites) n += s.n_gpus();
    return n;
  }
};

// Names unique, sizes and prices in range, every link between two known sites and listed once, and a link (or
// a default) for every pair. Throws a user Error whose key path names the site or link.
void validate(const MultiSiteSpec& m);

// The link between sites `a` and `b`: the listed one, else the default.
const WanLinkSpec& wan_link(const MultiSiteSpec& m, const std::string& a, const std::string& b);

}  // namespace moeplan
