// Planner renderers (see plan_report.h).
#include "reports/plan_report.h"

#include <nlohmann/json.hpp>

#include "reports/format.h"

namespace moeplan::reports {
namespace {

using J = nlohmann::ordered_json;

Cell num(double v, std::string text) { return Cell::of_number(v, std::move(text)); }
Cell txt(std::string s) { return Cell::of_text(std::move(s)); }
// A plan with no price shows "no price", never $0.00 (which would read as free, and sort as cheapest).
Cell cost_cell(const PlanCandidate& c) { return c.has_price ? num(c.cost_usd, usd(c.cost_usd)) : txt("no price"); }

J plan_json(const ParallelPlan& p) {
  return J{{"tp", p.tp},
           {"cp", p.cp},
           {"cp_comm", to_string(p.cp_comm)},
           {"pp", p.pp},
           {"dp", p.dp},
           {"ep", p.ep},
           {"zero_stage", p.zero_stage},
           {"micro_batch", p.micro_batch},
           {"schedule", to_string(p.schedule)},
           {"virtual_stages", p.virtual_stages},
           {"recompute", to_string(p.recompute)},
           {"sequence_parallel", p.sequence_parallel},
           {"comm_sms", p.comm_sms}};
}

J candidate_json(const PlanCandidate& c) {
  return J{{"rank", c.rank},
           {"summary", c.summary},
           {"plan", plan_json(c.plan)},
           {"n_gpus", c.n_gpus},
           {"n_nodes", c.n_nodes},
           {"is_scenario_plan", c.is_scenario_plan},
           {"memory_peak_bytes", c.memory_peak_bytes},
           {"memory_capacity_bytes", c.memory_capacity_bytes},
           {"memory_headroom_fraction", c.memory_headroom_fraction},
           {"memory_dominant", c.memory_dominant},
           {"step_method", c.step_method},
           {"step_time_s", c.step_time_s},
           {"analytic_step_time_s", c.analytic_step_time_s},
           {"mfu", c.mfu},
           {"mfu_gemm_peak", c.mfu_gemm_peak},
           {"bubble_fraction", c.bubble_fraction},
           {"exposed_comm_s", c.exposed_comm_s},
           {"tokens_per_s", c.tokens_per_s},
           {"micro_batches", c.micro_batches},
           {"gpu_hours", c.gpu_hours},
           {"days", c.days},
           {"gpu_hours_failure_free", c.gpu_hours_failure_free},
           {"days_failure_free", c.days_failure_free},
           {"has_price", c.has_price},
           {"cost_usd", c.has_price ? J(c.cost_usd) : J(nullptr)},
           {"energy_mwh", c.energy_mwh},
           {"objective_value", c.objective_value},
           {"why", c.why}};
}

std::string notes_text(const std::vector<std::string>& notes, const std::string& bullet) {
  std::string s;
  for (const std::string& n : notes) s += bullet + n + "\n";
  return s;
}

std::string plan_header(const PlanResult& r) {
  return r.model + " on " + std::to_string(r.n_gpus) + " x " + r.gpu + " (" + std::to_string(r.n_nodes) +
         " nodes), seq " + std::to_string(r.seq_len) + ", batch " + std::to_string(r.global_batch) +
         ", objective " + to_string(r.objective) + "\n" + std::to_string(r.enumerated) + " plans: " +
         std::to_string(r.invalid) + " invalid, " + std::to_string(r.not_fitting) + " over HBM, " +
         std::to_string(r.implausible) + " implausible, " + std::to_string(r.costed) + " costed (analytic), " +
         std::to_string(r.des_rechecked) + " re-timed (DES); " + fixed(r.search_seconds, 2) + " s on " +
         std::to_string(r.threads) + " threads\n";
}

std::string skipped_text(const PlanResult& r, const std::string& bullet) {
  std::string s;
  for (const SkipReason& k : r.invalid_reasons) s += bullet + std::to_string(k.count) + " x " + k.reason + "\n";
  return s;
}

std::string scenario_plan_line(const PlanResult& r) {
  if (!r.scenario_plan_found) return "The scenario's own plan is invalid or does not fit on this cluster.\n";
  return "The scenario's own plan (" + r.scenario_plan.summary + ") ranks #" + std::to_string(r.scenario_plan.rank) +
         " (#" + std::to_string(r.scenario_plan_analytic_rank) + " by the analytic step alone): " +
         r.scenario_plan.why + "\n";
}

J search_json(const PlanResult& r) {
  J reasons = J::array();
  for (const SkipReason& k : r.invalid_reasons) reasons.push_back(J{{"reason", k.reason}, {"count", k.count}});
  J top = J::array();
  for (const PlanCandidate& c : r.top) top.push_back(candidate_json(c));
  return J{{"scenario", r.scenario_name},
           {"model", r.model},
           {"gpu", r.gpu},
           {"n_gpus", r.n_gpus},
           {"n_nodes", r.n_nodes},
           {"seq_len", r.seq_len},
           {"global_batch", r.global_batch},
           {"objective", to_string(r.objective)},
           {"enumerated", r.enumerated},
           {"invalid", r.invalid},
           {"not_fitting", r.not_fitting},
           {"implausible", r.implausible},
           {"costed", r.costed},
           {"des_rechecked", r.des_rechecked},
           {"invalid_reasons", reasons},
           {"min_memory_bytes", r.min_memory_bytes},
           {"min_memory_plan", r.min_memory_plan},
           {"top", top},
           {"scenario_plan", r.scenario_plan_found ? candidate_json(r.scenario_plan) : J(nullptr)},
           {"scenario_plan_analytic_rank", r.scenario_plan_analytic_rank},
           {"gpu_hours_basis", r.gpu_hours_basis},
           {"search_seconds", r.search_seconds},
           {"threads", r.threads},
           {"notes", r.notes}};
}

}  // namespace

// ---- plan search ----

Table plan_table(const PlanResult& r) {
  Table t("plans", "Best plans",
          // The figures a plan is chosen by first (what it costs and how long it takes), then why.
          {{"rank", "#", "", Align::kRight},
           {"plan", "plan", ""},
           {"gpu_hours", "GPU-hours", "", Align::kRight},
           {"days", "days", "", Align::kRight},
           {"cost_usd", "cost", "", Align::kRight},
           {"step_time_s", "step", "s", Align::kRight},
           {"mfu", "MFU (BF16 peak)", "%", Align::kRight},
           {"memory_peak_bytes", "memory", "GiB", Align::kRight},
           {"memory_headroom_fraction", "headroom", "%", Align::kRight},
           {"bubble_fraction", "bubble", "%", Align::kRight},
           {"exposed_comm_s", "exp. comm", "s", Align::kRight},
           {"energy_mwh", "energy", "MWh", Align::kRight},
           {"step_method", "timed", ""},
           {"why", "why", ""}});
  for (const PlanCandidate& c : r.top)
    t.add_row({num(c.rank, std::to_string(c.rank) + (c.is_scenario_plan ? "*" : "")), txt(c.summary),
               num(c.gpu_hours, count(c.gpu_hours)), num(c.days, fixed(c.days, 1)), cost_cell(c),
               num(c.step_time_s, fixed(c.step_time_s, 2)), num(c.mfu, fixed(100 * c.mfu, 1)),
               num(c.memory_peak_bytes, gib(c.memory_peak_bytes)),
               num(c.memory_headroom_fraction, fixed(100 * c.memory_headroom_fraction, 1)),
               num(c.bubble_fraction, fixed(100 * c.bubble_fraction, 1)),
               num(c.exposed_comm_s, fixed(c.exposed_comm_s, 2)), num(c.energy_mwh, sig3(c.energy_mwh)),
               txt(c.step_method), txt(c.why)});
  return t;
}

std::string render_plan_text(const PlanResult& r, int table_width) {
  // Fitted output moves the `why` sentences under the table, one line per rank, so the figures keep one line
  // per plan; --wide keeps them in the table.
  const Table table = plan_table(r);
  std::string s = fit_lines(plan_header(r), table_width) + "\n";
  if (table_width > 0 && !r.top.empty()) {
    s += render_table_text(without_column(table, "why"), table_width);
    s += "(* = the scenario's own plan)\nWhy each plan ranks where it does:\n";
    for (const PlanCandidate& c : r.top)
      s += fit_lines(std::to_string(c.rank) + (c.is_scenario_plan ? "*" : "") + "  " + c.why + "\n", table_width, 5);
  } else {
    s += render_table_text(table, table_width) + "(* = the scenario's own plan)\n";
  }
  std::string rest = scenario_plan_line(r);
  if (r.top.empty() && r.min_memory_bytes > 0)
    rest += "No plan fits: the least memory any valid plan needs is " + bytes(r.min_memory_bytes) + " per GPU (" +
            r.min_memory_plan + ").\n";
  rest += r.gpu_hours_basis + "\nSkipped as invalid:\n" + skipped_text(r, "  ") + notes_text(r.notes, "note: ");
  return s + fit_lines(rest, table_width);
}

std::string render_plan_markdown(const PlanResult& r) {
  std::string s = "## Plan search: " + r.scenario_name + "\n\n" + plan_header(r) + "\n" +
                  render_table_markdown(plan_table(r)) + "\n" + scenario_plan_line(r) + "\n" + r.gpu_hours_basis +
                  "\n\nSkipped as invalid:\n\n" + skipped_text(r, "- ");
  if (!r.notes.empty()) s += "\n" + notes_text(r.notes, "- ");
  return s;
}

std::string render_plan_csv(const PlanResult& r) { return render_table_csv(plan_table(r)); }

std::string render_plan_json(const PlanResult& r) { return search_json(r).dump(2) + "\n"; }

// ---- capacity ----

Table capacity_table(const CapacityResult& r) {
  Table t("capacity", "Cluster sizes",
          {{"n_gpus", "GPUs", "", Align::kRight},
           {"n_nodes", "nodes", "", Align::kRight},
           {"plan", "best plan", ""},
           {"days", "days", "", Align::kRight},
           {"gpu_hours", "GPU-hours", "", Align::kRight},
           {"cost_usd", "cost", "", Align::kRight},
           {"energy_mwh", "energy", "MWh", Align::kRight},
           {"verdict", "verdict", ""}});
  for (size_t i = 0; i < r.options.size(); ++i) {
    const CapacityOption& o = r.options[i];
    const std::string mark = static_cast<int>(i) == r.chosen ? " <- chosen" : "";
    if (!o.feasible) {
      t.add_row({num(o.n_gpus, std::to_string(o.n_gpus)), num(o.n_nodes, std::to_string(o.n_nodes)), txt("-"),
                 txt("-"), txt("-"), txt("-"), txt("-"), txt("infeasible: " + o.verdict)});
      continue;
    }
    t.add_row({num(o.n_gpus, std::to_string(o.n_gpus)), num(o.n_nodes, std::to_string(o.n_nodes)),
               txt(o.best.summary), num(o.best.days, fixed(o.best.days, 1)), num(o.best.gpu_hours, count(o.best.gpu_hours)),
               cost_cell(o.best), num(o.best.energy_mwh, sig3(o.best.energy_mwh)),
               txt(o.verdict + mark)});
  }
  return t;
}

std::string render_capacity_text(const CapacityResult& r, int table_width) {
  std::string s = "Capacity planning, objective " + std::string(to_string(r.objective));
  if (r.deadline_days > 0) s += ", deadline " + fixed(r.deadline_days, 1) + " days";
  if (r.budget_usd > 0) s += ", budget " + usd(r.budget_usd);
  s += "\n\n" + render_table_text(capacity_table(r), table_width) + "\n";
  if (r.chosen < 0) return s + "No cluster size meets the constraints.\n";
  return s + "Chosen: " + std::to_string(r.options[r.chosen].n_gpus) + " GPUs. Search at that size:\n\n" +
         render_plan_text(r.chosen_search, table_width);
}

std::string render_capacity_markdown(const CapacityResult& r) {
  std::string s = "## Capacity planning (objective " + std::string(to_string(r.objective)) + ")\n\n" +
                  render_table_markdown(capacity_table(r)) + "\n";
  if (r.chosen < 0) return s + "No cluster size meets the constraints.\n";
  return s + render_plan_markdown(r.chosen_search);
}

std::string render_capacity_json(const CapacityResult& r) {
  J options = J::array();
  for (const CapacityOption& o : r.options)
    options.push_back(J{{"n_gpus", o.n_gpus},
                        {"n_nodes", o.n_nodes},
                        {"feasible", o.feasible},
                        {"meets_constraints", o.meets_constraints},
                        {"verdict", o.verdict},
                        {"best", o.feasible ? candidate_json(o.best) : J(nullptr)}});
  J j{{"objective", to_string(r.objective)},
      {"deadline_days", r.deadline_days},
      {"budget_usd", r.budget_usd},
      {"options", options},
      {"chosen_n_gpus", r.chosen >= 0 ? J(r.options[r.chosen].n_gpus) : J(nullptr)},
      {"search", r.chosen >= 0 ? search_json(r.chosen_search) : J(nullptr)}};
  return j.dump(2) + "\n";
}

// ---- compare ----

Table compare_table(const CompareResult& r) {
  Table t("compare", "Best plan per GPU",
          // The figures a GPU is chosen by first (time, GPU-hours, dollars), then how it gets there.
          {{"gpu", "GPU", ""},
           {"n_gpus", "GPUs", "", Align::kRight},
           {"n_nodes", "nodes", "", Align::kRight},
           {"days", "days", "", Align::kRight},
           {"gpu_hours", "GPU-hours", "", Align::kRight},
           {"cost_usd", "cost", "", Align::kRight},
           {"price", "rental price", "", Align::kRight},
           {"step_time_s", "step", "s", Align::kRight},
           {"mfu", "MFU (BF16 peak)", "%", Align::kRight},
           {"mfu_gemm_peak", "MFU (GEMM-format peak)", "%", Align::kRight},
           {"energy_mwh", "energy", "MWh", Align::kRight},
           {"plan", "plan", ""},
           {"links", "scale-up / scale-out", ""}});
  for (const CompareEntry& e : r.entries) {
    // The quote with its date; one older than a year is flagged.
    const Cell price = e.usd_per_gpu_hour > 0
                           ? num(e.usd_per_gpu_hour, usd_per_gpu_hour(e.usd_per_gpu_hour) +
                                                         (e.price_date.empty() ? "" : " (" + e.price_date + ")") +
                                                         (e.price_stale ? " STALE" : ""))
                           : txt("no price");
    const std::string domain = e.scale_up_gpus > 0 && e.n_nodes > 0 && e.scale_up_gpus > e.n_gpus / e.n_nodes
                                   ? " (" + std::to_string(e.scale_up_gpus) + "-GPU domain)" : "";
    const std::string links = e.scale_up + domain + " / " + std::to_string(e.nics_per_node) + "x " + e.scale_out +
                              (e.p2p ? "" : ", no P2P");
    if (!e.feasible) {
      t.add_row({txt(e.gpu), num(e.n_gpus, std::to_string(e.n_gpus)), num(e.n_nodes, std::to_string(e.n_nodes)),
                 txt("-"), txt("-"), txt("-"), price, txt("-"), txt("-"), txt("-"), txt("-"),
                 txt("infeasible: " + e.infeasible_reason), txt(links)});
      continue;
    }
    const PlanCandidate& c = e.best;
    t.add_row({txt(e.gpu), num(e.n_gpus, std::to_string(e.n_gpus)), num(e.n_nodes, std::to_string(e.n_nodes)),
               num(c.days, fixed(c.days, 1)), num(c.gpu_hours, count(c.gpu_hours)), cost_cell(c), price,
               num(c.step_time_s, fixed(c.step_time_s, 2)), num(c.mfu, fixed(100 * c.mfu, 1)),
               num(c.mfu_gemm_peak, fixed(100 * c.mfu_gemm_peak, 1)), num(c.energy_mwh, sig3(c.energy_mwh)),
               txt(c.summary), txt(links)});
  }
  return t;
}

std::string render_compare_text(const CompareResult& r, int table_width) {
  std::string s = r.model + ", " + count(r.tokens) + " simulated tokens, objective " + to_string(r.objective) + "\n\n";
  if (table_width <= 0) return s + render_table_text(compare_table(r), table_width) + notes_text(r.notes, "note: ");
  // Fitted: the links and the GEMM-format MFU move under the table, one line per GPU.
  s += render_table_text(without_column(without_column(compare_table(r), "links"), "mfu_gemm_peak"), table_width);
  std::string per_gpu;
  for (const CompareEntry& e : r.entries) {
    per_gpu += e.gpu + ": " + e.scale_up + " / " + std::to_string(e.nics_per_node) + "x " + e.scale_out +
               (e.p2p ? "" : ", no P2P");
    if (e.feasible) per_gpu += "; MFU at the GEMM format's peak " + fixed(100 * e.best.mfu_gemm_peak, 1) + "%";
    per_gpu += "\n";
  }
  return s + fit_lines(per_gpu + notes_text(r.notes, "note: "), table_width);
}

std::string render_compare_markdown(const CompareResult& r) {
  return "## GPU comparison: " + r.scenario_name + "\n\n" + render_table_markdown(compare_table(r)) + "\n" +
         notes_text(r.notes, "- ");
}

std::string render_compare_csv(const CompareResult& r) { return render_table_csv(compare_table(r)); }

std::string render_compare_json(const CompareResult& r) {
  J gpus = J::array();
  for (const CompareEntry& e : r.entries) {
    J g{{"gpu", e.gpu},
        {"display_name", e.display_name},
        {"scale_up", e.scale_up},
        {"scale_out", e.scale_out},
        {"nics_per_node", e.nics_per_node},
        {"scale_up_gpus", e.scale_up_gpus},
        {"p2p", e.p2p},
        {"n_gpus", e.n_gpus},
        {"n_nodes", e.n_nodes},
        {"usd_per_gpu_hour", e.usd_per_gpu_hour > 0 ? J(e.usd_per_gpu_hour) : J(nullptr)},
        {"price_date", e.price_date},
        {"price_stale", e.price_stale},
        {"feasible", e.feasible}};
    if (e.feasible) {
      g["plan"] = e.best.summary;
      g["plan_detail"] = candidate_json(e.best);
      g["step_time_s"] = e.best.step_time_s;
      g["mfu"] = e.best.mfu;
      g["mfu_gemm_peak"] = e.best.mfu_gemm_peak;
      g["days"] = e.best.days;
      g["gpu_hours"] = e.best.gpu_hours;
      g["cost_usd"] = e.best.has_price ? J(e.best.cost_usd) : J(nullptr);
      g["energy_mwh"] = e.best.energy_mwh;
    } else {
      g["infeasible_reason"] = e.infeasible_reason;
    }
    gpus.push_back(g);
  }
  J j{{"scenario", r.scenario_name}, {"model", r.model},   {"tokens", r.tokens},
      {"objective", to_string(r.objective)}, {"gpus", gpus}, {"notes", r.notes}};
  return j.dump(2) + "\n";
}

// ---- sweeps ----

Table sweep_table(const SweepResult& r) {
  std::vector<Column> cols{{"index", "#", "", Align::kRight}};
  for (const std::string& k : r.axis_keys) cols.push_back({k, k, ""});
  for (const Column& c : std::vector<Column>{{"status", "status", ""},
                                             {"plan", "plan", ""},
                                             {"step_time_s", "step", "s", Align::kRight},
                                             {"mfu", "MFU", "%", Align::kRight},
                                             {"memory_fits", "fits", ""},
                                             {"gpu_hours", "GPU-hours", "", Align::kRight},
                                             {"days", "days", "", Align::kRight},
                                             {"cost_usd", "cost", "", Align::kRight},
                                             {"message", "message", ""}})
    cols.push_back(c);
  Table t("sweep", "Sweep points", cols);
  for (const SweepPointResult& p : r.points) {
    std::vector<Cell> row{num(static_cast<double>(p.index), std::to_string(p.index))};
    for (const auto& kv : p.overrides) row.push_back(txt(kv.second));
    row.push_back(txt(p.status));
    if (p.ok) {
      // A plan that does not fit cannot be bought: its time is shown, its price is not.
      const bool fits = p.memory_fits;
      row.insert(row.end(), {txt(p.plan), num(p.step_time_s, fixed(p.step_time_s, 3)), num(p.mfu, fixed(100 * p.mfu, 1)),
                             txt(yes_no(p.memory_fits)), num(p.gpu_hours, count(p.gpu_hours)),
                             num(p.days, fixed(p.days, 1)), !fits ? txt("-") : p.cost_usd > 0 ? num(p.cost_usd, usd(p.cost_usd)) : txt("no price"),
                             txt(fits ? "" : "does not fit in GPU memory")});
    } else {
      row.insert(row.end(), {txt("-"), txt("-"), txt("-"), txt("-"), txt("-"), txt("-"), txt("-"), txt(p.message)});
    }
    t.add_row(row);
  }
  return t;
}

std::string render_sweep_text(const SweepResult& r, int table_width) {
  std::string s = "Sweep " + r.scenario_name + ": " + std::to_string(r.points.size()) + " points, " +
                  std::to_string(r.computed_now) + " computed now, " + std::to_string(r.failed) + " errors; results in " +
                  r.db_path + "\n\n";
  return s + render_table_text(sweep_table(r), table_width);
}

std::string render_sweep_markdown(const SweepResult& r) {
  return "## Sweep: " + r.scenario_name + "\n\n" + render_table_markdown(sweep_table(r));
}

std::string render_sweep_csv(const SweepResult& r) { return render_table_csv(sweep_table(r)); }

std::string render_sweep_json(const SweepResult& r) {
  J points = J::array();
  for (const SweepPointResult& p : r.points) {
    J ov = J::object();
    for (const auto& kv : p.overrides) ov[kv.first] = kv.second;
    J row{{"index", p.index}, {"point_id", p.point_id}, {"overrides", ov}, {"ok", p.ok}, {"status", p.status},
          {"computed_now", p.computed_now}};
    if (p.ok) {
      row["plan"] = p.plan;
      row["step_time_s"] = p.step_time_s;
      row["mfu"] = p.mfu;
      row["memory_fits"] = p.memory_fits;
      row["gpu_hours"] = p.gpu_hours;
      row["days"] = p.days;
      row["cost_usd"] = p.cost_usd;
    } else {
      row["message"] = p.message;
    }
    points.push_back(row);
  }
  J j{{"scenario", r.scenario_name}, {"db", r.db_path},         {"sweep_id", r.sweep_id},
      {"axes", r.axis_keys},         {"computed_now", r.computed_now}, {"failed", r.failed},
      {"seconds", r.seconds},        {"points", points}};
  return j.dump(2) + "\n";
}

}  // namespace moeplan::reports
