// Traffic of MoE dispatch/combine from sampled routing, its DES, and its closed form (see moe_alltoall.h).
#include "sim/network/moe_alltoall.h"

#include <algorithm>
#include <string>
#include <vector>

#include "sim/engine/simulator.h"
#include "sim/network/network_sim.h"
#include "sim/units/error.h"

namespace moeplan::network {

double fp8_dispatch_bytes_per_token(int hidden) { return hidden * 1.0 + hidden / 128.0 * 4.0; }
double bf16_combine_bytes_per_token(int hidden) { return hidden * 2.0; }

namespace {

void check_group(int ep, int gpus_per_node, const MoeCommSpec& spec) {
  validate(spec.routing);
  if (ep < 1 || spec.routing.n_experts % ep != 0)
    throw_user_error("the EP group size must divide the number of routed experts",
                     ErrorContext{.key_path = "parallel.ep"});
  if (spec.tokens_per_rank < 0 || !(spec.bytes_per_token > 0) || spec.chunks < 1)
    throw_user_error("MoE all-to-all needs tokens >= 0, a positive token size and chunks >= 1");
  const int g = std::min(ep, gpus_per_node);
  if (ep % g != 0) throw_user_error("an EP group spanning nodes must use whole nodes");
}

MoeTraffic empty_traffic(int ep, int gpus_per_node) {
  MoeTraffic tr;
  tr.ep = ep;
  tr.g = std::min(ep, gpus_per_node);
  tr.n_nodes = ep / tr.g;
  tr.tokens.assign(static_cast<std::size_t>(ep) * ep, 0.0);
  tr.node_tokens.assign(static_cast<std::size_t>(ep) * tr.n_nodes, 0.0);
  tr.received_copies.assign(ep, 0.0);
  tr.copies.assign(static_cast<std::size_t>(ep) * ep, 0.0);
  return tr;
}

}  // namespace

MoeTraffic sample_moe_traffic(int ep, int gpus_per_node, const MoeCommSpec& spec, Rng& rng,
                              std::span<const double> expert_weights) {
  check_group(ep, gpus_per_node, spec);
  MoeTraffic tr = empty_traffic(ep, gpus_per_node);
  const int g = tr.g;
  const int experts_per_rank = spec.routing.n_experts / ep;
  std::vector<int> experts;
  std::vector<char> rank_hit(ep), node_hit(tr.n_nodes);
  for (int s = 0; s < ep; ++s) {
    experts.clear();
    if (expert_weights.empty()) sample_routing(spec.routing, spec.tokens_per_rank, rng, experts);
    else sample_routing_weighted(spec.routing, expert_weights, spec.tokens_per_rank, rng, experts);
    for (int t = 0; t < spec.tokens_per_rank; ++t) {
      std::fill(rank_hit.begin(), rank_hit.end(), 0);
      std::fill(node_hit.begin(), node_hit.end(), 0);
      for (int k = 0; k < spec.routing.top_k; ++k) {
        const int d = experts[static_cast<std::size_t>(t) * spec.routing.top_k + k] / experts_per_rank;
        tr.received_copies[d] += 1;
        tr.copies[static_cast<std::size_t>(s) * ep + d] += 1;
        if (!rank_hit[d]) {
          rank_hit[d] = 1;
          tr.tokens[static_cast<std::size_t>(s) * ep + d] += 1;
        }
        if (!node_hit[d / g]) {
          node_hit[d / g] = 1;
          tr.node_tokens[static_cast<std::size_t>(s) * tr.n_nodes + d / g] += 1;
        }
      }
    }
  }
  return tr;
}

MoeTraffic expected_moe_traffic(int ep, int gpus_per_node, const MoeCommSpec& spec) {
  check_group(ep, gpus_per_node, spec);
  MoeTraffic tr = empty_traffic(ep, gpus_per_node);
  const double T = spec.tokens_per_rank;
  const double p_rank = expected_blocks_hit(spec.routing, ep) / ep;
  const double p_node = tr.n_nodes > 1 ? expected_blocks_hit(spec.routing, tr.n_nodes) / tr.n_nodes : 1.0;
  std::fill(tr.tokens.begin(), tr.tokens.end(), T * p_rank);
  std::fill(tr.node_tokens.begin(), tr.node_tokens.end(), T * p_node);
  std::fill(tr.received_copies.begin(), tr.received_copies.end(), T * spec.routing.top_k);
  std::fill(tr.copies.begin(), tr.copies.end(), T * spec.routing.top_k / ep);
  return tr;
}

MoeCommResult simulate_moe_alltoall(const Topology& topo, std::span<const int> ranks, const MoeCommSpec& spec,
                                    MoeDirection direction, Rng& rng) {
  const int ep = static_cast<int>(ranks.size());
  check_group(ep, topo.gpus_per_node(), spec);
  const MoeTraffic tr = sample_moe_traffic(ep, topo.gpus_per_node(), spec, rng);
  return simulate_moe_traffic(topo, ranks, tr, spec, direction);
}

MoeCommResult simulate_moe_traffic(const Topology& topo, std::span<const int> ranks, const MoeTraffic& tr,
                                   const MoeCommSpec& spec, MoeDirection direction) {
  const int ep = static_cast<int>(ranks.size());
  check_group(ep, topo.gpus_per_node(), spec);
  // EP layout: one partial node, or whole nodes in order.
  const int g = std::min(ep, topo.gpus_per_node());
  if (tr.ep != ep || tr.g != g) throw_internal_error("simulate_moe_traffic: traffic drawn for another group shape");
  for (int i = 0; i < ep; ++i)
    if (topo.node_of(ranks[i]) != topo.node_of(ranks[(i / g) * g]) ||
        (i % g == 0 && i > 0 && topo.node_of(ranks[i]) == topo.node_of(ranks[i - 1])))
      throw_user_error("an EP group lists each node's GPUs consecutively, one node after another");

  const double b = spec.bytes_per_token;
  const int C = spec.chunks;
  const bool dispatch = direction == MoeDirection::kDispatch;
  engine::Simulator sim;
  sim.set_flow_quantum(std::max<engine::SimTime>(1, engine::seconds_to_time(spec.time_quantum_s)));
  NetworkSim net(sim, topo);
  std::vector<engine::TaskId> all;
  MoeCommResult res;
  const auto at = [&](int s, int d) { return tr.tokens[static_cast<std::size_t>(s) * ep + d]; };
  if (spec.per_expert_copies) {
    // One direct transfer per (source, destination) pair carrying every copy between them.
    for (int s = 0; s < ep; ++s)
      for (int d = 0; d < ep; ++d) {
        const double copies = tr.copies[static_cast<std::size_t>(s) * ep + d];
        if (d == s || copies == 0) continue;
        const double bytes = copies * b;
        const PathRef p = dispatch ? net.path(ranks[s], ranks[d]) : net.path(ranks[d], ranks[s]);
        all.push_back(net.transfer(p, bytes, {}));
        (s / g == d / g ? res.scale_up_bytes : res.scale_out_bytes) += bytes;
      }
  }
  for (int s = 0; s < ep && !spec.per_expert_copies; ++s) {
    const int node_s = s / g, local = s % g;
    for (int m = 0; m < tr.n_nodes; ++m) {
      if (m == node_s) {
        // Own node: straight over NVLink (dispatch s -> d; combine d -> s).
        for (int d = m * g; d < (m + 1) * g; ++d) {
          if (d == s || at(s, d) == 0) continue;
          const double bytes = at(s, d) * b;
          const PathRef p = dispatch ? net.path(ranks[s], ranks[d]) : net.path(ranks[d], ranks[s]);
          all.push_back(net.transfer(p, bytes, {}));
          res.scale_up_bytes += bytes;
        }
        continue;
      }
      const double node_tokens = tr.node_tokens[static_cast<std::size_t>(s) * tr.n_nodes + m];
      if (node_tokens == 0) continue;
      const int relay = m * g + local;
      const PathRef ib = dispatch ? net.path(ranks[s], ranks[relay]) : net.path(ranks[relay], ranks[s]);
      std::vector<PathRef> nvl(g);
      for (int d = m * g; d < (m + 1) * g; ++d)
        if (d != relay && at(s, d) > 0)
          nvl[d - m * g] = dispatch ? net.path(ranks[relay], ranks[d]) : net.path(ranks[d], ranks[relay]);
      res.scale_out_bytes += node_tokens * b;
      engine::TaskId prev_ib = engine::kNoTask;
      std::vector<engine::TaskId> prev_part(g, engine::kNoTask);
      for (int c = 0; c < C; ++c) {
        if (dispatch) {
          // IB chunk c, then the relay forwards its share of chunk c to each destination GPU.
          prev_ib = net.transfer(ib, node_tokens * b / C, {prev_ib}, c == 0);
          all.push_back(prev_ib);
          for (int d = m * g; d < (m + 1) * g; ++d) {
            if (d == relay || at(s, d) == 0) continue;
            all.push_back(net.transfer(nvl[d - m * g], at(s, d) * b / C, {prev_ib}));
          }
        } else {
          // Expert GPUs send chunk c to the relay (in chunk order); once all have arrived it is reduced and
          // sent over IB.
          std::vector<engine::TaskId> parts{prev_ib};
          for (int d = m * g; d < (m + 1) * g; ++d) {
            if (d == relay || at(s, d) == 0) continue;
            engine::TaskId& prev = prev_part[d - m * g];
            prev = net.transfer(nvl[d - m * g], at(s, d) * b / C, {prev}, c == 0);
            parts.push_back(prev);
            all.push_back(prev);
          }
          prev_ib = net.transfer(ib, node_tokens * b / C, parts, c == 0);
          all.push_back(prev_ib);
        }
      }
      for (int d = m * g; d < (m + 1) * g; ++d)
        if (d != relay) res.scale_up_bytes += at(s, d) * b;
    }
  }
  const engine::TaskId done = net.join(all);
  sim.run();
  res.time_s = engine::time_to_seconds(sim.finish_time(done));
  res.events = sim.events_processed();
  res.rate_solves = sim.rate_solves();
  if (res.time_s > 0) {
    res.scale_up_Bps_per_rank = res.scale_up_bytes / ep / res.time_s;
    res.scale_out_Bps_per_rank = res.scale_out_bytes / ep / res.time_s;
    double recv = 0, node_pairs = 0;
    for (double x : tr.tokens) recv += x;
    for (double x : tr.node_tokens) node_pairs += x;
    res.logical_nvl_Bps = recv * b / ep / res.time_s;
    res.logical_rdma_Bps = node_pairs * b / ep / res.time_s;
  }
  return res;
}

double moe_alltoall_time_s(const MoeCommSpec& spec, int ep, int gpus_per_node, double intra_Bps,
                           double intra_latency_s, double inter_Bps, double inter_latency_s) {
  const int g = std::min(ep, gpus_per_node);
  if (g < 1 || ep % g != 0) throw_user_error("an EP group spanning nodes must use whole nodes");
  if (!(intra_Bps > 0)) throw_user_error("MoE all-to-all needs a positive scale-up bandwidth");
  const int n_nodes = ep / g;
  const double T = spec.tokens_per_rank, b = spec.bytes_per_token;
  if (spec.per_expert_copies) {
    // Each of a token's top_k copies lands on a uniformly drawn member: (g - 1) / ep of them on another GPU of
    // the sender's node, (ep - g) / ep on another node, each over the sender's own links.
    const double k = spec.routing.top_k;
    const double nvl = T * k * (g - 1.0) / ep * b;
    if (n_nodes == 1) return nvl / intra_Bps + intra_latency_s;
    if (!(inter_Bps > 0)) throw_user_error("MoE all-to-all across nodes needs a positive scale-out bandwidth");
    const double ib = T * k * static_cast<double>(ep - g) / ep * b;
    return std::max(nvl / intra_Bps, ib / inter_Bps) + intra_latency_s + inter_latency_s;
  }
  const double ranks_hit = expected_blocks_hit(spec.routing, ep);
  const double nvl_bytes = T * ranks_hit * (1.0 - 1.0 / g) * b;
  double t = nvl_bytes / intra_Bps + intra_latency_s;
  if (n_nodes > 1) {
    if (!(inter_Bps > 0)) throw_user_error("MoE all-to-all across nodes needs a positive scale-out bandwidth");
    const double nodes_hit = expected_blocks_hit(spec.routing, n_nodes);
    const double ib_bytes = T * nodes_hit * (n_nodes - 1.0) / n_nodes * b;
    t = std::max(t - intra_latency_s, ib_bytes / inter_Bps) + intra_latency_s + inter_latency_s;
  }
  return t;
}

}  // namespace moeplan::network
