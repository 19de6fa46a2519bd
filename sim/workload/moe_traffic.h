// Expected MoE dispatch/combine traffic of one rank under node-limited top-k routing, split by link class.
//
// DeepEP-style two-hop dispatch (DeepSeek-V3 §3.2.2): a token crosses InfiniBand at most once per target
// node, to the GPU with the same local index there, then NVLink forwards it to each GPU holding one of its
// experts. Under balanced routing a token selects `limited_groups` of the `groups` expert groups, then
// top_k experts uniformly among them; groups map onto the nodes of the EP group.
#pragma once

namespace moeplan {

struct MoeRoutingShape {
  int experts = 0;          // routed experts of the layer
  int top_k = 0;
  int groups = 1;           // expert groups (n_group)
  int limited_groups = 1;   // groups a token may use (node-limited routing M when groups = nodes)
  int ep = 1;               // expert-parallel ranks
  int gpus_per_node = 8;
};

struct MoeTraffic {
  double nodes_per_token = 0;        // expected distinct nodes a token's experts live on
  double remote_nodes_per_token = 0; // of which not the token's own node (cross the scale-out fabric)
  double gpus_per_token = 0;         // expected distinct GPUs receiving a copy of the token
  double nvlink_copies_per_token = 0;// copies forwarded over the scale-up fabric (not landing locally)
  int ep_nodes = 1;                  // nodes the EP group spans
};

// Expected traffic per token for balanced routing (closed form, hypergeometric occupancy).
MoeTraffic expected_moe_traffic(const MoeRoutingShape& s);

}  // namespace moeplan
