// KV handoff closed form; see kv_transfer.h.
#include "sim/infer/kv_transfer.h"

#include <algorithm>

#include "sim/model/kv_cache.h"
#include "sim/units/error.h"

namespace moeplan {

KvTransfer kv_transfer(const ServeScenario& s) {
  KvTransfer t;
  t.bytes_per_token = kv_cache_bytes_per_token(s.model, s.kv_cache_dtype);
  // NICs are shared by the GPUs of a node; a rank of attention_tp GPUs sends (or receives) on all of theirs.
  const double nic_share = static_cast<double>(s.nics_per_node) / s.gpus_per_node;
  const double gpu_Bps = s.scale_out.achievable_Bps * nic_share;
  t.rank_Bps = gpu_Bps * std::min(s.prefill.attention_tp, s.decode.attention_tp);
  if (!(t.rank_Bps > 0))
    throw_user_error("the KV cache cannot move from prefill to decode: scale-out fabric `" + s.scale_out.name +
                         "` with " + std::to_string(s.nics_per_node) + " NICs per node has no bandwidth",
                     ErrorContext{.key_path = "cluster.nics_per_node",
                                  .expected = "at least one NIC per node on a fabric with achievable bandwidth > 0"});
  t.latency_s = s.scale_out.latency_s;
  return t;
}

}  // namespace moeplan
