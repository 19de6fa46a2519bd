// Expert-parallel dispatch/combine cost for serving, and the ISCA'25 communication-bound TPOT.
//
// Two kernels move tokens in DeepSeek's serving (DeepEP README, published-numbers.md §4.1):
// - prefill uses the "normal" kernels: a token crosses IB once per destination node and is relayed over
//   NVLink inside the node (node-deduplicated, DeepSeek-V3 §3.2.2);
// - decode uses the "low-latency" kernels: pure RDMA, one message per (token, expert) copy.
// Payloads: FP8 dispatch = hidden x 1 B + one FP32 scale per 128 channels, BF16 combine = hidden x 2 B
// (DeepSeek-V3 §3.3; ISCA'25 §2.3.2).
#pragma once

#include "sim/calib/calibration.h"
#include "sim/spec/hardware_spec.h"
#include "sim/spec/model_spec.h"
#include "sim/spec/precision_recipe.h"

namespace moeplan {

// ISCA'25 (arXiv:2505.09343) §2.3.2, published-numbers.md §6: one dispatch plus one combine of `tokens`
// tokens, each sent to `experts_per_token` experts, `hidden` elements per copy, over one link:
//   (dispatch_bytes + combine_bytes) x tokens x experts x hidden / link_Bps.
// Network latency is ignored, as in the paper.
double ep_comm_time_s(double tokens, double experts_per_token, double hidden, double dispatch_bytes_per_element,
                      double combine_bytes_per_element, double link_Bps);

// The paper's TPOT upper bound for a communication-bound decode: dual micro-batch overlap makes each layer
// cost two communication times (compute fully hidden), over `layers` layers.
struct CommBoundTpot {
  double comm_time_s = 0;       // one dispatch + combine
  double layer_time_s = 0;      // 2 x comm (dual micro-batch)
  double tpot_s = 0;            // layers x layer time
  double tokens_per_s = 0;      // 1 / tpot
};
CommBoundTpot comm_bound_tpot(double tokens, double experts_per_token, double hidden,
                              double dispatch_bytes_per_element, double combine_bytes_per_element, double link_Bps,
                              int layers);


// Where one EP group's traffic goes, per token held by a GPU (balanced routing, expected values).
struct EpTraffic {
  double scale_out_copies = 0;  // copies crossing the scale-out fabric (IB)
  double scale_up_copies = 0;   // copies crossing the scale-up fabric (NVLink)
};

// Normal (node-deduplicated) kernels over `ep` GPUs in nodes of `gpus_per_node`.
EpTraffic normal_kernel_traffic(const ModelSpec& m, int ep, int gpus_per_node);
// Low-latency (per-copy RDMA) kernels: every copy to another GPU crosses the scale-out fabric.
EpTraffic low_latency_traffic(const ModelSpec& m, int ep);

// Time of one dispatch or combine moving `bytes_per_copy` for `tokens` tokens with `traffic`, on the GPU's
// share of the fabrics (scale-out bandwidth x nics_per_node / gpus_per_node), each leg at the calibrated
// (alpha-beta) efficiency for its message size; the two legs overlap (DeepEP relays chunks).
double ep_transfer_time_s(const EpTraffic& traffic, double tokens, double bytes_per_copy, const FabricSpec& scale_up,
                          const FabricSpec& scale_out, double scale_out_share, const Calibration& calib);

// The two legs of ep_transfer_time_s separately: the scale-out leg is how long the GPU's NIC share is busy,
// which the KV handoff from prefill to decode competes for (kv_handoff.h).
struct EpLegTimes {
  double scale_up_s = 0;
  double scale_out_s = 0;
  double time_s() const { return scale_up_s > scale_out_s ? scale_up_s : scale_out_s; }
};
EpLegTimes ep_transfer_legs(const EpTraffic& traffic, double tokens, double bytes_per_copy, const FabricSpec& scale_up,
                            const FabricSpec& scale_out, double scale_out_share, const Calibration& calib);

}  // namespace moeplan
