// Multi-site all-reduce in closed form (see wan_collective.h).
#include "sim/network/wan_collective.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <numeric>

#include "sim/network/collective_cost.h"

namespace moeplan::network {
namespace {

WanRingLink ring_link(const MultiSiteSpec& m, int from, int to) {
  const SiteSpec& a = m.sites[from];
  const SiteSpec& b = m.sites[to];
  const WanLinkSpec& l = wan_link(m, a.name, b.name);
  WanRingLink r;
  r.from = from;
  r.to = to;
  r.bandwidth_Bps = a.uplink_Bps > 0 ? std::min(l.bandwidth_Bps, a.uplink_Bps) : l.bandwidth_Bps;
  r.latency_s = l.latency_s;
  r.egress_usd_per_gb = l.egress_usd_per_gb;
  return r;
}

WanRing ring_of(const MultiSiteSpec& m, const std::vector<int>& order) {
  WanRing r;
  r.order = order;
  if (order.size() < 2) return r;
  r.min_bandwidth_Bps = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < order.size(); ++i) {
    r.links.push_back(ring_link(m, order[i], order[(i + 1) % order.size()]));
    r.min_bandwidth_Bps = std::min(r.min_bandwidth_Bps, r.links.back().bandwidth_Bps);
  }
  return r;
}

double total_latency(const WanRing& r) {
  double t = 0;
  for (const WanRingLink& l : r.links) t += l.latency_s;
  return t;
}

bool better(const WanRing& a, const WanRing& b) {
  if (a.min_bandwidth_Bps != b.min_bandwidth_Bps) return a.min_bandwidth_Bps > b.min_bandwidth_Bps;
  return total_latency(a) < total_latency(b);
}

std::string gbit(double Bps) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g Gbit/s", Bps * 8 / 1e9);
  return buf;
}

}  // namespace

WanRing best_wan_ring(const MultiSiteSpec& m) {
  const int n = static_cast<int>(m.sites.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (n <= 2) return ring_of(m, order);
  WanRing best;
  bool have = false;
  if (n <= 9) {
    // Site 0 first: rotations of a ring are the same ring.
    do {
      WanRing r = ring_of(m, order);
      if (!have || better(r, best)) best = r, have = true;
    } while (std::next_permutation(order.begin() + 1, order.end()));
    return best;
  }
  for (int start = 0; start < n; ++start) {
    std::vector<int> greedy = {start};
    std::vector<bool> used(n, false);
    used[start] = true;
    while (static_cast<int>(greedy.size()) < n) {
      int next = -1;
      double next_Bps = -1;
      for (int k = 0; k < n; ++k)
        if (!used[k] && ring_link(m, greedy.back(), k).bandwidth_Bps > next_Bps)
          next = k, next_Bps = ring_link(m, greedy.back(), k).bandwidth_Bps;
      greedy.push_back(next);
      used[next] = true;
    }
    WanRing r = ring_of(m, greedy);
    if (!have || better(r, best)) best = r, have = true;
  }
  return best;
}

double site_reduce_scatter_s(const SiteSpec& site, double bytes, int replica_gpus) {
  const int replicas = site.n_gpus() / replica_gpus;
  if (replicas <= 1) return 0;
  // Replicas are packed into nodes first: a DP group has `per_node` members in a node (over the scale-up
  // fabric) and spans `nodes` nodes (over the scale-out fabric, the node's NICs shared by its GPUs), as in
  // hierarchical_reduce_scatter_time_s; a stage with one member costs nothing.
  const int per_node = std::max(1, std::min(replicas, site.gpus_per_node / replica_gpus));
  const int nodes = (replicas + per_node - 1) / per_node;
  const double slice = bytes / replica_gpus;
  double t = 0;
  if (per_node > 1) t += ring_reduce_scatter_time_s(slice, per_node, site.scale_up.achievable_Bps, site.scale_up.latency_s);
  if (nodes > 1) {
    const double per_gpu_Bps = site.scale_out.achievable_Bps * site.nics_per_node / site.gpus_per_node;
    t += ring_reduce_scatter_time_s(slice / per_node, nodes, per_gpu_Bps, site.scale_out.latency_s);
  }
  return t;
}

WanAllReduce wan_allreduce(const MultiSiteSpec& m, const WanRing& ring, double bytes, int replica_gpus) {
  WanAllReduce out;
  for (const SiteSpec& s : m.sites)
    out.intra_site_s = std::max(out.intra_site_s, 2 * site_reduce_scatter_s(s, bytes, replica_gpus));
  const int n = static_cast<int>(m.sites.size());
  if (n >= 2) {
    const double chunk = bytes / n;
    double step_s = 0;
    const WanRingLink* slowest = nullptr;
    for (const WanRingLink& l : ring.links) {
      const double t = chunk / l.bandwidth_Bps + l.latency_s;
      if (t > step_s) step_s = t, slowest = &l;
    }
    out.wan_s = 2.0 * (n - 1) * step_s;
    out.wan_bytes_per_site = 2.0 * (n - 1) / n * bytes;
    out.wan_bytes = out.wan_bytes_per_site * n;
    for (const WanRingLink& l : ring.links) out.egress_usd += out.wan_bytes_per_site / 1e9 * l.egress_usd_per_gb;
    if (slowest)
      out.bottleneck = m.sites[slowest->from].name + " -> " + m.sites[slowest->to].name + " at " +
                       gbit(slowest->bandwidth_Bps);
  }
  out.total_s = out.intra_site_s + out.wan_s;
  return out;
}

}  // namespace moeplan::network
