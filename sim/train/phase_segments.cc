// Splits a phase into constant-batch segments (see phase_segments.h).
#include "sim/train/phase_segments.h"

#include <algorithm>
#include <cmath>

namespace moeplan {
namespace {
int round_to_granule(double batch, int granule) {
  const double g = std::max(1, granule);
  return static_cast<int>(std::max(g, std::round(batch / g) * g));
}
}  // namespace

std::vector<PhaseSegment> phase_segments(const TrainingPhase& phase, int granule, int min_batch, int ramp_pieces) {
  std::vector<PhaseSegment> out;
  const double seq = phase.seq_len;
  if (phase.steps > 0) {
    out.push_back({phase.global_batch, phase.steps * seq * phase.global_batch, static_cast<double>(phase.steps)});
    return out;
  }
  double remaining = phase.tokens;
  const BatchRamp& ramp = phase.ramp;
  if (ramp.over_tokens > 0 && ramp.from_sequences > 0 && ramp.from_sequences != phase.global_batch) {
    const double ramp_tokens = std::min(ramp.over_tokens, phase.tokens);
    const double piece = ramp_tokens / ramp_pieces;
    for (int i = 0; i < ramp_pieces; ++i) {
      // Batch grows linearly with tokens; each piece runs at its own mid-point batch.
      const double mid = (i + 0.5) / ramp_pieces * (ramp_tokens / ramp.over_tokens);
      const double batch = ramp.from_sequences + (phase.global_batch - ramp.from_sequences) * mid;
      const int b = std::max(min_batch, round_to_granule(batch, granule));
      out.push_back({b, piece, piece / (seq * b)});
    }
    remaining -= ramp_tokens;
  }
  if (remaining > 0) out.push_back({phase.global_batch, remaining, remaining / (seq * phase.global_batch)});
  return out;
}

}  // namespace moeplan
