// Plan search: every parallel layout of a scenario's cluster (TP x CP x PP x EP x DP x ZeRO x micro-batch x
// schedule x recompute), with invalid plans counted by reason, plans over HBM pruned before any timing, the
// survivors ranked by the analytic step of the main phase, and the best few re-timed on the event engine.
//
// The enumeration is cheap-first: validate() and the closed-form memory model run before the step is
// costed, and candidates are spread over std::thread workers (each owns its own counters; results are
// merged in enumeration order, so the ranking does not depend on the thread count).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/calib/calibration.h"
#include "sim/plan/plan_result.h"
#include "sim/spec/scenario.h"
#include "sim/units/progress.h"

namespace moeplan {

// Builds the calibration for a scenario's GPU (the CLI reads profiles; tests may pass their own).
using CalibrationFactory = std::function<std::unique_ptr<Calibration>(const Scenario&)>;

struct PlanSearchOptions {
  PlanObjective objective = PlanObjective::kTime;
  int top_n = 10;                  // plans kept in the result
  int des_rerank = -1;             // plans re-timed with the discrete-event step; -1: max(top_n, 32), 0: none
  int threads = 0;                 // 0: std::thread::hardware_concurrency()
  std::vector<int> tp_values{1, 2, 4, 8};
  // Context-parallel degrees; cp > 1 is generated only where each rank keeps at least kMinCpBlockTokens of a
  // sequence (enumerate_plans).
  std::vector<int> cp_values{1, 2, 4, 8, 16};
  std::vector<int> pp_values{1, 2, 4, 8, 16, 32};
  std::vector<int> zero_stages{0, 1, 2, 3};
  std::vector<int> micro_batches{1, 2, 4};
  std::vector<PipelineSchedule> schedules{PipelineSchedule::k1F1B, PipelineSchedule::kInterleaved1F1B,
                                          PipelineSchedule::kZbH1, PipelineSchedule::kDualPipe,
                                          PipelineSchedule::kDualPipeV};
  std::vector<RecomputePolicy> recompute{RecomputePolicy::kNone, RecomputePolicy::kSelective,
                                         RecomputePolicy::kFull};
  // Least free HBM a plan must leave on its fullest GPU, as a fraction of capacity. A plan at 0% headroom
  // fits on paper only: allocator fragmentation and library workspaces beyond the modelled reserve vary by
  // framework version, so a plan that close to the edge is not listed as feasible.
  double min_headroom = 0.05;
  // Told of the analytic scan (one unit per layout) and the DES re-rank (one unit per re-timed plan).
  Progress progress;
};

// Shortest block of a sequence a context-parallel rank is given in the search. Splitting shorter sequences
// buys little (their activations are small) and runs the attention kernels at block lengths where their
// published rates fall off (FlashAttention-2/3 benchmarks start at 512 and are far from their peak below 4K).
inline constexpr int kMinCpBlockTokens = 4096;

// Every combination of the option grids for the scenario's cluster size, before validation: dp is the
// GPUs left after tp x cp x pp (combinations where it is not whole are not generated), cp > 1 only when
// 2 x cp divides the first phase's sequence and leaves each rank at least kMinCpBlockTokens (each with the
// ring, and with the a2a exchange where cp divides a TP rank's heads), ep runs over
// the divisors of the routed experts that divide tp x cp x dp (1 for a dense model), interleaving uses v = 2,
// and pp = 1 generates only 1F1B (the other schedules coincide with it there).
std::vector<ParallelPlan> enumerate_plans(const Scenario& s, const PlanSearchOptions& options);

// Whether two plans are the same layout (degrees, ZeRO, micro-batch, schedule, chunks, recompute).
bool same_layout(const ParallelPlan& a, const ParallelPlan& b);

// Runs the search on the scenario's cluster. `calib` must describe the scenario's GPU. Never throws for
// an invalid or non-fitting plan (they are counted); throws a user Error when the scenario has no
// simulated phase or the objective needs a price the scenario and catalog do not give.
PlanResult search_plans(const Scenario& s, const Calibration& calib, const PlanSearchOptions& options = {});

// One line, from the numbers already in the candidates, saying why `c` ranks where it does against `best`.
std::string explain_candidate(const PlanCandidate& c, const PlanCandidate& best);

// Parses "time" | "cost" | "energy"; throws a user Error otherwise.
PlanObjective parse_objective(const std::string& text);

// "5%" or "0.05" -> 0.05: the --min-headroom option. Throws a user Error (key `--min-headroom`) unless the
// fraction is in [0, 1).
double parse_min_headroom(const std::string& text);

}  // namespace moeplan
