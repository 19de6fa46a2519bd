// MemoryBreakdown: bytes per GPU by category for one pipeline stage, and whether it fits in HBM.
#pragma once

#include <string>

namespace moeplan {

struct MemoryBreakdown {
  int stage = 0;                 // pipeline rank this breakdown is for
  double weights = 0;            // working weights (FP8 and/or BF16 copies; DualPipe keeps two)
  double master_weights = 0;     // FP32 master copy, after ZeRO sharding
  double gradients = 0;          // after ZeRO sharding (stage >= 2) or full
  double optimizer = 0;          // AdamW moments, after ZeRO sharding
  double activations = 0;        // peak stored activations under the schedule and recompute policy
  double comm_buffers = 0;       // dispatch/combine and PP/DP buffers
  double reserve = 0;            // allocator fragmentation and workspace
  double capacity = 0;           // HBM bytes of the GPU

  double total() const {
    return weights + master_weights + gradients + optimizer + activations + comm_buffers + reserve;
  }
  bool fits() const { return total() <= capacity; }
  // Name of the largest category ("activations", "optimizer", ...).
  std::string dominant() const {
    const struct { const char* name; double bytes; } parts[] = {
        {"weights", weights}, {"master_weights", master_weights}, {"gradients", gradients},
        {"optimizer", optimizer}, {"activations", activations}, {"comm_buffers", comm_buffers},
        {"reserve", reserve}};
    const char* best = parts[0].name;
    double most = parts[0].bytes;
    for (const auto& p : parts)
      if (p.bytes > most) { most = p.bytes; best = p.name; }
    return best;
  }
};

}  // namespace moeplan
