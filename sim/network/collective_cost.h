// Closed-form alpha-beta costs of collectives: the analytic estimate and the `des` fidelity use these.
//
// Conventions: `bytes` is each rank's buffer (for all-reduce the vector being reduced, for reduce-scatter
// the full input, for all-gather the full output, for all-to-all everything one rank sends including the
// share it keeps), n the number of ranks, link_Bps the per-direction bandwidth each rank can drive, and
// latency_s the one-way latency of one message (alpha). Ring algorithms move bytes/n per step
// (Patarasuk & Yuan, "Bandwidth optimal all-reduce algorithms", JPDC 2009: 2(n-1) steps for all-reduce);
// tree algorithms are binomial trees of ceil(log2 n) rounds carrying the whole buffer (not pipelined);
// all-to-all sends all n-1 messages at once so a rank's link carries (n-1)/n of its buffer.
// The DES in collectives.h reproduces these on a single switch or ring and departs from them when links
// are shared, oversubscribed or uneven.
#pragma once

namespace moeplan::network {

double p2p_time_s(double bytes, double link_Bps, double latency_s);
double ring_allreduce_time_s(double bytes, int n, double link_Bps, double latency_s);
double ring_reduce_scatter_time_s(double bytes, int n, double link_Bps, double latency_s);
double ring_allgather_time_s(double bytes, int n, double link_Bps, double latency_s);
double tree_allreduce_time_s(double bytes, int n, double link_Bps, double latency_s);
double tree_broadcast_time_s(double bytes, int n, double link_Bps, double latency_s);
double alltoall_time_s(double bytes, int n, double link_Bps, double latency_s);

// Two-level variants over n_nodes x gpus_per_node ranks: intra-node ring reduce-scatter, then one
// inter-node ring all-reduce per local index on bytes / gpus_per_node (all local indices in parallel, each
// over its own NIC), then intra-node ring all-gather. All-gather / reduce-scatter use the matching halves.
struct TwoLevelLinks {
  int gpus_per_node = 8;
  int n_nodes = 1;
  double intra_Bps = 0;
  double intra_latency_s = 0;
  double inter_Bps = 0;  // per GPU (its NIC share)
  double inter_latency_s = 0;
};
double hierarchical_allreduce_time_s(double bytes, const TwoLevelLinks& l);
double hierarchical_allgather_time_s(double bytes, const TwoLevelLinks& l);
double hierarchical_reduce_scatter_time_s(double bytes, const TwoLevelLinks& l);

// ceil(log2 n) for n >= 1.
int ceil_log2(int n);

}  // namespace moeplan::network
