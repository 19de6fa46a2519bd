// Collective costs of a des-full step (see des_full_comm.h).
#include "sim/train/des_full_comm.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/model/layer_ops.h"
#include "sim/network/moe_alltoall.h"
#include "sim/units/error.h"
#include "sim/units/random.h"
#include "sim/workload/routing_sampler.h"

namespace moeplan {

namespace {
constexpr double kQuantumsPerAllToAll = 2000;
}  // namespace

DesFullComm::DesFullComm(const Scenario& s, const Calibration& calib, const StepShape& shape,
                         const network::Topology& topo, int draws)
    : topo_(topo) {
  const ParallelPlan& p = shape.plan;
  const bool moe = s.model.is_moe() && p.ep > 1;
  layout_ = StepLayout{p.pp, p.dp, p.tp, moe ? p.ep : 1, p.cp};
  if (layout_.gpu(p.pp - 1, p.dp - 1, p.tp - 1, p.cp - 1) >= topo.n_gpus())
    throw_user_error("tp x cp x pp x dp exceeds the cluster's GPUs", ErrorContext{.key_path = "parallel"});
  for (int t = 0; t < p.tp; ++t) tp_group_.push_back(layout_.gpu(0, 0, t));
  for (int d = 0; d < p.dp; ++d)
    for (int c = 0; c < p.cp; ++c) dp_group_.push_back(layout_.gpu(0, d, 0, c));
  if (s.model.is_moe()) {
    // EP group j of a pipeline rank is GPUs [j ep, (j+1) ep) of it; member 0 of every group forms one
    // expert-DP group.
    const int ep = std::max(1, p.ep);
    for (int j = 0; j < p.stage_gpus() / ep; ++j) expert_dp_group_.push_back(layout_.gpu(0, 0) + j * ep);
  }
  if (moe) build_ep_pool(s, calib, shape, draws);
}

void DesFullComm::build_ep_pool(const Scenario& s, const Calibration& calib, const StepShape& shape, int draws) {
  const ModelSpec& m = s.model;
  const ParallelPlan& p = shape.plan;
  const int ep = p.ep;
  ep_per_node_ = std::min(ep, topo_.gpus_per_node());
  if (ep % ep_per_node_ != 0) throw_user_error("an EP group spanning nodes must use whole nodes",
                                               ErrorContext{.key_path = "parallel.ep"});
  ep_nodes_ = ep / ep_per_node_;
  // Tokens one GPU routes per micro-batch and layer: with TP and CP each rank takes its share (layer_ops.h).
  const int tokens =
      static_cast<int>(std::lround(static_cast<double>(p.micro_batch) * shape.seq_len / (p.tp * p.cp)));
  network::MoeCommSpec spec;
  spec.tokens_per_rank = tokens;
  spec.routing = {.n_experts = m.moe.n_routed_experts, .top_k = m.moe.top_k, .n_groups = m.moe.n_expert_groups,
                  .max_groups = s.routing.nodes_per_token > 0 ? s.routing.nodes_per_token : m.moe.n_limited_groups};
  spec.bytes_per_token = moe_dispatch_bytes_per_token(m, s.precision);
  spec.per_expert_copies = s.software.moe_dispatcher == MoeDispatcher::kAllToAll;
  network::MoeCommSpec dispatch = spec, combine = spec;
  combine.bytes_per_token = moe_combine_bytes_per_token(m, s.precision);

  // The profile's collective efficiency at the all-to-all's per-peer message size scales the links, as the
  // `des` closed form scales its bandwidths (stage_costs.cc, moe_a2a_time_s).
  const auto scaled_topology = [&](network::MoeCommSpec& a2a) {
    ClusterSpec c = s.cluster;
    const double message = static_cast<double>(tokens) * a2a.bytes_per_token / ep_per_node_;
    c.scale_up.achievable_Bps *= calib.comm_efficiency(c.scale_up.kind, message);
    if (c.scale_out.achievable_Bps > 0) c.scale_out.achievable_Bps *= calib.comm_efficiency(c.scale_out.kind, message);
    network::Topology t = network::Topology::from_cluster(c);
    // Completions are rounded to 1/kQuantumsPerAllToAll of the collective's balanced closed-form length:
    // far below the variation between draws, and it keeps an EP64 all-to-all to a few thousand re-solves.
    const double closed = network::moe_alltoall_time_s(a2a, ep, t.gpus_per_node(), t.scale_up_Bps(),
                                                       t.scale_up_latency_s(), t.scale_out_Bps(),
                                                       t.scale_out_latency_s());
    a2a.time_quantum_s = std::max(a2a.time_quantum_s, closed / kQuantumsPerAllToAll);
    return t;
  };
  const network::Topology topo_dispatch = scaled_topology(dispatch);
  const network::Topology topo_combine = scaled_topology(combine);
  std::vector<int> group(ep);
  for (int i = 0; i < ep; ++i) group[i] = layout_.gpu(0, 0) + i;

  const bool exact = s.routing.distribution == "balanced-exact";
  std::vector<double> weights;  // empty: every expert equally likely
  if (!exact && s.routing.distribution != "balanced" && s.routing.skew > 0) {
    // One popularity for the whole step: the router's preferences persist across micro-batches and layers,
    // so the same experts stay hot (the case where a straggler hurts most).
    Rng pop_rng(s.seed, "des-full/popularity");
    weights = expert_popularity(m.moe.n_routed_experts, s.routing, pop_rng);
    skewed_ = true;
  }
  const int k_draws = exact ? 1 : std::max(1, draws);
  const double balanced = static_cast<double>(tokens) * m.moe.top_k;
  for (int k = 0; k < k_draws; ++k) {
    network::MoeTraffic traffic;
    if (exact) {
      traffic = network::expected_moe_traffic(ep, topo_.gpus_per_node(), spec);
    } else {
      Rng rng(s.seed, "des-full/ep-draw/" + std::to_string(tokens) + "/" + std::to_string(k));
      traffic = network::sample_moe_traffic(ep, topo_.gpus_per_node(), spec, rng, weights);
    }
    EpDraw d;
    d.dispatch_s =
        network::simulate_moe_traffic(topo_dispatch, group, traffic, dispatch, network::MoeDirection::kDispatch).time_s;
    d.combine_s =
        network::simulate_moe_traffic(topo_combine, group, traffic, combine, network::MoeDirection::kCombine).time_s;
    d.load.resize(ep);
    for (int i = 0; i < ep; ++i) d.load[i] = balanced > 0 ? traffic.received_copies[i] / balanced : 1.0;
    draws_.push_back(std::move(d));
  }
}

double DesFullComm::ring(network::Collective kind, const std::vector<int>& group, int group_tag, double bytes) {
  if (group.size() <= 1 || !(bytes > 0)) return 0.0;
  const auto key = std::make_tuple(static_cast<int>(kind), group_tag, bytes);
  auto it = memo_.find(key);
  if (it == memo_.end())
    it = memo_.emplace(key, network::simulate_collective(topo_, kind, group, bytes).time_s).first;
  return it->second;
}

double DesFullComm::tp_allreduce_s(double bytes) {
  return ring(network::Collective::kRingAllReduce, tp_group_, 0, bytes);
}

double DesFullComm::dp_reduce_scatter_s(const RankCosts& rc) {
  return ring(network::Collective::kReduceScatter, dp_group_, 1, rc.dp_grad_bytes_dense) +
         ring(network::Collective::kReduceScatter, expert_dp_group_, 2, rc.dp_grad_bytes_expert);
}

double DesFullComm::dp_all_gather_s(const RankCosts& rc) {
  return ring(network::Collective::kAllGather, dp_group_, 1, rc.dp_weight_bytes_dense) +
         ring(network::Collective::kAllGather, expert_dp_group_, 2, rc.dp_weight_bytes_expert);
}

}  // namespace moeplan
