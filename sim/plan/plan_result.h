// Result values of the planner: a ranked list of parallel plans (plan search), the best plan per GPU type
// (compare), the cluster sizes tried under a deadline or budget (capacity planning) and the points of a sweep.
// Computed by sim/plan, rendered by reports/plan_report.* (which computes nothing).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/spec/parallel_plan.h"

namespace moeplan {

enum class PlanObjective {
  kTime,    // wall-clock time of the token budget (at a fixed cluster size: step time, GPU-hours)
  kCost,    // dollars: rental (GPU-hours x price) or owned (TCO), as the scenario's price mode says
  kEnergy,  // facility MWh
};

inline const char* to_string(PlanObjective o) {
  switch (o) {
    case PlanObjective::kTime: return "time";
    case PlanObjective::kCost: return "cost";
    case PlanObjective::kEnergy: return "energy";
  }
  return "?";
}

// One plan that passed validation and fits in memory, with what it costs.
struct PlanCandidate {
  ParallelPlan plan;
  std::string summary;              // plan_summary(plan)
  int n_gpus = 0;
  int n_nodes = 0;
  // Memory of the fullest pipeline rank.
  double memory_peak_bytes = 0;
  double memory_capacity_bytes = 0;
  double memory_headroom_fraction = 0;  // 1 - peak / capacity
  std::string memory_dominant;      // largest category on that rank
  // The step on the main phase (seq_len, global batch): "analytic", or "des" after the re-rank.
  std::string step_method;
  double step_time_s = 0;
  double analytic_step_time_s = 0;  // kept when the DES re-ranked the plan, to show the two side by side
  double mfu = 0;                   // against the dense BF16 peak (StepResult::mfu)
  double mfu_gemm_peak = 0;         // against the peak of the GEMM format that runs (StepResult::mfu_gemm_peak)
  double bubble_fraction = 0;
  double exposed_comm_s = 0;
  double tokens_per_s = 0;
  int micro_batches = 0;
  // The whole simulated token budget at the main phase's throughput, plus any given phases, with the expected
  // failure and checkpoint overhead included (cost, energy and the deadline/budget checks use these).
  double gpu_hours = 0;
  double days = 0;
  double gpu_hours_failure_free = 0;  // the same without interruptions or checkpoints
  double days_failure_free = 0;
  double cost_usd = 0;              // rental or owned, per the scenario's price mode
  bool has_price = true;            // false: no price known, cost_usd means "no price" (never cheapest)
  double energy_mwh = 0;
  double objective_value = 0;       // what the ranking sorts by (lower is better)
  int rank = 0;                     // 1-based, after the final ranking
  bool is_scenario_plan = false;    // the layout the scenario file itself specifies
  std::string why;                  // one line: why it wins or loses against the best plan
};

// Reasons plans were skipped, with how many plans each reason removed.
struct SkipReason {
  std::string reason;
  long long count = 0;
};

// The search on one cluster size.
struct PlanResult {
  std::string scenario_name;
  std::string model;
  std::string gpu;
  int n_gpus = 0;
  int n_nodes = 0;
  int seq_len = 0;
  int global_batch = 0;
  PlanObjective objective = PlanObjective::kTime;
  long long enumerated = 0;         // combinations generated
  long long invalid = 0;            // rejected by validate()
  long long not_fitting = 0;        // valid but over HBM, or leaving less than the minimum headroom
  long long implausible = 0;        // step faster than the GPU's GEMM peak allows (a model defect; dropped)
  long long costed = 0;             // timed with the analytic step
  long long des_rechecked = 0;      // re-timed with the discrete-event step
  std::vector<SkipReason> invalid_reasons;  // most frequent first
  // Smallest per-GPU memory any valid plan needs, and the plan that needs it (what "infeasible" quotes).
  double min_memory_bytes = 0;
  std::string min_memory_plan;
  double min_headroom = 0;          // the least free HBM fraction a listed plan leaves (PlanSearchOptions)
  std::vector<PlanCandidate> top;   // best first
  // The scenario's own plan as costed by the search (rank 0 when it was invalid or did not fit).
  bool scenario_plan_found = false;
  PlanCandidate scenario_plan;
  int scenario_plan_analytic_rank = 0;  // its rank by the analytic step alone, before the DES re-rank
  std::string gpu_hours_basis;      // what gpu_hours covers (one line for the reader)
  double search_seconds = 0;        // wall time of the search
  int threads = 1;
  std::vector<std::string> notes;
};

// Capacity planning: one search per cluster size, and the size chosen under the constraints.
struct CapacityOption {
  int n_gpus = 0;
  int n_nodes = 0;
  bool feasible = false;            // some plan fits
  bool meets_constraints = false;   // and its best plan meets the deadline and budget
  std::string verdict;              // why not, or "meets the deadline (41.2 days <= 60 days)"
  PlanCandidate best;               // valid when feasible
};

struct CapacityResult {
  PlanObjective objective = PlanObjective::kTime;
  double deadline_days = 0;         // 0: none
  double budget_usd = 0;            // 0: none
  std::vector<CapacityOption> options;  // in increasing size
  int chosen = -1;                  // index into options; -1 when no size meets the constraints
  PlanResult chosen_search;         // the full search at the chosen size (empty top when none)
};

// Compare: the best feasible plan of the same training on each GPU type.
struct CompareEntry {
  std::string gpu;
  std::string display_name;
  std::string scale_up;             // fabric names used for this GPU class
  std::string scale_out;
  int nics_per_node = 0;
  int scale_up_gpus = 0;     // GPUs per block on one scale-up fabric (the node, or e.g. 64 of an NVL72 rack)
  bool p2p = true;
  bool feasible = false;
  std::string infeasible_reason;    // set when !feasible
  int n_gpus = 0;
  int n_nodes = 0;
  PlanCandidate best;               // valid when feasible
  double usd_per_gpu_hour = 0;      // 0: no price
  std::string price_date;           // date of the rental quote ("" = undated)
  bool price_stale = false;         // quote older than kStalePriceMonths at the comparison's date
};

struct CompareResult {
  std::string scenario_name;
  std::string model;
  double tokens = 0;                // simulated token budget, the same for every GPU
  PlanObjective objective = PlanObjective::kTime;
  std::vector<CompareEntry> entries;  // in the order asked for
  std::vector<std::string> notes;
};

// Sweep: one row per point.
struct SweepPointResult {
  std::size_t index = 0;
  std::uint64_t point_id = 0;
  std::vector<std::pair<std::string, std::string>> overrides;  // axis key -> value, in axis order
  bool ok = true;
  // "ok"; "does_not_fit" (simulated, but the plan needs more memory than the GPU has: its figures are not a
  // runnable plan's); "error" (the point failed, see message); "missing" (not computed yet).
  std::string status = "ok";
  std::string message;              // error text of a failed point
  bool computed_now = false;        // false: read back from the results store
  std::string plan;
  double step_time_s = 0;
  double mfu = 0;
  double gpu_hours = 0;
  double cost_usd = 0;
  double days = 0;
  bool memory_fits = false;
};

struct SweepResult {
  std::string scenario_name;
  std::string db_path;
  std::uint64_t sweep_id = 0;
  std::vector<std::string> axis_keys;
  std::vector<SweepPointResult> points;  // in expansion order
  std::size_t computed_now = 0;     // points this run computed (the rest were already stored)
  std::size_t recomputed_other_inputs = 0;  // of those, rows stored with another inputs identity
  std::size_t retried_failed = 0;           // of those, rows stored as failed and tried again
  std::size_t failed = 0;
  int rank = 0, n_ranks = 1;        // MPI rank/size that produced this result
  double seconds = 0;
};

}  // namespace moeplan
