// Report sections of a RunResult: the summary paragraph and one Table per section.
#include "reports/run_tables.h"
#include "reports/scale_out_tables.h"

#include <fmt/format.h>

#include "reports/band_tables.h"
#include "reports/churn_table.h"
#include "reports/format.h"
#include "reports/mixed_report.h"
#include "sim/units/units.h"

namespace moeplan::reports {
namespace {

// A two-column "quantity / value" table; the raw value rides along for machine renderers.
class KeyValue {
 public:
  KeyValue(std::string id, std::string title)
      : table_(std::move(id), std::move(title),
               {{"quantity", "quantity", "", Align::kLeft}, {"value", "value", "", Align::kLeft}}) {}
  void text(std::string name, std::string value) {
    table_.add_row({Cell::of_text(std::move(name)), Cell::of_text(std::move(value))});
  }
  void number(std::string name, double raw, std::string shown) {
    table_.add_row({Cell::of_text(std::move(name)), Cell::of_number(raw, std::move(shown))});
  }
  Table take() { return std::move(table_); }

 private:
  Table table_;
};

Cell num(double raw, std::string shown) { return Cell::of_number(raw, std::move(shown)); }
Cell gib_cell(double bytes_value) { return num(bytes_value, gib(bytes_value)); }

std::string flops(double f) { return sig3(f / units::kGiga) + " GFLOP"; }

}  // namespace

int peak_stage_index(const RunResult& result) {
  int best = -1;
  for (std::size_t i = 0; i < result.memory.size(); ++i)
    if (best < 0 || result.memory[i].total() > result.memory[static_cast<std::size_t>(best)].total())
      best = static_cast<int>(i);
  return best;
}

std::string does_not_fit_line(const RunResult& r) {
  if (r.memory_fits || r.memory.empty()) return "";
  return "DOES NOT FIT: " + (r.does_not_fit.empty() ? std::string("the plan needs more memory than the GPU has")
                                                     : r.does_not_fit) +
         ". The figures below are what the run would take if it fitted.";
}

std::string summary_paragraph(const RunResult& r) {
  const auto& in = r.inputs;
  std::string s = fmt::format("{} on {} {}", r.model.name.empty() ? in.scenario_name : r.model.name,
                              in.n_gpus, in.gpu);
  if (!in.plan_summary.empty()) s += " (" + in.plan_summary + ")";
  const bool rented = r.cost.usd_per_gpu_hour > 0;  // owned-mode scenarios may have no rental price at all
  const auto& c = r.cost;
  const bool priced = c.has_price || rented;
  if (!priced)
    s += fmt::format(": {}, {}, no price ({} has no rental quote; set price.usd_per_gpu_hour)", gpu_hours(c.gpu_hours),
                     days(c.wall_clock_days), in.gpu);
  else if (rented)
    s += fmt::format(": {}, {}, {} at {}", gpu_hours(c.gpu_hours), days(c.wall_clock_days), usd(c.rental_usd),
                     usd_per_gpu_hour(c.usd_per_gpu_hour));
  else
    s += fmt::format(": {}, {}, {} to own (capex share and power; no rental price)", gpu_hours(c.gpu_hours),
                     days(c.wall_clock_days), usd(c.owned_usd));
  // With churn the totals are on spot or volunteer capacity; the run without churn is named beside them.
  if (c.churn_included)
    s += fmt::format(" with {} ({}x GPU-hours, {}x days; without churn: {}, {}{})",
                     r.churn.kind == "spot" ? "spot preemptions" : "volunteer churn", sig3(r.churn.gpu_hours_factor),
                     sig3(r.churn.time_factor), gpu_hours(c.churn_free_gpu_hours), days(c.churn_free_wall_clock_days),
                     rented ? ", " + usd(c.churn_free_rental_usd) + " on-demand" : std::string());
  // The totals include the expected failure overhead; the failure-free run is named beside them.
  const double failure_rental_usd = c.churn_included ? c.churn_free_rental_usd : c.rental_usd;
  if (c.failures_included && priced)
    s += fmt::format(" including the expected failure and checkpoint overhead ({}, {}); failure-free: {}, {}, {}",
                     gpu_hours(r.goodput.extra_gpu_hours), usd(rented ? failure_rental_usd - c.failure_free_rental_usd
                                                                      : c.owned_usd - c.failure_free_owned_usd),
                     gpu_hours(c.failure_free_gpu_hours), days(c.failure_free_wall_clock_days),
                     usd(rented ? c.failure_free_rental_usd : c.failure_free_owned_usd));
  else if (c.failures_included)
    s += fmt::format(" including the expected failure and checkpoint overhead ({}); failure-free: {}, {}",
                     gpu_hours(r.goodput.extra_gpu_hours), gpu_hours(c.failure_free_gpu_hours),
                     days(c.failure_free_wall_clock_days));
  else
    s += " (failure model off: no failure overhead)";
  s += "; ";
  int peak = peak_stage_index(r);
  if (peak < 0) {
    s += "memory was not computed. ";
  } else {
    const auto& m = r.memory[static_cast<std::size_t>(peak)];
    s += fmt::format("{} in memory ({} / {} on stage {}, mostly {}). ",
                     r.memory_fits ? "fits" : "DOES NOT FIT", bytes(r.memory_peak_bytes), bytes(m.capacity),
                     m.stage, m.dominant());
  }
  s += fmt::format("One step{} takes {} ({}), MFU {} ({} attention FLOPs{}, dense BF16 peak{}), {} tokens/s, "
                   "pipeline bubble {}",
                   r.step.phase.empty() ? "" : " of phase `" + r.step.phase + "`", duration(r.step.time_s),
                   r.step.method, percent(r.step.mfu), r.step.mfu_convention,
                   r.model.params_mtp > 0 ? " incl. MTP modules" : "",
                   r.step.gemm_peak_format == "fp8" ? "; " + percent(r.step.mfu_gemm_peak) + " of the FP8 peak its GEMMs run at"
                                                    : std::string(),
                   count(r.step.tokens_per_s), percent(r.step.bubble_fraction));
  s += r.step.exposed_comm_s > 0 ? fmt::format(", {} of exposed communication. ", duration(r.step.exposed_comm_s))
                                 : ". ";
  if (r.goodput.enabled)
    s += fmt::format("With {} expected interruptions, goodput is {}. ",
                     sig3(r.goodput.expected_interruptions), percent(r.goodput.effective_time_fraction));
  s += churn_sentence(r);
  if (r.cost.owned_usd > 0 && rented)
    s += fmt::format("Owning the GPUs instead would cost {}. ", usd(r.cost.owned_usd));
  s += fmt::format("Facility energy: {} MWh. ", sig3(r.cost.energy_mwh));  // needs no price
  if (c.price_stale)
    s += fmt::format("The rental price is a quote from {}, {} months old (STALE: older than {} months): check a "
                     "current price. ", c.price_date, c.price_age_months, kStalePriceMonths);
  if (!c.price_note.empty()) s += "Price: " + c.price_note + ". ";
  if (const std::string band = band_sentence(r); !band.empty()) s += band + " ";
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

Table model_table(const RunResult& r) {
  const auto& m = r.model;
  KeyValue t("model", "Model");
  t.text("name", m.name);
  t.number("parameters, total", m.params_total, count(m.params_total));
  t.number("parameters, active per token", m.params_active, count(m.params_active));
  if (m.params_mtp > 0) t.number("parameters, MTP modules", m.params_mtp, count(m.params_mtp));
  if (m.params_embedding > 0) t.number("parameters, embedding", m.params_embedding, count(m.params_embedding));
  t.number("training FLOPs per token (causal)", m.train_flops_per_token, flops(m.train_flops_per_token));
  if (m.params_mtp > 0)
    t.number("training FLOPs per token incl. MTP modules (causal; what MFU counts)", m.train_flops_per_token_with_mtp,
             flops(m.train_flops_per_token_with_mtp));
  if (m.train_flops_per_token_noncausal > 0)
    t.number("training FLOPs per token (non-causal)", m.train_flops_per_token_noncausal,
             flops(m.train_flops_per_token_noncausal));
  t.number("KV cache per token (BF16)", m.kv_cache_bytes_per_token, bytes(m.kv_cache_bytes_per_token));
  return t.take();
}

Table memory_table(const RunResult& r) {
  Table t("memory", "Memory per GPU by pipeline stage",
          {{"stage", "stage", "", Align::kRight},
           {"weights", "weights", "GiB", Align::kRight},
           {"master_weights", "master", "GiB", Align::kRight},
           {"gradients", "grads", "GiB", Align::kRight},
           {"optimizer", "optimizer", "GiB", Align::kRight},
           {"activations", "activations", "GiB", Align::kRight},
           {"comm_buffers", "buffers", "GiB", Align::kRight},
           {"reserve", "reserve", "GiB", Align::kRight},
           {"total", "total", "GiB", Align::kRight},
           {"capacity", "capacity", "GiB", Align::kRight},
           {"fits", "fits", "", Align::kLeft},
           {"note", "note", "", Align::kLeft}});
  int peak = peak_stage_index(r);
  for (std::size_t i = 0; i < r.memory.size(); ++i) {
    const auto& m = r.memory[i];
    t.add_row({num(m.stage, std::to_string(m.stage)), gib_cell(m.weights), gib_cell(m.master_weights),
               gib_cell(m.gradients), gib_cell(m.optimizer), gib_cell(m.activations), gib_cell(m.comm_buffers),
               gib_cell(m.reserve), gib_cell(m.total()), gib_cell(m.capacity), Cell::of_text(yes_no(m.fits())),
               Cell::of_text(static_cast<int>(i) == peak ? "peak" : "")});
  }
  return t;
}

Table step_table(const RunResult& r) {
  const auto& s = r.step;
  KeyValue t("step", "Training step");
  t.text("method", s.method);
  t.number("step time", s.time_s, duration(s.time_s));
  const std::string mtp = r.model.params_mtp > 0 ? " incl. MTP" : "";
  t.number("MFU (" + s.mfu_convention + " attention FLOPs" + mtp + ", dense BF16 peak)", s.mfu, percent(s.mfu));
  if (s.gemm_peak_format == "fp8")
    t.number("MFU (" + s.mfu_convention + " attention FLOPs" + mtp + ", dense FP8 peak: the GEMMs' format)",
             s.mfu_gemm_peak, percent(s.mfu_gemm_peak));
  t.number("tokens per second", s.tokens_per_s, count(s.tokens_per_s));
  t.number("pipeline bubble", s.bubble_fraction, percent(s.bubble_fraction));
  t.number("exposed communication per step", s.exposed_comm_s, duration(s.exposed_comm_s));
  t.number("micro-batches per step", s.micro_batches, std::to_string(s.micro_batches));
  t.number("sequence length", s.seq_len, std::to_string(s.seq_len));
  t.number("global batch (sequences)", s.global_batch, std::to_string(s.global_batch));
  return t.take();
}

Table stage_time_table(const RunResult& r) {
  const bool phases = !r.step.stages.empty() && r.step.stages.front().has_phases;
  std::vector<Column> columns = {{"stage", "stage", "", Align::kRight},
                                 {"busy_s", "compute busy", "", Align::kRight},
                                 {"idle_s", "idle (bubble)", "", Align::kRight},
                                 {"exposed_comm_s", "exposed comm", "", Align::kRight}};
  // The same step by what the chunks were doing (DeepSeek's 1F / 1B / 1W / 1F1B / bubble / opt breakdown).
  if (phases)
    for (const Column& c : std::vector<Column>{{"forward_s", "F alone", "", Align::kRight},
                                               {"backward_input_s", "B alone", "", Align::kRight},
                                               {"backward_weight_s", "W alone", "", Align::kRight},
                                               {"overlapped_s", "F&B pairs", "", Align::kRight},
                                               {"optimizer_s", "optimizer", "", Align::kRight},
                                               {"waiting_s", "waiting", "", Align::kRight}})
      columns.push_back(c);
  Table t("stages", "Time per step by pipeline stage", columns);
  for (const auto& st : r.step.stages) {
    std::vector<Cell> row = {num(st.stage, std::to_string(st.stage)), num(st.busy_s, duration(st.busy_s)),
                             num(st.idle_s, duration(st.idle_s)), num(st.exposed_comm_s, duration(st.exposed_comm_s))};
    if (phases) {
      const StagePhases& p = st.phases;
      for (double v : {p.forward_s, p.backward_input_s, p.backward_weight_s, p.overlapped_s, p.optimizer_s, p.waiting_s})
        row.push_back(num(v, duration(v)));
    }
    t.add_row(row);
  }
  return t;
}

std::vector<Table> layer_op_tables(const RunResult& r) {
  std::vector<Table> out;
  auto ms = [](double s) { return num(s * 1e3, fixed(s * 1e3, 3)); };
  for (const LayerBreakdown& layer : r.layers) {
    std::string title = fmt::format("Time of one {} layer (layer {}) per micro-batch, by operation",
                                    layer.kind == "moe" ? "MoE" : "dense", layer.layer);
    if (layer.kind == "moe" && layer.expert_load_factor > 1.0)
      title += fmt::format(" (most loaded rank: {}x the balanced expert load)", fixed(layer.expert_load_factor, 2));
    Table t("layer_ops_" + layer.kind, title,
            {{"op", "op", "", Align::kLeft},
             {"class", "class", "", Align::kLeft},
             {"part", "part", "", Align::kLeft},
             {"forward_ms", "F", "ms", Align::kRight},
             {"backward_input_ms", "B", "ms", Align::kRight},
             {"backward_weight_ms", "W", "ms", Align::kRight},
             {"comm_forward_ms", "comm F", "ms", Align::kRight},
             {"comm_backward_ms", "comm B", "ms", Align::kRight},
             {"forward_tflops", "F rate", "TFLOPS", Align::kRight},
             {"compute_share", "share of compute", "", Align::kRight}});
    double f = 0, b = 0, w = 0, comm = 0, comm_b = 0, flops = 0;
    for (const LayerOpTime& op : layer.ops) {
      f += op.forward_s;
      b += op.backward_input_s;
      w += op.backward_weight_s;
      comm += op.comm_s;
      comm_b += op.comm_backward_s;
      flops += op.forward_flops;
    }
    const double compute = f + b + w;
    auto rate = [](double fl, double s) {
      return fl > 0 && s > 0 ? num(fl / s / 1e12, sig3(fl / s / 1e12)) : Cell::of_text("");
    };
    for (const LayerOpTime& op : layer.ops) {
      const double own = op.forward_s + op.backward_input_s + op.backward_weight_s;
      t.add_row({Cell::of_text(op.name), Cell::of_text(op.op_class), Cell::of_text(op.part), ms(op.forward_s),
                 ms(op.backward_input_s), ms(op.backward_weight_s), ms(op.comm_s), ms(op.comm_backward_s),
                 rate(op.forward_flops, op.forward_s),
                 compute > 0 && own > 0 ? num(own / compute, percent(own / compute)) : Cell::of_text("")});
    }
    t.add_row({Cell::of_text("total"), Cell::of_text(""), Cell::of_text(""), ms(f), ms(b), ms(w), ms(comm), ms(comm_b),
               rate(flops, f), compute > 0 ? num(1.0, percent(1.0)) : Cell::of_text("")});
    out.push_back(std::move(t));
  }
  return out;
}

Table phases_table(const RunResult& r) {
  Table t("phases", "Training phases",
          {{"name", "phase", "", Align::kLeft},
           {"steps", "steps", "", Align::kRight},
           {"tokens", "tokens", "", Align::kRight},
           {"seq_len", "seq len", "", Align::kRight},
           {"step_time_s", "step time", "", Align::kRight},
           {"gpu_hours", "GPU-hours", "", Align::kRight},
           {"days", "days", "", Align::kRight},
           {"source", "source", "", Align::kLeft},
           {"plan", "plan", "", Align::kLeft}});
  for (const auto& p : r.phases) {
    std::string source = p.given ? "given" + (p.given_source.empty() ? "" : ": " + p.given_source) : "simulated";
    // A given phase has no steps or tokens of its own: show "-" rather than a misleading 0.
    bool none = p.given && p.steps == 0;
    t.add_row({Cell::of_text(p.name), num(static_cast<double>(p.steps), none ? "-" : std::to_string(p.steps)),
               num(p.tokens, none && p.tokens == 0 ? "-" : count(p.tokens)), num(p.seq_len, p.seq_len ? std::to_string(p.seq_len) : "-"),
               num(p.step_time_s, p.step_time_s > 0 ? duration(p.step_time_s) : "-"),
               num(p.gpu_hours, count(p.gpu_hours)), num(p.days, sig3(p.days)), Cell::of_text(source),
               Cell::of_text(p.plan)});
  }
  return t;
}

Table cost_table(const RunResult& r) {
  const auto& c = r.cost;
  KeyValue t("cost", "Cost");
  const std::string incl = c.failures_included ? ", failures included" : "";
  t.number("GPU-hours priced" + incl, c.gpu_hours, gpu_hours(c.gpu_hours));
  if (c.failures_included) t.number("GPU-hours, failure-free", c.failure_free_gpu_hours, gpu_hours(c.failure_free_gpu_hours));
  t.number("GPU-hours, sum of phases", r.gpu_hours, gpu_hours(r.gpu_hours));
  t.number("wall-clock time" + incl, c.wall_clock_days, days(c.wall_clock_days));
  if (c.failures_included)
    t.number("wall-clock time, failure-free", c.failure_free_wall_clock_days, days(c.failure_free_wall_clock_days));
  if (c.usd_per_gpu_hour > 0) {
    t.number("rental price", c.usd_per_gpu_hour, usd_per_gpu_hour(c.usd_per_gpu_hour));
    if (!c.price_source.empty()) t.text("price source", c.price_source);
    if (!c.price_date.empty())
      t.text("price date", c.price_date + (c.price_age_months >= 0 ? fmt::format(" ({} months old{})", c.price_age_months,
                                                                                  c.price_stale ? ", STALE" : "")
                                                                    : ""));
    if (!c.price_note.empty()) t.text("price note", c.price_note);
    t.number("rental cost" + incl, c.rental_usd, usd(c.rental_usd));
    if (c.failures_included) t.number("rental cost, failure-free", c.failure_free_rental_usd, usd(c.failure_free_rental_usd));
  } else if (c.owned_usd > 0) {
    t.text("rental price", "none given; priced by ownership");
  } else {
    t.text("rental price", "no price");
    if (!c.price_source.empty()) t.text("price source", c.price_source);
    if (!c.price_note.empty()) t.text("price note", c.price_note);
  }
  t.number("owned cost (capex share + power)", c.owned_usd, usd(c.owned_usd));
  t.number("  capex share", c.owned_capex_usd, usd(c.owned_capex_usd));
  t.number("  power", c.owned_power_usd, usd(c.owned_power_usd));
  if (c.owned_capex_outlay_usd > 0) {
    t.number("owned: capital outlay for the GPUs", c.owned_capex_outlay_usd, usd(c.owned_capex_outlay_usd));
    t.number("owned: depreciation period", c.owned_lifetime_years, fmt::format("{} years", sig3(c.owned_lifetime_years)));
    t.number("owned: power per GPU-hour", c.owned_power_usd_per_gpu_hour, usd_per_gpu_hour(c.owned_power_usd_per_gpu_hour));
    if (c.breakeven_utilisation > 0)
      t.number("rent vs buy: owning wins above utilisation", c.breakeven_utilisation,
               percent(c.breakeven_utilisation) + (c.breakeven_utilisation > 1 ? " (never within the depreciation period)" : ""));
    if (c.breakeven_months_full_use > 0)
      t.number("rent vs buy: owning wins after (round-the-clock use)", c.breakeven_months_full_use,
               fmt::format("{} months", sig3(c.breakeven_months_full_use)));
  }
  t.number("facility energy (incl. PUE)", c.energy_mwh, sig3(c.energy_mwh) + " MWh");
  return t.take();
}

Table goodput_table(const RunResult& r) {
  const auto& g = r.goodput;
  KeyValue t("goodput", "Failures, checkpoints and goodput");
  if (!g.enabled) return t.take();
  t.number("interruptions per day (job)", g.interruptions_per_day, sig3(g.interruptions_per_day));
  t.number("expected interruptions over the run", g.expected_interruptions, sig3(g.expected_interruptions));
  t.number("job MTBF", g.mtbf_h, sig3(g.mtbf_h) + " h");
  t.number("checkpoint size", g.checkpoint_bytes, bytes(g.checkpoint_bytes));
  t.number("checkpoint write time", g.checkpoint_write_s, duration(g.checkpoint_write_s));
  t.number("checkpoint interval", g.checkpoint_interval_s, duration(g.checkpoint_interval_s));
  t.number("restart time, expected per interruption", g.restart_s, duration(g.restart_s));
  // Each part on its own line with where it comes from, so a given restart is never silently lengthened.
  if (!g.relaunch_source.empty()) {
    t.number(g.restart_given ? "  relaunch + reload" : "  relaunch", g.restart_relaunch_s,
             duration(g.restart_relaunch_s) + " (" + g.relaunch_source + ")");
    if (!g.restart_given)
      t.number("  checkpoint reload", g.restart_reload_s,
               duration(g.restart_reload_s) + " (checkpoint size / storage bandwidth)");
    t.number("  waiting for a replacement node", g.restart_node_wait_s,
             duration(g.restart_node_wait_s) + " (" + percent(g.node_wait_fraction) + " of interruptions x " +
                 duration(g.node_replacement_s) + ", " + g.node_replacement_source + ")");
  }
  t.number("goodput (useful / elapsed)", g.effective_time_fraction, percent(g.effective_time_fraction));
  t.number("time checkpointing", g.fraction_checkpointing, percent(g.fraction_checkpointing));
  t.number("time lost to recomputed work", g.fraction_lost_work, percent(g.fraction_lost_work));
  t.number("time restarting", g.fraction_restarting, percent(g.fraction_restarting));
  t.number("extra GPU-hours", g.extra_gpu_hours, gpu_hours(g.extra_gpu_hours));
  if (r.cost.usd_per_gpu_hour > 0) t.number("extra cost", g.extra_usd, usd(g.extra_usd));
  else t.text("extra cost", "no rental price");
  return t.take();
}

Table notes_table(const RunResult& r) {
  Table t("notes", "Notes", {{"index", "#", "", Align::kRight}, {"note", "note", "", Align::kLeft}});
  for (std::size_t i = 0; i < r.notes.size(); ++i)
    t.add_row({num(static_cast<double>(i + 1), std::to_string(i + 1)), Cell::of_text(r.notes[i])});
  return t;
}

Table inputs_table(const RunResult& r) {
  const auto& in = r.inputs;
  KeyValue t("inputs", "Inputs (to reproduce this result)");
  t.text("scenario file", in.scenario_file);
  t.text("scenario name", in.scenario_name);
  t.text("calibration profile", in.calibration_profile);
  t.text("calibration source", in.calibration_source);
  if (!in.calibration_provenance.empty()) t.text("calibration provenance", in.calibration_provenance);
  t.text("sustained-load factor", in.calibration_sustained.empty()
                                      ? "none: the profile's short-run kernel rates are used as they are"
                                      : in.calibration_sustained);
  t.text("moeplan version", in.moeplan_version);
  t.number("seed", static_cast<double>(in.seed), std::to_string(in.seed));
  t.text("fidelity", in.fidelity);
  t.text("GPU", in.gpu);
  t.number("GPUs", in.n_gpus, std::to_string(in.n_gpus));
  t.text("parallel plan", in.plan_summary);
  return t.take();
}

std::vector<Table> run_tables(const RunResult& r) {
  std::vector<Table> all;
  std::vector<Table> sections = {model_table(r),        memory_table(r),       mixed_pools_table(r),
                                 mixed_members_table(r), step_table(r),         stage_time_table(r)};
  for (Table& t : layer_op_tables(r)) sections.push_back(std::move(t));
  for (Table t : {phases_table(r), cost_table(r)}) sections.push_back(std::move(t));
  for (Table& t : scale_out_tables(r)) sections.push_back(std::move(t));
  for (Table t : {error_band_table(r), goodput_table(r), churn_table(r), notes_table(r), inputs_table(r)})
    sections.push_back(std::move(t));
  for (Table& t : sections)
    if (!t.empty()) all.push_back(std::move(t));
  return all;
}

Table results_csv_table(const RunResult& r) {
  Table t("results", "Results",
          {{"row", "row", "", Align::kLeft},
           {"name", "name", "", Align::kLeft},
           {"steps", "steps", "", Align::kRight},
           {"tokens", "tokens", "", Align::kRight},
           {"seq_len", "seq_len", "", Align::kRight},
           {"step_time_s", "step_time_s", "s", Align::kRight},
           {"gpu_hours", "gpu_hours", "GPU-h", Align::kRight},
           {"days", "days", "d", Align::kRight},
           {"given", "given", "", Align::kLeft},
           {"given_source", "given_source", "", Align::kLeft},
           {"gpu_hours_incl_failures", "gpu_hours_incl_failures", "GPU-h", Align::kRight},
           {"wall_clock_days", "wall_clock_days", "d", Align::kRight},
           {"rental_usd", "rental_usd", "USD", Align::kRight},
           {"owned_usd", "owned_usd", "USD", Align::kRight},
           {"energy_mwh", "energy_mwh", "MWh", Align::kRight},
           {"mfu", "mfu", "", Align::kRight},
           {"tokens_per_s", "tokens_per_s", "", Align::kRight},
           {"peak_memory_bytes", "peak_memory_bytes", "B", Align::kRight},
           {"memory_fits", "memory_fits", "", Align::kLeft},
           {"plan", "plan", "", Align::kLeft}});
  auto v = [](double x) { return Cell::of_number(x, ""); };
  auto blank = [] { return Cell::of_text(""); };
  for (const auto& p : r.phases)
    t.add_row({Cell::of_text("phase"), Cell::of_text(p.name), v(static_cast<double>(p.steps)), v(p.tokens),
               v(p.seq_len), v(p.step_time_s), v(p.gpu_hours), v(p.days),
               Cell::of_text(p.given ? "true" : "false"), Cell::of_text(p.given_source), blank(), blank(),
               blank(), blank(), blank(), blank(), blank(), blank(), blank(), Cell::of_text(p.plan)});
  // The total row carries the run's own totals; per-phase columns it has no value for stay empty.
  t.add_row({Cell::of_text("total"), Cell::of_text(r.inputs.scenario_name), blank(), blank(), v(r.step.seq_len),
             v(r.step.time_s), v(r.gpu_hours), v(r.days), blank(), blank(), v(r.cost.gpu_hours),
             v(r.cost.wall_clock_days), v(r.cost.rental_usd), v(r.cost.owned_usd), v(r.cost.energy_mwh),
             v(r.step.mfu), v(r.step.tokens_per_s), v(r.memory_peak_bytes),
             Cell::of_text(r.memory_fits ? "true" : "false"), Cell::of_text(r.inputs.plan_summary)});
  add_band_rows(t, r);
  return t;
}

}  // namespace moeplan::reports
