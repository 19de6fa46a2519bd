// The KV-cache handoff from prefill to decode in a disaggregated deployment.
//
// After a request's prefill, its whole prompt's KV cache (cached prefix included: the decode side needs
// every position) moves from the prefill GPU that holds it to a decode GPU over the scale-out fabric
// (GPU-direct RDMA). For MLA that is the compressed latent plus the RoPE key, kv_cache_bytes_per_token
// (sim/model/kv_cache.h) per prompt token. One attention DP rank sends through its own share of the node's
// NICs (nics_per_node / gpus_per_node per GPU, attention_tp GPUs per rank); the receiver's share bounds it
// too. Closed form for one request on idle NICs:
//   bytes = prompt_tokens x bytes_per_token,   time = bytes / rank bandwidth + scale-out latency.
// The transfer starts when the prefill step ends (no layer-by-layer streaming), so it adds to TTFT.
#pragma once

#include "sim/infer/serve_scenario.h"

namespace moeplan {

struct KvTransfer {
  double bytes_per_token = 0;  // all layers' cache of one token, in the scenario's KV dtype
  double rank_Bps = 0;         // one attention DP rank's NIC share: min(prefill sender, decode receiver)
  double latency_s = 0;        // one-way scale-out latency (the fabric's small-message figure)

  double bytes(double prompt_tokens) const { return prompt_tokens * bytes_per_token; }
  // How long the rank's NIC share is busy with one request's cache (latency excluded: it does not hold
  // the link).
  double busy_s(double prompt_tokens) const { return bytes(prompt_tokens) / rank_Bps; }
  double time_s(double prompt_tokens) const { return busy_s(prompt_tokens) + latency_s; }
};

// From the model, the KV dtype, the scale-out fabric's achievable per-NIC bandwidth and latency, NICs per
// node and the pools' attention TP. Throws a user Error when the cluster has no scale-out bandwidth.
KvTransfer kv_transfer(const ServeScenario& s);

}  // namespace moeplan
