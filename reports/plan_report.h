// Renderers of the planner's result values (sim/plan/plan_result.h): plan rankings, capacity planning, GPU
// comparisons and sweep tables, as text, JSON, Markdown and CSV. They format; they compute nothing.
#pragma once

#include <string>

#include "reports/table.h"
#include "sim/plan/plan_result.h"

namespace moeplan::reports {

// The ranking as a Table (one row per plan, with its one-line "why").
Table plan_table(const PlanResult& r);
std::string render_plan_text(const PlanResult& r, int table_width = kTextWidth);
std::string render_plan_markdown(const PlanResult& r);
std::string render_plan_csv(const PlanResult& r);
std::string render_plan_json(const PlanResult& r);

Table capacity_table(const CapacityResult& r);
std::string render_capacity_text(const CapacityResult& r, int table_width = kTextWidth);
std::string render_capacity_markdown(const CapacityResult& r);
std::string render_capacity_json(const CapacityResult& r);

// One row per GPU: GPUs, nodes, plan, step time, MFU, days, GPU-hours, $, MWh, or why it is infeasible.
Table compare_table(const CompareResult& r);
std::string render_compare_text(const CompareResult& r, int table_width = kTextWidth);
std::string render_compare_markdown(const CompareResult& r);
std::string render_compare_csv(const CompareResult& r);
// {"scenario", "model", "tokens", "objective", "gpus": [{"gpu", "feasible", "gpu_hours", "cost_usd", "days",
//  "plan", ...} or {"gpu", "feasible": false, "infeasible_reason"}], "notes"}
std::string render_compare_json(const CompareResult& r);

Table sweep_table(const SweepResult& r);
std::string render_sweep_text(const SweepResult& r, int table_width = kTextWidth);
std::string render_sweep_markdown(const SweepResult& r);
std::string render_sweep_csv(const SweepResult& r);
std::string render_sweep_json(const SweepResult& r);

}  // namespace moeplan::reports
