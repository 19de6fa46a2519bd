// results.json of a RunResult.
#include "reports/json_report.h"

#include "reports/mixed_report.h"

#include "reports/run_tables.h"
#include "reports/scale_out_tables.h"

namespace moeplan::reports {
namespace {

using Json = nlohmann::ordered_json;

Json breakdown_json(const MemoryBreakdown& m) {
  return Json{{"weights", m.weights},         {"master_weights", m.master_weights},
              {"gradients", m.gradients},     {"optimizer", m.optimizer},
              {"activations", m.activations}, {"comm_buffers", m.comm_buffers},
              {"reserve", m.reserve}};
}

Json memory_json(const RunResult& r) {
  Json stages = Json::array();
  for (const auto& m : r.memory) {
    Json s{{"stage", m.stage}};
    s.update(breakdown_json(m));
    s["total"] = m.total();
    s["capacity"] = m.capacity;
    s["fits"] = m.fits();
    stages.push_back(std::move(s));
  }
  int peak = peak_stage_index(r);
  Json j{{"peak_bytes_per_gpu", r.memory_peak_bytes}, {"fits", r.memory_fits}, {"does_not_fit", r.does_not_fit}};
  if (peak >= 0) {
    const auto& m = r.memory[static_cast<std::size_t>(peak)];
    j["peak_stage"] = m.stage;
    j["capacity_bytes"] = m.capacity;
    j["dominant"] = m.dominant();
    j["breakdown"] = breakdown_json(m);
  } else {
    j["peak_stage"] = nullptr;
    j["capacity_bytes"] = nullptr;
    j["dominant"] = nullptr;
    j["breakdown"] = nullptr;
  }
  j["stages"] = std::move(stages);
  return j;
}

Json step_json(const StepResult& s) {
  Json stages = Json::array();
  for (const auto& st : s.stages) {
    Json phases = nullptr;
    if (st.has_phases) {
      const StagePhases& p = st.phases;
      phases = Json{{"forward_s", p.forward_s},           {"backward_input_s", p.backward_input_s},
                    {"backward_weight_s", p.backward_weight_s}, {"overlapped_s", p.overlapped_s},
                    {"optimizer_s", p.optimizer_s},       {"waiting_s", p.waiting_s}};
    }
    stages.push_back(Json{{"stage", st.stage}, {"busy_s", st.busy_s}, {"idle_s", st.idle_s},
                          {"exposed_comm_s", st.exposed_comm_s}, {"phases", std::move(phases)}});
  }
  return Json{{"method", s.method},
              {"phase", s.phase},
              {"time_s", s.time_s},
              {"mfu", s.mfu},
              {"mfu_convention", s.mfu_convention},
              {"mfu_gemm_peak", s.mfu_gemm_peak},
              {"gemm_peak_format", s.gemm_peak_format},
              {"tokens_per_s", s.tokens_per_s},
              {"bubble_fraction", s.bubble_fraction},
              {"exposed_comm_s", s.exposed_comm_s},
              {"micro_batches", s.micro_batches},
              {"seq_len", s.seq_len},
              {"global_batch", s.global_batch},
              {"stages", std::move(stages)}};
}

Json layers_json(const RunResult& r) {
  Json layers = Json::array();
  for (const LayerBreakdown& layer : r.layers) {
    Json ops = Json::array();
    for (const LayerOpTime& op : layer.ops)
      ops.push_back(Json{{"name", op.name},
                         {"class", op.op_class},
                         {"part", op.part},
                         {"forward_s", op.forward_s},
                         {"backward_input_s", op.backward_input_s},
                         {"backward_weight_s", op.backward_weight_s},
                         {"comm_s", op.comm_s},
                         {"comm_backward_s", op.comm_backward_s},
                         {"forward_flops", op.forward_flops}});
    layers.push_back(Json{{"kind", layer.kind},
                          {"layer", layer.layer},
                          {"expert_load_factor", layer.expert_load_factor},
                          {"ops", std::move(ops)}});
  }
  return layers;
}

Json training_json(const RunResult& r) {
  Json phases = Json::array();
  for (const auto& p : r.phases)
    phases.push_back(Json{{"name", p.name},
                          {"steps", p.steps},
                          {"tokens", p.tokens},
                          {"seq_len", p.seq_len},
                          {"step_time_s", p.step_time_s},
                          {"gpu_hours", p.gpu_hours},
                          {"days", p.days},
                          {"given", p.given},
                          {"given_source", p.given_source},
                          {"plan", p.plan}});
  return Json{{"gpu_hours", r.gpu_hours},
              {"days", r.days},
              {"cost_usd", r.cost.failure_free_rental_usd},
              {"phases", std::move(phases)}};
}

Json cost_json(const CostResult& c) {
  return Json{{"gpu_hours", c.gpu_hours},
              {"wall_clock_days", c.wall_clock_days},
              {"usd_per_gpu_hour", c.usd_per_gpu_hour},
              {"has_price", c.has_price},
              {"price_source", c.price_source},
              {"price_date", c.price_date},
              {"price_age_months", c.price_age_months},
              {"price_stale", c.price_stale},
              {"price_note", c.price_note},
              {"rental_usd", c.rental_usd},
              {"owned_usd", c.owned_usd},
              {"owned_capex_usd", c.owned_capex_usd},
              {"owned_power_usd", c.owned_power_usd},
              {"owned_capex_outlay_usd", c.owned_capex_outlay_usd},
              {"owned_lifetime_years", c.owned_lifetime_years},
              {"owned_power_usd_per_gpu_hour", c.owned_power_usd_per_gpu_hour},
              {"breakeven_utilisation", c.breakeven_utilisation},
              {"breakeven_months_full_use", c.breakeven_months_full_use},
              {"energy_mwh", c.energy_mwh},
              {"failures_included", c.failures_included},
              {"failure_free_gpu_hours", c.failure_free_gpu_hours},
              {"failure_free_wall_clock_days", c.failure_free_wall_clock_days},
              {"failure_free_rental_usd", c.failure_free_rental_usd},
              {"failure_free_owned_usd", c.failure_free_owned_usd},
              {"failure_free_energy_mwh", c.failure_free_energy_mwh},
              {"churn_included", c.churn_included},
              {"churn_free_gpu_hours", c.churn_free_gpu_hours},
              {"churn_free_wall_clock_days", c.churn_free_wall_clock_days},
              {"churn_free_rental_usd", c.churn_free_rental_usd}};
}

Json goodput_json(const GoodputResult& g) {
  return Json{{"enabled", g.enabled},
              {"interruptions_per_day", g.interruptions_per_day},
              {"expected_interruptions", g.expected_interruptions},
              {"mtbf_h", g.mtbf_h},
              {"checkpoint_bytes", g.checkpoint_bytes},
              {"checkpoint_write_s", g.checkpoint_write_s},
              {"checkpoint_interval_s", g.checkpoint_interval_s},
              {"restart_s", g.restart_s},
              {"restart_given", g.restart_given},
              {"restart_relaunch_s", g.restart_relaunch_s},
              {"restart_reload_s", g.restart_reload_s},
              {"restart_node_wait_s", g.restart_node_wait_s},
              {"node_replacement_s", g.node_replacement_s},
              {"node_wait_fraction", g.node_wait_fraction},
              {"relaunch_source", g.relaunch_source},
              {"node_replacement_source", g.node_replacement_source},
              {"effective_time_fraction", g.effective_time_fraction},
              {"fraction_checkpointing", g.fraction_checkpointing},
              {"fraction_lost_work", g.fraction_lost_work},
              {"fraction_restarting", g.fraction_restarting},
              {"extra_gpu_hours", g.extra_gpu_hours},
              {"extra_usd", g.extra_usd}};
}

Json churn_json(const ChurnResult& c) {
  if (!c.enabled) return Json{{"enabled", false}};
  return Json{{"enabled", true},
              {"kind", c.kind},
              {"recovery", c.recovery},
              {"leave_per_node_hour", c.leave_per_node_hour},
              {"rate_source", c.rate_source},
              {"preemptions_per_day", c.preemptions_per_day},
              {"combined_interruptions_per_day", c.combined_interruptions_per_day},
              {"combined_mtbf_h", c.combined_mtbf_h},
              {"checkpoint_interval_s", c.checkpoint_interval_s},
              {"replacement_s", c.replacement_s},
              {"replacement_source", c.replacement_source},
              {"preemption_restart_s", c.preemption_restart_s},
              {"fraction_checkpointing", c.fraction_checkpointing},
              {"fraction_lost_work", c.fraction_lost_work},
              {"fraction_restarting", c.fraction_restarting},
              {"slots", c.slots},
              {"nodes_per_slot", c.nodes_per_slot},
              {"mean_absence_s", c.mean_absence_s},
              {"joins_per_day", c.joins_per_day},
              {"expected_active_slots", c.expected_active_slots},
              {"availability", c.availability},
              {"state_bytes", c.state_bytes},
              {"link_Bps", c.link_Bps},
              {"link_source", c.link_source},
              {"blocking_fetch", c.blocking_fetch},
              {"fetch_s", c.fetch_s},
              {"sync_period_s", c.sync_period_s},
              {"lost_per_leave_s", c.lost_per_leave_s},
              {"useful_fraction_of_active", c.useful_fraction_of_active},
              {"effective_time_fraction", c.effective_time_fraction},
              {"time_factor", c.time_factor},
              {"gpu_hours_factor", c.gpu_hours_factor},
              {"extra_gpu_hours", c.extra_gpu_hours},
              {"spot_priced", c.spot_priced},
              {"spot_usd_per_gpu_hour", c.spot_usd_per_gpu_hour},
              {"on_demand_usd_per_gpu_hour", c.on_demand_usd_per_gpu_hour},
              {"price_source", c.price_source},
              {"price_date", c.price_date},
              {"spot_usd", c.spot_usd},
              {"on_demand_usd", c.on_demand_usd},
              {"savings_fraction", c.savings_fraction},
              {"breakeven_per_node_hour", c.breakeven_per_node_hour}};
}

Json inputs_json(const RunInputs& in) {
  return Json{{"scenario_file", in.scenario_file},
              {"scenario_name", in.scenario_name},
              {"calibration_profile", in.calibration_profile},
              {"calibration_source", in.calibration_source},
              {"calibration_sustained", in.calibration_sustained},
              {"calibration_provenance", in.calibration_provenance},
              {"moeplan_version", in.moeplan_version},
              {"seed", in.seed},
              {"fidelity", in.fidelity},
              {"gpu", in.gpu},
              {"n_gpus", in.n_gpus},
              {"plan_summary", in.plan_summary}};
}

}  // namespace

namespace {

Json figure_band_json(const FigureBand& b) { return Json{{"p10", b.p10}, {"p50", b.p50}, {"p90", b.p90}}; }

Json bands_json(const ErrorBands& b) {
  if (!b.present) return Json{{"present", false}, {"why_absent", b.why_absent}};
  return Json{{"present", true},
              {"basis", b.basis},
              {"source", b.source},
              {"step_time_s", figure_band_json(b.step_time_s)},
              {"tokens_per_s", figure_band_json(b.tokens_per_s)},
              {"gpu_hours", figure_band_json(b.gpu_hours)},
              {"wall_clock_days", figure_band_json(b.days)},
              {"rental_usd", figure_band_json(b.rental_usd)}};
}

}  // namespace

nlohmann::ordered_json run_result_json(const RunResult& r) {
  const auto& m = r.model;
  Json j;
  j["schema_version"] = kRunJsonSchemaVersion;
  j["kind"] = "run";
  j["model"] = Json{{"name", m.name},
                    {"params_total", m.params_total},
                    {"params_active", m.params_active},
                    {"params_mtp", m.params_mtp},
                    {"params_embedding", m.params_embedding},
                    {"train_flops_per_token", m.train_flops_per_token},
                    {"train_flops_per_token_noncausal", m.train_flops_per_token_noncausal},
                    {"train_flops_per_token_with_mtp", m.train_flops_per_token_with_mtp},
                    {"kv_cache_bytes_per_token", m.kv_cache_bytes_per_token}};
  j["memory"] = memory_json(r);
  j["step"] = step_json(r.step);
  j["layers"] = layers_json(r);
  j["training"] = training_json(r);
  j["cost"] = cost_json(r.cost);
  j["goodput"] = goodput_json(r.goodput);
  j["scale_out"] = scale_out_json(r.scale_out);
  j["churn"] = churn_json(r.churn);
  j["error_bands"] = bands_json(r.bands);
  j["mixed"] = mixed_json(r.mixed);
  j["notes"] = r.notes;
  j["timeline"] = Json{{"events", r.timeline.events.size()}, {"memory_samples", r.timeline.memory.size()}};
  j["inputs"] = inputs_json(r.inputs);
  return j;
}

std::string render_json_report(const RunResult& result) { return run_result_json(result).dump(2) + "\n"; }

}  // namespace moeplan::reports
