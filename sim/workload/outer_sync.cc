// Closed-form cost of each parallel.dp_sync method over a WAN path (see outer_sync.h for the sources).
#include "sim/workload/outer_sync.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <string>
#include <utility>

#include "sim/units/error.h"

namespace moeplan {
namespace {

double transfer_s(double bytes, const WanPath& wan) {
  if (bytes <= 0) return 0;
  return std::isinf(wan.bandwidth_Bps) ? 0 : bytes / wan.bandwidth_Bps;
}

void check(const OuterSyncInput& in) {
  auto bad = [](const std::string& what) { throw_internal_error("outer_sync_cost: " + what); };
  if (!(in.step_compute_s > 0) || !std::isfinite(in.step_compute_s)) bad("step_compute_s must be positive");
  if (in.backward_s < 0 || in.backward_s > in.step_compute_s) bad("backward_s must lie in [0, step_compute_s]");
  if (!(in.params >= 0) || !std::isfinite(in.params)) bad("params must be >= 0");
  if (in.replicas < 1) bad("replicas must be >= 1");
  if (in.n_layers < 1 && in.layer_params.empty()) bad("n_layers must be >= 1");
  if (in.replicas > 1 && !(in.wan.bandwidth_Bps > 0)) bad("the WAN path needs a positive bandwidth");
  if (in.wan.latency_s < 0 || in.wan.hops < 0) bad("latency and hops must be >= 0");
}

std::string layer_list(const std::vector<int>& layers) {
  std::string s;
  const size_t shown = std::min<size_t>(layers.size(), 4);
  for (size_t i = 0; i < shown; ++i) s += (i ? ", " : "") + std::to_string(layers[i]);
  if (layers.size() > shown) s += ", ... (" + std::to_string(layers.size()) + " layers)";
  return s;
}

// The cycle's totals from its events: exposure per step, hidden share, bytes per step, utilisation. The link
// carries one transfer at a time, so a cycle lasts at least as long as its transfers back to back
// (period x T + exposed >= sum of durations), whatever the overlap.
void finish(OuterSyncResult& r, const OuterSyncInput& in) {
  double exposed = 0, duration = 0, bytes = 0;
  for (const SyncEvent& e : r.timeline) {
    exposed += e.exposed_s;
    duration += e.duration_s;
    bytes += e.bytes;
    r.sync_s = std::max(r.sync_s, e.duration_s);
  }
  const double compute = r.period_steps * in.step_compute_s;
  r.link_bound = duration - compute > exposed;
  exposed = std::max(exposed, duration - compute);
  r.full_sync_s = duration;
  r.exposed_per_step_s = exposed / r.period_steps;
  r.hidden_fraction = duration > 0 ? std::clamp(1.0 - exposed / duration, 0.0, 1.0) : 1.0;
  r.wan_bytes_per_step = bytes / r.period_steps;
  r.compute_utilisation = in.step_compute_s / (in.step_compute_s + r.exposed_per_step_s);
}


// One sync of a set of layers F as the per-layer DAG of the Streaming DiLoCo simulator has it (arXiv:2501.18512
// §3.1: per layer, forward, backward and an (outer-)gradient reduction node). Layer l's values go on the wire
// once its backward of the step is done and must be merged before the forward of step + 1 + tau reaches it.
// With the step's forward and backward each spread evenly over the L blocks, and time 0 the end of the step:
//   available(l) = -(l / L) x backward          (the blocks below l still run their backward)
//   deadline(l)  = tau x T + (l / L) x forward  (the blocks below l run their forward first)
// The link sends the layers in the order they become available (top block first), so the fragment's lowest
// block is sent last and due first: the replica waits max(0, finish - deadline(l_min)), where finish is the
// queue's completion max over l of (available(l) + bytes of the blocks of F at or below l / W), plus the
// collective's latency. One fragment holding every block with tau = 0 is vanilla DiLoCo; with H = 1 and bf16
// it is the every-step gradient all-reduce overlapped with the backward pass.
struct LayerSync {
  double duration_s;  // on the wire (bytes / W + latency)
  double exposed_s;
};
LayerSync pipelined_sync(const std::vector<int>& layers, const std::vector<double>& layer_bytes, int n_layers,
                         const OuterSyncInput& in, int tau) {
  const double fwd = in.step_compute_s - in.backward_s, bwd = in.backward_s;
  std::vector<int> order = layers;
  std::sort(order.begin(), order.end(), std::greater<>());  // top block first
  double bytes = 0;
  for (int l : order) bytes += layer_bytes[static_cast<size_t>(l)];
  const double latency = in.replicas > 1 ? 2.0 * (in.replicas - 1) * in.wan.hops * in.wan.latency_s : 0.0;
  // finish = max_k (available(order[k]) + bytes of order[k..] / W): scan from the last (lowest) block up.
  double finish = -1e300, tail = 0;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    tail += layer_bytes[static_cast<size_t>(*it)];
    finish = std::max(finish, -(static_cast<double>(*it) / n_layers) * bwd + transfer_s(tail, in.wan));
  }
  LayerSync r;
  r.duration_s = transfer_s(bytes, in.wan) + latency;
  const double deadline = tau * in.step_compute_s + (static_cast<double>(order.back()) / n_layers) * fwd;
  r.exposed_s = std::clamp(finish + latency - deadline, 0.0, r.duration_s);
  return r;
}

// Bytes each replica sends per block for a sync of every value at `bits`: the blocks' own parameters plus an
// even share of those outside them (embeddings, head).
std::vector<double> layer_wire_bytes(const OuterSyncInput& in, int n_layers, int bits) {
  const double in_layers = in.layer_params.empty()
                               ? in.params
                               : std::accumulate(in.layer_params.begin(), in.layer_params.end(), 0.0);
  const double outside = std::max(0.0, in.params - in_layers) / n_layers;
  std::vector<double> out(static_cast<size_t>(n_layers));
  for (int l = 0; l < n_layers; ++l) {
    const double values = (in.layer_params.empty() ? in_layers / n_layers : in.layer_params[static_cast<size_t>(l)]) + outside;
    out[static_cast<size_t>(l)] = ring_all_reduce_bytes(values * bits / 8.0, in.replicas);
  }
  return out;
}

SyncEvent event(std::string what, int sent_after, int merged_before, double bytes, const LayerSync& s) {
  SyncEvent e;
  e.what = std::move(what);
  e.sent_after_step = sent_after;
  e.merged_before_step = merged_before;
  e.bytes = bytes;
  e.duration_s = s.duration_s;
  e.exposed_s = s.exposed_s;
  e.hidden_s = s.duration_s - s.exposed_s;
  return e;
}

// Every transfer of a cycle: the gradient or pseudo-gradient sync of fragments (one for every-step and DiLoCo),
// fragment p sent after step ceil((p + 1) H / P) of the cycle (§2.2: offsets t_p spread over H).
void fragment_syncs(OuterSyncResult& r, const OuterSyncInput& in, const std::vector<std::vector<int>>& fragments,
                    int tau, const std::string& single_name) {
  const int n_layers = in.layer_params.empty() ? in.n_layers : static_cast<int>(in.layer_params.size());
  const std::vector<double> bytes = layer_wire_bytes(in, n_layers, r.bits);
  const int p_count = static_cast<int>(fragments.size());
  const int h = r.period_steps;
  for (int p = 0; p < p_count; ++p) {
    const auto& layers = fragments[static_cast<size_t>(p)];
    double b = 0;
    for (int l : layers) b += bytes[static_cast<size_t>(l)];
    const int sent_after = std::max(1, static_cast<int>(std::ceil((p + 1.0) * h / p_count)));
    const std::string name = p_count == 1 ? single_name
                                          : "fragment " + std::to_string(p) + " (layers " + layer_list(layers) + ")";
    r.timeline.push_back(event(name, sent_after, sent_after + 1 + tau, b, pipelined_sync(layers, bytes, n_layers, in, tau)));
  }
}

std::vector<std::vector<int>> all_layers(const OuterSyncInput& in) {
  const int n = in.layer_params.empty() ? in.n_layers : static_cast<int>(in.layer_params.size());
  std::vector<int> l(static_cast<size_t>(n));
  std::iota(l.begin(), l.end(), 0);
  return {l};
}

}  // namespace

