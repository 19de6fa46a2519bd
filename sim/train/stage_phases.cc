// set_stage_phases (see stage_phases.h).
#include "sim/train/stage_phases.h"

#include <algorithm>
#include <string>

#include "sim/units/error.h"

namespace moeplan {

void set_stage_phases(StepResult& step, const std::vector<Emitted>& emitted, const engine::Simulator& sim,
                      const std::vector<double>& optimizer_s) {
  if (optimizer_s.size() != step.stages.size())
    throw_internal_error("set_stage_phases: an optimizer time per stage is needed");
  for (StageStats& st : step.stages) {
    st.has_phases = true;
    st.phases = StagePhases{};
  }
  auto at = [](engine::SimTime t) { return engine::time_to_seconds(t); };
  for (const Emitted& e : emitted) {
    if (e.rank < 0 || e.rank >= static_cast<int>(step.stages.size()))
      throw_internal_error("set_stage_phases: chunk of rank " + std::to_string(e.rank) + " outside the step's ranks");
    StagePhases& p = step.stages[static_cast<size_t>(e.rank)].phases;
    const double start = at(sim.start_time(e.span.first)), finish = at(sim.finish_time(e.span.last));
    if (e.kind == "F") {
      p.forward_s += finish - start;
    } else if (e.kind == "W") {
      p.backward_weight_s += finish - start;
    } else if (e.kind == "B") {
      // A B whose W follows directly: the W pass starts where the B pass ends.
      const double split = e.input_last != engine::kNoTask ? at(sim.finish_time(e.input_last)) : finish;
      p.backward_input_s += split - start;
      p.backward_weight_s += finish - split;
    } else if (e.kind == "FB") {
      const double s2 = at(sim.start_time(e.also.first)), f2 = at(sim.finish_time(e.also.last));
      p.overlapped_s += std::max(finish, f2) - std::min(start, s2);
    } else {
      throw_internal_error("set_stage_phases: unknown chunk kind '" + e.kind + "'");
    }
  }
  for (size_t r = 0; r < step.stages.size(); ++r) {
    StagePhases& p = step.stages[r].phases;
    p.optimizer_s = optimizer_s[r];
    const double chunks = p.forward_s + p.backward_input_s + p.backward_weight_s + p.overlapped_s + p.optimizer_s;
    // Chunks and the optimizer never overlap on a rank, so this is >= 0 up to the engine's time rounding.
    p.waiting_s = std::max(0.0, step.time_s - chunks);
  }
}

}  // namespace moeplan
