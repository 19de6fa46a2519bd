// Balancing work over members of different speeds (mixed GPU types in one job), in closed form.
//
// A synchronous step is paced by its slowest member: the slowest pipeline stage sets the pipeline's pace and
// the slowest data-parallel replica sets when the gradient reduction can start. Given each member's measured
// time per unit of work (a transformer layer on that stage's GPU, a micro-batch through that replica) and a
// fixed part (the embedding or head a stage holds, a replica's pipeline fill and drain), these functions give
// integer unit counts that minimise the largest member time, and report who is slowest and how long the
// others wait. Heterogeneous planners size work by measured speed the same way (HetPipe, arXiv:2005.14038;
// Cephalo, arXiv:2411.01075; Sailor, arXiv:2504.17096); the global count is always kept.
#pragma once

#include <vector>

namespace moeplan {

struct BalancedSplit {
  std::vector<int> counts;       // units given to each member
  std::vector<double> time_s;    // each member's time: its fixed part plus its units
  int slowest = -1;              // the member whose time is largest (the lowest index among equals)
  double max_time_s = 0;         // that time: what the step waits for
  std::vector<double> idle_s;    // max_time_s - time_s: how long each member waits for the slowest
  double idle_fraction() const;  // sum of idle_s / (members x max_time_s): capacity left unused
};

// Units (micro-batches per data-parallel replica, or layers when every layer costs the same) over members
// whose time is fixed_s[i] + counts[i] x per_unit_s[i]: minimises the largest member time with
// sum(counts) = total and counts[i] >= min_each. Exact: units go one at a time to the member that would finish
// it soonest (optimal for unit jobs on machines of different speeds). per_unit_s must be > 0; fixed_s may be
// empty (all zero). Throws a user Error when total < members x min_each.
BalancedSplit balance_counts(const std::vector<double>& per_unit_s, const std::vector<double>& fixed_s, int total,
                             int min_each = 1);

// Counts given by the user (or by anyone), evaluated the same way: times, slowest member, idle.
BalancedSplit evaluate_counts(const std::vector<double>& per_unit_s, const std::vector<double>& fixed_s,
                              const std::vector<int>& counts);

// Contiguous layer ranges of pipeline stages: layer_s[stage][layer] is the time of that layer on that stage's
// GPU (layers may differ: dense and MoE layers), fixed_s[stage] what the stage does besides its layers. The
// model's layers are cut in order into as many ranges as there are stages, each of at least min_layers,
// minimising the largest stage time (exact, by dynamic programming over the cut points) and, among such cuts,
// the sum of stage times (a pipeline's fill and drain pass through every stage once). Ties left after that go
// to the cut that starts each later stage earliest. counts[stage] is the number of layers of stage `stage`.
BalancedSplit balance_stage_layers(const std::vector<std::vector<double>>& layer_s, const std::vector<double>& fixed_s,
                                   int min_layers = 1);

}  // namespace moeplan
