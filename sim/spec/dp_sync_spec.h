// DpSyncSpec: how data-parallel replicas keep their weights in step (parallel.dp_sync): every step, as
// synchronous data parallelism does, or every H steps with an outer optimizer (the DiLoCo family), or with
// compressed momentum (DeMo / DisTrO). Its token-efficiency assumption is an explicit, cited input.
#pragma once

#include <optional>
#include <string>

namespace moeplan {

enum class DpSyncMethod {
  kEveryStep,        // gradients reduced every step (synchronous DP / ZeRO): what moeplan always modelled
  kDiloco,           // Douillard et al., arXiv:2311.08105: H inner steps, then an all-reduce of pseudo-gradients
  kStreamingDiloco,  // Douillard et al., arXiv:2501.18512: fragments synced on a staggered schedule, overlapped
  kDemo,             // Peng et al., arXiv:2411.19870 (DeMo) / DisTrO: a compressed momentum exchanged every step
};

struct DpSyncSpec {
  DpSyncMethod method = DpSyncMethod::kEveryStep;
  int inner_steps = 1;               // H: inner (local) steps between outer syncs; 1 for every-step and demo
  int fragments = 1;                 // streaming: P fragments, each synced once every H steps, staggered
  int overlap_steps = 0;             // streaming: tau, inner steps the fragment's all-reduce may run behind
  // Bits per value on the wire for the outer all-reduce (pseudo-gradients); 0 = the method's default
  // (16: bf16). INTELLECT-1: 8 (int8, arXiv:2412.01152 §2.2); Streaming DiLoCo: 4 (E3M0, §2.4).
  int outer_bits = 0;
  // DeMo/DisTrO: bytes sent per step as a fraction of a dense bf16 gradient (DisTrO's 1.2B run: 857x less,
  // report Table 3). 0 = the method's cited default.
  double demo_compression = 0;
  // Tokens the method needs for the loss synchronous DP reaches, as a multiple (>= 1 usually). Unset: derived
  // from published loss gaps for the replica count and H, with the derivation reported.
  std::optional<double> token_overhead;
  std::string token_overhead_source;

  bool is_every_step() const { return method == DpSyncMethod::kEveryStep; }
};

const char* to_string(DpSyncMethod m);

}  // namespace moeplan
