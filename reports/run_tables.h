// The report sections of a RunResult, as a summary paragraph and Tables.
//
// Text, Markdown and HTML reports all render these, so the three always agree. Nothing here computes a
// simulation quantity: values come from the RunResult and are only selected, scaled to display units and
// formatted.
#pragma once

#include <string>
#include <vector>

#include "reports/table.h"
#include "sim/train/run_result.h"

namespace moeplan::reports {

// Index in result.memory of the stage with the largest total (the peak stage); -1 when there is none.
int peak_stage_index(const RunResult& result);

// One paragraph a manager can read: model, cluster, plan, GPU-hours, days, dollars, memory verdict, step,
// MFU, failures.
// "DOES NOT FIT: stage 0 needs 119 GiB of 80.0 GiB per GPU (...)" when the plan does not fit, else "". Reports put
// it first, ahead of any figure, so a non-fitting plan (simulated with --allow-oom) is never read as a plan.
std::string does_not_fit_line(const RunResult& r);

std::string summary_paragraph(const RunResult& result);

Table model_table(const RunResult& result);
Table memory_table(const RunResult& result);     // one row per stage, GiB, peak flagged
Table step_table(const RunResult& result);       // key/value: time, MFU, tokens/s, bubble, method
Table stage_time_table(const RunResult& result); // per stage busy/idle/exposed comm (may be empty)
// One table per layer kind shown (dense, MoE): each op's F, B, W and communication time per micro-batch, its
// achieved forward TFLOPS and its share of the layer's compute, with a total row.
std::vector<Table> layer_op_tables(const RunResult& result);
Table phases_table(const RunResult& result);
Table cost_table(const RunResult& result);
Table goodput_table(const RunResult& result);    // empty when goodput is disabled
Table notes_table(const RunResult& result);      // empty when there are no notes
Table inputs_table(const RunResult& result);

// All sections above in report order, empty ones left out.
std::vector<Table> run_tables(const RunResult& result);

// results.csv: one row per phase and a final "total" row, machine values in base units.
Table results_csv_table(const RunResult& result);

}  // namespace moeplan::reports
