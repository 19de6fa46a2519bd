// MoE dispatch and combine with node-limited routing, the way DeepEP's normal kernels move tokens.
//
// Dispatch (arXiv:2412.19437 §3.2.2; DeepEP README): a token goes once to each destination node over IB,
// to the GPU with the same local index there, which forwards it over NVLink to every GPU of that node
// holding one of its experts (once per GPU, however many of its experts that GPU holds). Tokens for the
// sender's own node go straight over NVLink; a GPU's own experts cost no link. Combine is the reverse:
// expert outputs go over NVLink to the same-index GPU, which reduces them and sends one result per
// (token, node) back over IB. Payload per token: FP8 dispatch = hidden x 1 B plus one FP32 scale per
// 128 channels (§3.3 1x128 tiles); BF16 combine = hidden x 2 B.
//
// Per-expert copies (`per_expert_copies`): Megatron-Core's all-to-all token dispatcher
// (MoEAlltoAllTokenDispatcher) permutes the tokens into one row per (token, expert) pair and exchanges the rows
// with a single NCCL all-to-all, so every copy bound for another GPU travels on its own, straight from source to
// destination; nothing is merged per node or per GPU.
//
// The DES path turns the sampled traffic into per-pair transfers, split in `chunks` so the NVLink relay
// of chunk c starts as soon as IB chunk c has landed, and runs them with max-min link sharing. The closed
// form assumes balanced routing and perfect overlap of the IB and NVLink legs.
#pragma once

#include <span>
#include <vector>

#include "sim/units/random.h"
#include "sim/network/moe_routing.h"
#include "sim/network/topology.h"

namespace moeplan::network {

double fp8_dispatch_bytes_per_token(int hidden);  // hidden + hidden/128 x 4
double bf16_combine_bytes_per_token(int hidden);  // hidden x 2

enum class MoeDirection { kDispatch, kCombine };

struct MoeCommSpec {
  int tokens_per_rank = 4096;
  double bytes_per_token = 0;  // one of the two helpers above
  MoeRoutingSpec routing;
  int chunks = 8;              // relay pipelining granularity (DES only)
  bool per_expert_copies = false;  // one transfer per (token, expert) copy, no node relay (see above)
  // DES only: transfer completions are rounded up to this grid so nearby completions share one rate
  // re-solve (engine::Simulator::set_flow_quantum); each chunk ends at most this late.
  double time_quantum_s = 0.2e-6;
};

struct MoeCommResult {
  double time_s = 0;
  double scale_up_bytes = 0;   // NVLink legs, summed over ranks
  double scale_out_bytes = 0;  // IB legs (each (token, remote node) once), summed over ranks
  // Per-rank averages over `time_s` of the link-class bytes above (what a link of that class carried):
  double scale_up_Bps_per_rank = 0;
  double scale_out_Bps_per_rank = 0;
  // DeepEP's benchmark counters (tests/test_intranode.py, test_internode.py): received tokens including the
  // rank's own ("NVL"), and (token, node) pairs including the sender's own node ("RDMA"), per rank / time.
  double logical_nvl_Bps = 0;
  double logical_rdma_Bps = 0;
  std::uint64_t events = 0;
  std::uint64_t rate_solves = 0;
};

// The traffic of one dispatch (or, reversed, one combine) among the ep members of an EP group laid out as
// ep / g nodes of g members (member i holds experts [i E/ep, (i+1) E/ep)).
struct MoeTraffic {
  int ep = 0, g = 0, n_nodes = 0;
  // tokens[s * ep + d]: tokens of source s that need member d (once per token and member).
  std::vector<double> tokens;
  // node_tokens[s * n_nodes + m]: tokens of source s that need node m.
  std::vector<double> node_tokens;
  // received_copies[d]: (token, expert) pairs member d's experts process, its own tokens included; the
  // balanced mean is tokens_per_rank x top_k.
  std::vector<double> received_copies;
  // copies[s * ep + d]: (token, expert) pairs of source s whose expert sits on member d.
  std::vector<double> copies;
};

// Samples the routing of spec.tokens_per_rank tokens on every member (sample_routing, or
// sample_routing_weighted when `expert_weights` is not empty) and counts the traffic.
MoeTraffic sample_moe_traffic(int ep, int gpus_per_node, const MoeCommSpec& spec, Rng& rng,
                              std::span<const double> expert_weights = {});
// The expected traffic under balanced routing (fractional token counts, no sampling noise): every member
// sends T x P(member hit) tokens to each member and T x P(node hit) to each node, and receives T x k copies.
MoeTraffic expected_moe_traffic(int ep, int gpus_per_node, const MoeCommSpec& spec);

// Simulates every transfer of `traffic` among `ranks` (GPU indices of the topology, member i = ranks[i])
// with max-min link sharing. `ranks` must be one node's GPUs or whole nodes listed node after node.
MoeCommResult simulate_moe_traffic(const Topology& topo, std::span<const int> ranks, const MoeTraffic& traffic,
                                   const MoeCommSpec& spec, MoeDirection direction);

// des-full: samples routing for every rank of `ranks` (the EP group; rank i holds experts
// [i E/ep, (i+1) E/ep)) and simulates every transfer: sample_moe_traffic then simulate_moe_traffic.
MoeCommResult simulate_moe_alltoall(const Topology& topo, std::span<const int> ranks, const MoeCommSpec& spec,
                                    MoeDirection direction, Rng& rng);

// Closed form for balanced routing: per-rank IB bytes T x E[nodes hit] x (N-1)/N x b, per-rank NVLink
// bytes T x E[ranks hit] x (1 - 1/g) x b (every (token, rank) pair except the sender itself and the
// same-index relays), time = max(IB / inter_Bps, NVLink / intra_Bps) + latencies.
double moe_alltoall_time_s(const MoeCommSpec& spec, int ep, int gpus_per_node, double intra_Bps,
                           double intra_latency_s, double inter_Bps, double inter_latency_s);

}  // namespace moeplan::network
