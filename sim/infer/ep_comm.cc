// EP dispatch/combine cost for serving; see ep_comm.h.
#include "sim/infer/ep_comm.h"

#include <algorithm>
#include <cmath>

#include "sim/network/moe_routing.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

// Probability that `k` distinct experts drawn uniformly from `n` all miss a block of `y` experts.
double miss_probability(double n, double y, int k) {
  double p = 1.0;
  for (int i = 0; i < k; ++i) p *= std::max(0.0, (n - y - i) / (n - i));
  return p;
}

// Expected distinct blocks (of n_experts / members experts) one token reaches. Uses the node-limited
// closed form of sim/network when the blocks nest in (or are unions of) expert groups; otherwise the
// routing is taken as uniform top-k over all experts (group limits are ignored, a small overestimate).
double blocks_hit(const ModelSpec& m, int members) {
  const auto& e = m.moe;
  if (members <= 1) return 1.0;
  const int per_group = e.n_routed_experts / std::max(1, e.n_expert_groups);
  if (e.n_routed_experts % members == 0) {
    const int y = e.n_routed_experts / members;
    if ((y <= per_group && per_group % y == 0) || (y > per_group && y % per_group == 0)) {
      network::MoeRoutingSpec r{e.n_routed_experts, e.top_k, e.n_expert_groups, e.n_limited_groups};
      return network::expected_blocks_hit(r, members);
    }
  }
  const double n = e.n_routed_experts, y = n / members;
  return members * (1.0 - miss_probability(n, y, e.top_k));
}

}  // namespace

double ep_comm_time_s(double tokens, double experts_per_token, double hidden, double dispatch_bytes_per_element,
                      double combine_bytes_per_element, double link_Bps) {
  if (!(link_Bps > 0)) throw_internal_error("ep_comm_time_s: link bandwidth must be > 0");
  return (dispatch_bytes_per_element + combine_bytes_per_element) * tokens * experts_per_token * hidden / link_Bps;
}

CommBoundTpot comm_bound_tpot(double tokens, double experts_per_token, double hidden,
                              double dispatch_bytes_per_element, double combine_bytes_per_element, double link_Bps,
                              int layers) {
  CommBoundTpot r;
  r.comm_time_s = ep_comm_time_s(tokens, experts_per_token, hidden, dispatch_bytes_per_element,
                                 combine_bytes_per_element, link_Bps);
  r.layer_time_s = 2.0 * r.comm_time_s;  // dual micro-batch overlap (ISCA'25 §2.3.2)
  r.tpot_s = layers * r.layer_time_s;
  r.tokens_per_s = 1.0 / r.tpot_s;
  return r;
}

EpTraffic normal_kernel_traffic(const ModelSpec& m, int ep, int gpus_per_node) {
  EpTraffic t;
  if (!m.is_moe() || ep <= 1) return t;
  const int g = std::min(ep, gpus_per_node);
  const int nodes = ep / g;
  // One IB copy per remote node reached; then one NVLink copy per GPU reached other than the sender and
  // the same-index relay (network/moe_alltoall.h, DeepSeek-V3 §3.2.2).
  if (nodes > 1) t.scale_out_copies = blocks_hit(m, nodes) * (nodes - 1.0) / nodes;
  t.scale_up_copies = blocks_hit(m, ep) * (1.0 - 1.0 / g);
  return t;
}

EpTraffic low_latency_traffic(const ModelSpec& m, int ep) {
  EpTraffic t;
  if (!m.is_moe() || ep <= 1) return t;
  // One RDMA message per routed copy; a copy for an expert on the sender's own GPU stays local.
  t.scale_out_copies = m.moe.top_k * (1.0 - 1.0 / ep);
  return t;
}

double ep_transfer_time_s(const EpTraffic& traffic, double tokens, double bytes_per_copy, const FabricSpec& scale_up,
                          const FabricSpec& scale_out, double scale_out_share, const Calibration& calib) {
  return ep_transfer_legs(traffic, tokens, bytes_per_copy, scale_up, scale_out, scale_out_share, calib).time_s();
}

EpLegTimes ep_transfer_legs(const EpTraffic& traffic, double tokens, double bytes_per_copy, const FabricSpec& scale_up,
                            const FabricSpec& scale_out, double scale_out_share, const Calibration& calib) {
  auto leg = [&](double copies, const FabricSpec& f, double share) {
    if (copies <= 0 || tokens <= 0) return 0.0;
    const double bytes = copies * tokens * bytes_per_copy;
    const double link_Bps = f.achievable_Bps * share;
    if (!(link_Bps > 0))
      throw_user_error("fabric `" + f.name + "` has no bandwidth for the expert all-to-all",
                       ErrorContext{.key_path = "cluster", .expected = "a fabric with achievable bandwidth > 0"});
    // The calibrated efficiency is alpha-beta: it already carries the fabric's latency for this size.
    return bytes / (link_Bps * calib.comm_efficiency(f.kind, bytes));
  };
  return EpLegTimes{leg(traffic.scale_up_copies, scale_up, 1.0),
                    leg(traffic.scale_out_copies, scale_out, scale_out_share)};
}

}  // namespace moeplan
