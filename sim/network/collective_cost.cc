// Alpha-beta closed forms (see collective_cost.h for conventions and sources).
#include "sim/network/collective_cost.h"

#include "sim/units/error.h"

namespace moeplan::network {

namespace {
void check(double bytes, int n, double link_Bps, double latency_s) {
  if (n < 1 || !(bytes >= 0) || !(link_Bps > 0) || !(latency_s >= 0))
    throw_internal_error("collective cost: need n >= 1, bytes >= 0, bandwidth > 0, latency >= 0");
}
}  // namespace

int ceil_log2(int n) {
  int k = 0;
  while ((1 << k) < n) ++k;
  return k;
}

double p2p_time_s(double bytes, double link_Bps, double latency_s) {
  check(bytes, 1, link_Bps, latency_s);
  return latency_s + bytes / link_Bps;
}

double ring_reduce_scatter_time_s(double bytes, int n, double link_Bps, double latency_s) {
  check(bytes, n, link_Bps, latency_s);
  return (n - 1) * (latency_s + bytes / n / link_Bps);
}

double ring_allgather_time_s(double bytes, int n, double link_Bps, double latency_s) {
  return ring_reduce_scatter_time_s(bytes, n, link_Bps, latency_s);
}

double ring_allreduce_time_s(double bytes, int n, double link_Bps, double latency_s) {
  return 2.0 * ring_reduce_scatter_time_s(bytes, n, link_Bps, latency_s);
}

double tree_broadcast_time_s(double bytes, int n, double link_Bps, double latency_s) {
  check(bytes, n, link_Bps, latency_s);
  return ceil_log2(n) * (latency_s + bytes / link_Bps);
}

double tree_allreduce_time_s(double bytes, int n, double link_Bps, double latency_s) {
  return 2.0 * tree_broadcast_time_s(bytes, n, link_Bps, latency_s);  // binomial reduce, then broadcast
}

double alltoall_time_s(double bytes, int n, double link_Bps, double latency_s) {
  check(bytes, n, link_Bps, latency_s);
  if (n == 1) return 0.0;
  return latency_s + bytes * (n - 1) / n / link_Bps;
}

double hierarchical_reduce_scatter_time_s(double bytes, const TwoLevelLinks& l) {
  return ring_reduce_scatter_time_s(bytes, l.gpus_per_node, l.intra_Bps, l.intra_latency_s) +
         ring_reduce_scatter_time_s(bytes / l.gpus_per_node, l.n_nodes, l.inter_Bps, l.inter_latency_s);
}

double hierarchical_allgather_time_s(double bytes, const TwoLevelLinks& l) {
  return ring_allgather_time_s(bytes / l.gpus_per_node, l.n_nodes, l.inter_Bps, l.inter_latency_s) +
         ring_allgather_time_s(bytes, l.gpus_per_node, l.intra_Bps, l.intra_latency_s);
}

double hierarchical_allreduce_time_s(double bytes, const TwoLevelLinks& l) {
  return ring_reduce_scatter_time_s(bytes, l.gpus_per_node, l.intra_Bps, l.intra_latency_s) +
         ring_allreduce_time_s(bytes / l.gpus_per_node, l.n_nodes, l.inter_Bps, l.inter_latency_s) +
         ring_allgather_time_s(bytes, l.gpus_per_node, l.intra_Bps, l.intra_latency_s);
}

}  // namespace moeplan::network
