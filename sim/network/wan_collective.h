// The data-parallel all-reduce of a multi-site cluster, in closed form: intra-node -> intra-site -> WAN.
//
// Each site first reduce-scatters its replicas' gradients inside the site (NVLink within a node, the site's
// scale-out fabric between nodes), so every GPU holds a slice of the site's partial sum. The slices then go
// round a ring over the sites: every GPU runs its own ring with the GPUs holding the same slice elsewhere (as
// INTELLECT-1's PRIME does, arXiv:2412.01152 §2.3), so all of a site's rings share the WAN link to the next
// site and, together, put bytes/S on it per ring step. The ring order maximises the minimum link bandwidth
// (INTELLECT-1 §2.5). Finally each site all-gathers inside itself.
//
// Ring all-reduce over S sites: 2(S-1) steps (Patarasuk & Yuan, JPDC 2009); a step ends when its slowest link
// has carried its chunk: max over ring links of (bytes/S / B_link + latency_link), where B_link is the link's
// bandwidth capped by the sending site's uplink. Each site sends 2(S-1)/S x bytes over the WAN per all-reduce.
#pragma once

#include <string>
#include <vector>

#include "sim/spec/site_spec.h"

namespace moeplan::network {

struct WanRingLink {
  int from = 0, to = 0;               // site indices
  double bandwidth_Bps = 0;           // link bandwidth capped by the sender's uplink
  double latency_s = 0;
  double egress_usd_per_gb = 0;
};

struct WanRing {
  std::vector<int> order;             // site indices in ring order
  std::vector<WanRingLink> links;     // order[i] -> order[i+1], closing back to order[0]; empty for one site
  double min_bandwidth_Bps = 0;       // the ring's bottleneck (0 for one site)
};

// The ring over the sites with the largest minimum link bandwidth (ties: the smaller total latency). Exact for
// up to 9 sites (all orders tried); above that, greedy: from each site go to the unvisited site with the
// fastest link.
WanRing best_wan_ring(const MultiSiteSpec& m);

struct WanAllReduce {
  double intra_site_s = 0;            // reduce-scatter + all-gather inside the slowest site
  double wan_s = 0;                   // the ring over the sites
  double total_s = 0;
  double wan_bytes_per_site = 0;      // sent by each site over the WAN per all-reduce: 2(S-1)/S x bytes
  double wan_bytes = 0;               // summed over the sites
  double egress_usd = 0;              // each site's bytes x the price of the link it sends on
  std::string bottleneck;             // "us-east -> eu-west at 1.16 Gbit/s"
};

// One all-reduce of `bytes` per replica (a replica's whole gradient or pseudo-gradient, over its
// `replica_gpus` = tp x cp x pp GPUs) across every replica of every site, each site holding
// site GPUs / replica_gpus replicas.
WanAllReduce wan_allreduce(const MultiSiteSpec& m, const WanRing& ring, double bytes, int replica_gpus);

// The intra-site reduce-scatter (equal to its all-gather) of one site: the replicas of the site form DP groups
// of one slice each, replicas packed into nodes first.
double site_reduce_scatter_s(const SiteSpec& site, double bytes, int replica_gpus);

}  // namespace moeplan::network
