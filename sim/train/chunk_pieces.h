// A chunk pass (F, B or W) cut into the alternating compute and communication pieces the DES replays:
// consecutive compute ops merge into one piece; each dispatch, combine, TP collective or CP exchange is its
// own piece.
// Shared by `des` and `des-full` so both fidelities replay the same pieces.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/schedule/pipeline_order.h"
#include "sim/workload/stage_costs.h"

namespace moeplan {

// kParamGather: a ZeRO-3 all-gather of one parameter group. It is prefetched: it waits for the previous
// gather of the pass and for the work before the previous group, not for the compute just before it, so it
// runs one group ahead; the group's first piece waits for it.
// kCpComm: context-parallel communication (a ring attention's transfers beyond what its kernel hides, or an
// a2a exchange).
enum class PieceKind : std::uint8_t { kCompute, kDispatch, kCombine, kTpCollective, kCpComm, kParamGather };

struct ChunkPiece {
  PieceKind kind = PieceKind::kCompute;
  double seconds = 0;      // compute at full SMs, or the communication's closed-form time (comm_s / comm_b_s)
  std::string name;        // first op of a compute piece, or the communication op
  // The chunk's MoE layer this piece belongs to, counted from 0 in forward order: for a compute piece the
  // layer whose routed experts it holds (-1: none), for a dispatch or combine its layer. With EP > 1 a
  // compute piece holds at most one layer's routed experts.
  int moe_layer = -1;
  double comm_bytes = 0;   // communication pieces: bytes sent per rank
  // TP collectives under tp_comm_overlap: the neighbouring GEMMs' times (OpTiming::tp_hide_*), so a fidelity
  // that re-costs the collective can apply the same overlap (tp_exposed_comm_s).
  double tp_hide_before_s = 0, tp_hide_after_s = 0;

  bool comm() const { return kind != PieceKind::kCompute; }
  // An MoE all-to-all, which spans the EP group's pipeline replicas (TP collectives and CP exchanges stay
  // inside one replica's GPUs).
  bool ep_collective() const { return kind == PieceKind::kDispatch || kind == PieceKind::kCombine; }
  bool prefetched() const { return kind == PieceKind::kParamGather; }
};

// `pass` is 'F' (ops in order), 'B' (ops in reverse) or 'W' (one compute piece of the chunk's w_s).
// Communication ops of zero time are left out, as are compute ops of zero time. Under ZeRO-3 each parameter
// group's gather precedes the group's ops in F and in B.
std::vector<ChunkPiece> chunk_pieces(const ChunkCost& c, char pass);

// The costs of the chunk that pipeline rank `rank` runs for model stage `stage` of `direction` in `order`:
// the rank's chunks are listed in the order of the stages it holds. Throws an internal Error when the rank
// holds no such stage.
const ChunkCost& chunk_cost_of(const PipelineOrder& order, const StageCosts& costs, int rank, int stage,
                               int direction);

// MoE layers in the chunk (its dispatch ops).
int moe_layers_in(const ChunkCost& c);

// Compute-time factor of an overlapped F&B pair (forward chunk `f`, backward chunk `b`): 1 / the SM share
// the communication kernels leave when the pair communicates at all, else 1. The pair's GEMMs are launched
// for the SMs left to them for the whole pair, not only while a transfer is in flight (DeepSeek-V3 §3.2.1:
// the SM split between communication and computation is set by hand; DeepGEMM and DeepEP take their SM
// counts as settings): a kernel sized for every SM would wait on the SMs a transfer holds. Outside pairs
// the communication kernels take their SMs only while they run.
double pair_compute_scale(const ChunkCost& f, const ChunkCost& b, double sm_fraction_during_comm);

}  // namespace moeplan
