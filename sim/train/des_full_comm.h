// Collective costs of a `des-full` step, each simulated on the cluster's topology and reused.
//
// A des-full step has hundreds of thousands of collectives; simulating each one transfer by transfer in the
// step's own engine would cost minutes. Collectives whose shape repeats are therefore simulated once, in a
// separate engine run on the same topology, and the step reuses the time:
//  - MoE dispatch/combine: a bounded pool of K routing draws (seeded, one stream per draw). Each draw samples
//    every member's routing (network::sample_moe_traffic, node-limited top-k, the scenario's expert
//    popularity) and runs both all-to-alls transfer by transfer (network::simulate_moe_traffic, transfer
//    completions on a grid of 1/2000 of the balanced closed-form length); it also keeps each member's
//    received token copies, which set that member's routed-expert compute. Every (micro-batch, layer, EP
//    group) of the step picks one draw of the pool (des_full_routing.h).
//  - TP all-reduce inside one node, per distinct message size, on the first TP group's GPUs.
//  - DP / expert-DP ring reduce-scatter and all-gather, per distinct size, on the first stage's group (the DP
//    group holds every replica's CP ranks).
//  - Context-parallel rings and all-to-alls are not re-simulated: they keep the `des` closed forms
//    (stage_costs.cc).
// Groups of one kind are assumed alike in shape: every stage and replica is laid out the same way, so the
// first group stands for all, and concurrent groups are assumed not to share links (true when each uses its
// own GPUs' NICs and the fabric is non-blocking). All-to-alls reach the profile's collective efficiency at
// their message size, as in the `des` closed form: the pool's topology has its scale-up and scale-out
// capacities scaled by that efficiency.
#pragma once

#include <map>
#include <tuple>
#include <vector>

#include "sim/calib/calibration.h"
#include "sim/network/collectives.h"
#include "sim/network/topology.h"
#include "sim/spec/scenario.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// One routing draw of an EP group.
struct EpDraw {
  std::vector<double> load;  // per member: received token copies / balanced (tokens x top_k)
  double dispatch_s = 0;     // simulated dispatch of this draw
  double combine_s = 0;      // simulated combine of this draw
};

// GPU layout of a step: pipeline rank outermost, then the DP replica, then the CP rank, then the TP rank
// (Megatron's order), so a pipeline rank's GPUs are consecutive, a replica's tp x cp GPUs too, and an EP group
// is `ep` consecutive GPUs of one pipeline rank.
struct StepLayout {
  int pp = 1, dp = 1, tp = 1, ep = 1, cp = 1;
  int unit_gpus() const { return tp * cp; }  // GPUs of one pipeline replica of one stage
  int gpu(int pipeline_rank, int replica, int tp_rank = 0, int cp_rank = 0) const {
    return ((pipeline_rank * dp + replica) * cp + cp_rank) * tp + tp_rank;
  }
};

class DesFullComm {
 public:
  // `draws`: K, the pool size (1 when routing is "balanced-exact": every draw would be the same).
  DesFullComm(const Scenario& s, const Calibration& calib, const StepShape& shape, const network::Topology& topo,
              int draws);

  const StepLayout& layout() const { return layout_; }
  bool has_ep() const { return !draws_.empty(); }
  int ep() const { return layout_.ep; }
  int ep_nodes() const { return ep_nodes_; }          // nodes one EP group spans
  int ep_gpus_per_node() const { return ep_per_node_; }
  const std::vector<EpDraw>& draws() const { return draws_; }
  // True when expert popularity is skewed (zipf, dirichlet): hot experts persist through the step.
  bool skewed() const { return skewed_; }

  // TP all-reduce of `bytes` among one TP group (ring, in one node).
  double tp_allreduce_s(double bytes);
  // Gradient reduce-scatter and parameter all-gather of one GPU at the step's end: the dense part over the
  // DP group, then the routed-expert part over the expert-DP group (as the `des` closed form sums them).
  double dp_reduce_scatter_s(const RankCosts& rc);
  double dp_all_gather_s(const RankCosts& rc);

 private:
  double ring(network::Collective kind, const std::vector<int>& group, int group_tag, double bytes);
  void build_ep_pool(const Scenario& s, const Calibration& calib, const StepShape& shape, int draws);

  const network::Topology& topo_;
  StepLayout layout_;
  int ep_nodes_ = 1, ep_per_node_ = 1;
  bool skewed_ = false;
  std::vector<int> tp_group_, dp_group_, expert_dp_group_;
  std::vector<EpDraw> draws_;
  std::map<std::tuple<int, int, double>, double> memo_;  // (collective, group tag, bytes) -> seconds
};

}  // namespace moeplan
