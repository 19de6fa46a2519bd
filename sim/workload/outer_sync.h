// Cost of keeping data-parallel replicas in step over a slow (wide-area) link, for each parallel.dp_sync method:
// how long one sync takes, how much of it hides under compute, the bytes each replica sends, and the compute
// utilisation that leaves. A pure closed-form model; the multi-site run supplies the step time and the WAN path.
//
// Methods and sources:
//   every-step        ring all-reduce of the bf16 gradients every step, each layer's sent as its backward ends.
//   diloco            every H steps a ring all-reduce of the pseudo-gradients (DiLoCo, arXiv:2311.08105 §2; cost as
//                     DiLoCo-SL, arXiv:2503.09799 App. A: (2N/W)(1 - 1/R) + eps every H steps).
//   streaming-diloco  P fragments, each synced every H steps at staggered offsets and merged tau steps later
//                     (Streaming DiLoCo, arXiv:2501.18512 §2.2-2.3).
//   outer_bits        the pseudo-gradients quantised to 32/16/8/4 bits: bytes scale linearly (INTELLECT-1 int8,
//                     arXiv:2412.01152 §2.2; Streaming DiLoCo E3M0 4-bit, §2.4).
//   demo              DeMo/DisTrO: every step each replica sends its compressed momentum to every other replica
//                     (the compressed payloads cannot be summed on the way, so the exchange is an all-gather:
//                     DisTrO report §3.1, 2.8 MB to each of 31 peers = 86.8 MB per step), compressed 857x by
//                     default (DisTrO report Table 3: 74.4 GB vs 86.8 MB received per step).
// Overlap follows the per-layer dependencies of the Streaming DiLoCo simulator (arXiv:2501.18512 §3.1): a layer's
// values leave once its backward is done and must be back before the forward that needs them (outer_sync.cc,
// pipelined_sync). docs/dp-sync.md has the formulas.
#pragma once

#include <string>
#include <vector>

#include "sim/spec/dp_sync_spec.h"

namespace moeplan {

// DisTrO preliminary report (NousResearch/DisTrO@a4aabcb, A_Preliminary_Report_on_DisTrO.pdf) Table 3: a 1.2B
// model's per-step exchange fell from 74.4 GB to 86.8 MB, 857x. DeMo's abstract (arXiv:2411.19870, ICLR 2026
// version) reports "up to 85x less data per GPU" than AdamW-DDP on 300M and 1B models; set demo_compression: 85
// to use that figure instead.
inline constexpr double kDistroCompression = 857.0;

// The wide-area path one replica's share of the collective travels.
struct WanPath {
  double bandwidth_Bps = 0;  // bottleneck bytes/s one replica's flow gets, per direction (may be +infinity)
  double latency_s = 0;      // one-way latency of one WAN hop
  int hops = 1;              // WAN hops a message of one collective step crosses
};

struct OuterSyncInput {
  double step_compute_s = 0;   // T: one inner step's compute (forward, backward, optimizer), no DP traffic
  double backward_s = 0;       // the part of T a per-step gradient exchange can hide under (every-step)
  double params = 0;           // parameters synced per replica
  // Parameters of each transformer block in depth order (for fragments). Empty: params split evenly over
  // n_layers. Parameters outside the blocks (embeddings, head) are spread evenly over the fragments.
  std::vector<double> layer_params;
  int n_layers = 1;
  int replicas = 1;            // M: data-parallel replicas taking part
  WanPath wan;
  DpSyncSpec sync;
};

// One transfer in the sync cycle, for the step timeline.
struct SyncEvent {
  std::string what;            // "gradient all-reduce", "outer all-reduce", "fragment 2 (layers 2, 10, 18)"
  int sent_after_step = 1;     // inner step (1..H of the cycle) after which it is sent
  int merged_before_step = 2;  // inner step before whose forward it must be merged (may pass H: next cycle)
  double bytes = 0;            // sent per replica
  double duration_s = 0;       // on the wire
  double hidden_s = 0;         // under compute
  double exposed_s = 0;        // the replica waits
};

struct OuterSyncResult {
  DpSyncMethod method = DpSyncMethod::kEveryStep;
  int period_steps = 1;           // inner steps in one cycle (H; 1 for every-step and demo)
  int bits = 16;                  // bits per value on the wire
  double payload_bytes = 0;       // all synced values once, per replica, at `bits` (before any compression)
  double sync_s = 0;              // one sync (streaming: the longest fragment's)
  double full_sync_s = 0;         // every transfer of a cycle back to back
  double exposed_per_step_s = 0;  // wait per inner step, amortised over the cycle
  double hidden_fraction = 1;     // share of the cycle's transfer time under compute (1 when nothing is sent)
  double wan_bytes_per_step = 0;  // bytes each replica sends per inner step, amortised
  double compute_utilisation = 1; // T / (T + exposed_per_step_s)
  bool link_bound = false;        // the cycle's transfers back to back outlast its compute: the link sets the pace
  std::vector<SyncEvent> timeline;
  std::string model;              // the formula used and its source, for reports
};

// Ring all-reduce of `bytes` over `m` members on `wan`: each member sends 2(m-1)/m of the payload, in 2(m-1)
// steps each paying the path's latency (Patarasuk & Yuan, 2009; the bandwidth-optimal bound of DiLoCo-SL App. A).
double ring_all_reduce_s(double bytes, int m, const WanPath& wan);
double ring_all_reduce_bytes(double bytes, int m);

// Throws an internal Error on inputs a caller must not pass (negative times, M < 1, no bandwidth with M > 1).
OuterSyncResult outer_sync_cost(const OuterSyncInput& in);

}  // namespace moeplan
