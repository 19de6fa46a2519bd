// Closed-form expected occupancy of nodes and GPUs by a token's top-k experts under node-limited routing.
#include "sim/workload/moe_traffic.h"

#include <algorithm>
#include <cmath>

namespace moeplan {
namespace {

// Probability that a fixed subset of `subset` items out of `total` receives none of `draws` picks made
// without replacement: C(total - subset, draws) / C(total, draws).
double prob_none(int total, int subset, int draws) {
  if (draws > total - subset) return 0.0;
  double p = 1.0;
  for (int i = 0; i < draws; ++i) p *= static_cast<double>(total - subset - i) / (total - i);
  return p;
}

}  // namespace

MoeTraffic expected_moe_traffic(const MoeRoutingShape& s) {
  MoeTraffic t;
  const int ep_nodes = std::max(1, s.ep / std::max(1, s.gpus_per_node));
  t.ep_nodes = ep_nodes;
  const int experts_per_gpu = std::max(1, s.experts / std::max(1, s.ep));
  const int ep_gpus_per_node = std::min(s.ep, s.gpus_per_node);

  // Nodes the token may use: node-limited routing applies when expert groups map one-to-one onto nodes
  // (DeepSeek-V3: 8 groups on 8 nodes, M = 4). Otherwise experts are spread over all EP nodes.
  const bool groups_are_nodes = s.groups == ep_nodes && s.limited_groups < s.groups;
  const int eligible_nodes = groups_are_nodes ? s.limited_groups : ep_nodes;
  const int experts_per_node = experts_per_gpu * ep_gpus_per_node;
  const int eligible_experts = eligible_nodes * experts_per_node;
  const int k = std::min(s.top_k, eligible_experts);

  // A node among the eligible ones is used unless all k picks miss it.
  const double p_node_used = 1.0 - prob_none(eligible_experts, experts_per_node, k);
  t.nodes_per_token = eligible_nodes * p_node_used;
  // The token's own node is one of the EP nodes, equally likely to be among the eligible ones.
  const double p_own_eligible = static_cast<double>(eligible_nodes) / ep_nodes;
  t.remote_nodes_per_token = t.nodes_per_token - p_own_eligible * p_node_used;

  // A GPU of an eligible node receives a copy unless all k picks miss its experts.
  const double p_gpu_used = 1.0 - prob_none(eligible_experts, experts_per_gpu, k);
  t.gpus_per_token = eligible_nodes * ep_gpus_per_node * p_gpu_used;
  // On each used node the copy lands on one GPU (the same-index receiver, or the sender itself on its own
  // node); every other used GPU of that node gets it over NVLink.
  const double landed_per_used_node = 1.0 / ep_gpus_per_node;  // chance the lander is itself a target
  t.nvlink_copies_per_token = std::max(0.0, t.gpus_per_token - t.nodes_per_token * landed_per_used_node);
  return t;
}

}  // namespace moeplan