double ring_all_reduce_bytes(double bytes, int m) { return m <= 1 ? 0.0 : 2.0 * (m - 1) / m * bytes; }

double ring_all_reduce_s(double bytes, int m, const WanPath& wan) {
  if (m <= 1 || bytes <= 0) return 0;
  return transfer_s(ring_all_reduce_bytes(bytes, m), wan) + 2.0 * (m - 1) * wan.hops * wan.latency_s;
}

OuterSyncResult outer_sync_cost(const OuterSyncInput& in) {
  check(in);
  OuterSyncResult r;
  r.method = in.sync.method;
  r.bits = wire_bits(in.sync);
  r.payload_bytes = in.params * r.bits / 8.0;
  const int m = in.replicas;
  switch (in.sync.method) {
    case DpSyncMethod::kEveryStep: {
      // Gradient buckets are reduced as the backward pass produces them (PyTorch DDP / ZeRO overlap).
      r.model = "ring all-reduce of the bf16 gradients every step, 2(M-1)/M x payload per replica, each layer's "
                "sent as its backward finishes";
      r.bits = 16;
      r.payload_bytes = in.params * 2.0;
      fragment_syncs(r, in, all_layers(in), 0, "gradient all-reduce");
      break;
    }
    case DpSyncMethod::kDiloco: {
      r.period_steps = in.sync.inner_steps;
      r.model = "ring all-reduce of the " + std::to_string(r.bits) + "-bit pseudo-gradients every H = " +
                std::to_string(r.period_steps) + " steps (DiLoCo, arXiv:2311.08105; DiLoCo-SL arXiv:2503.09799 App. A)";
      fragment_syncs(r, in, all_layers(in), 0, "outer all-reduce");
      break;
    }
    case DpSyncMethod::kStreamingDiloco: {
      r.period_steps = in.sync.inner_steps;
      const int n_layers = in.layer_params.empty() ? in.n_layers : static_cast<int>(in.layer_params.size());
      fragment_syncs(r, in, fragment_layers(in.sync, n_layers), in.sync.overlap_steps, "outer all-reduce");
      r.model = std::to_string(r.timeline.size()) + " " + to_string(in.sync.fragment_pattern) +
                " fragments, each a ring all-reduce of " + std::to_string(r.bits) + "-bit pseudo-gradients every H = " +
                std::to_string(r.period_steps) + " steps, staggered, merged tau = " +
                std::to_string(in.sync.overlap_steps) + " steps later (Streaming DiLoCo, arXiv:2501.18512 §2.2-2.3)";
      break;
    }
    case DpSyncMethod::kDemo: {
      const double c = in.sync.demo_compression > 0 ? in.sync.demo_compression : kDistroCompression;
      r.bits = 16;
      r.payload_bytes = in.params * 2.0;
      const double piece = r.payload_bytes / c;
      // All-gather: each replica sends its piece to the M - 1 others (directly or relayed round a ring); the
      // optimizer step compresses the whole momentum after backward, so nothing hides the exchange.
      const double bytes = (m - 1) * piece;
      const double d = m <= 1 ? 0.0 : transfer_s(bytes, in.wan) + (m - 1) * in.wan.hops * in.wan.latency_s;
      r.model = "all-gather every step of the momentum compressed " + std::to_string(static_cast<long long>(c)) +
                "x, (M-1) x payload / c per replica, not overlapped (DeMo arXiv:2411.19870; DisTrO report Table 3" +
                (in.sync.demo_compression > 0 ? ", ratio from the scenario)" : ": 857x)");
      r.timeline.push_back(event("compressed momentum all-gather", 1, 2, bytes, LayerSync{d, d}));
      break;
    }
  }
  finish(r, in);
  return r;
}

}  // namespace moeplan
