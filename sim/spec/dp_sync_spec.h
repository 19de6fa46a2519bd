// DpSyncSpec: how data-parallel replicas keep their weights in step (parallel.dp_sync): every step, as
// synchronous data parallelism does, or every H steps with an outer optimizer (the DiLoCo family), or with
// compressed momentum (DeMo / DisTrO). Its token-efficiency assumption is an explicit, cited input.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace moeplan {

enum class DpSyncMethod {
  kEveryStep,        // gradients reduced every step (synchronous DP / ZeRO): what moeplan always modelled
  kDiloco,           // Douillard et al., arXiv:2311.08105: H inner steps, then an all-reduce of pseudo-gradients
  kStreamingDiloco,  // Douillard et al., arXiv:2501.18512: fragments synced on a staggered schedule, overlapped
  kDemo,             // Peng et al., arXiv:2411.19870 (DeMo) / DisTrO: a compressed momentum exchanged every step
};

// Which layers a Streaming DiLoCo fragment holds (arXiv:2501.18512 §2.2, Fig. 2): "strided" (fragment p holds
// layers p, p+P, p+2P, ...; the paper's default) or "sequential" (consecutive blocks).
enum class FragmentPattern { kStrided, kSequential };

struct DpSyncSpec {
  DpSyncMethod method = DpSyncMethod::kEveryStep;
  int inner_steps = 1;               // H: inner (local) steps between outer syncs; 1 for every-step and demo
  int fragments = 1;                 // streaming: P fragments, each synced once every H steps, staggered
  // Streaming: layers per fragment instead of a fragment count (the paper uses 3 layers at every scale,
  // §3.3.1); 0 = `fragments` is used. Resolved against the model by fragment_count().
  int fragment_layers = 0;
  FragmentPattern fragment_pattern = FragmentPattern::kStrided;
  int overlap_steps = 0;             // streaming: tau, inner steps the fragment's all-reduce may run behind
  // Bits per value on the wire for the outer all-reduce (pseudo-gradients); 0 = the method's default
  // (16: bf16). INTELLECT-1: 8 (int8, arXiv:2412.01152 §2.2); Streaming DiLoCo: 4 (E3M0, §2.4).
  int outer_bits = 0;
  // DeMo/DisTrO: how many times smaller each replica's per-step payload is than its dense bf16 gradient (DisTrO's
  // 1.2B run: 857x, report Table 3). 0 = the method's cited default (outer_sync.h).
  double demo_compression = 0;
  // Tokens the method needs for the loss synchronous DP reaches, as a multiple (>= 1 usually). Unset: derived
  // from published loss gaps for the replica count and H, with the derivation reported.
  std::optional<double> token_overhead;
  std::string token_overhead_source;

  bool is_every_step() const { return method == DpSyncMethod::kEveryStep; }
};

const char* to_string(DpSyncMethod m);
const char* to_string(FragmentPattern p);

// The bits per value the method sends: outer_bits, or 16 (bf16) when unset.
int wire_bits(const DpSyncSpec& s);

// Streaming DiLoCo's fragment count for a model of `n_layers` blocks: `fragments`, or ceil(n_layers /
// fragment_layers) when fragment_layers is set; 1 for every other method.
int fragment_count(const DpSyncSpec& s, int n_layers);

// The layer indices (0-based, in depth order) of each fragment under the spec's pattern: P lists that
// partition 0..n_layers-1, as even as whole layers allow.
std::vector<std::vector<int>> fragment_layers(const DpSyncSpec& s, int n_layers);

// Checks what can be checked without the model (H >= 1, bits in {4, 8, 16, 32}, keys that only one method
// reads). Throws a user Error at `key` (e.g. "parallel.dp_sync") plus the field.
void validate(const DpSyncSpec& s, const std::string& key = "parallel.dp_sync");
// Checks against the model: fragments (or fragment_layers) no more than its layers.
void validate_against_layers(const DpSyncSpec& s, int n_layers, const std::string& key = "parallel.dp_sync");

}  // namespace moeplan
