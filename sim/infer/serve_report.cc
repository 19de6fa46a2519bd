// Text and JSON renderers of a ServeResult; see serve_report.h.
#include "sim/infer/serve_report.h"

#include <algorithm>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "sim/units/units.h"

namespace moeplan {
namespace {

using nlohmann::ordered_json;

ordered_json pct(const Percentiles& p) {
  return ordered_json{{"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"mean", p.mean}, {"count", p.count}};
}

ordered_json memory(const PoolMemoryResult& m) {
  return ordered_json{{"hbm_bytes", m.hbm_bytes},         {"weights_bytes", m.weights_bytes},
                      {"reserve_bytes", m.reserve_bytes}, {"kv_bytes", m.kv_bytes},
                      {"kv_tokens", m.kv_tokens},         {"expert_slots_per_gpu", m.expert_slots_per_gpu}};
}

std::string ms(double s) { return fmt::format("{:.2f} ms", s * 1e3); }

}  // namespace

std::string render_serve_json(const ServeResult& r) {
  ordered_json j;
  const ServeInputs& in = r.inputs;
  j["inputs"] = {{"scenario", in.scenario},
                 {"model", in.model},
                 {"gpu", in.gpu},
                 {"precision", in.precision},
                 {"kv_cache_dtype", in.kv_cache_dtype},
                 {"calibration", in.calibration},
                 {"seed", in.seed},
                 {"usd_per_gpu_hour", in.usd_per_gpu_hour},
                 {"gpus_per_node", in.gpus_per_node},
                 {"mtp", in.mtp},
                 {"mtp_acceptance", in.mtp_acceptance},
                 {"avg_prompt_tokens", in.avg_prompt_tokens},
                 {"avg_output_tokens", in.avg_output_tokens},
                 {"cache_hit_fraction", in.cache_hit_fraction},
                 {"avg_kv_len", in.avg_kv_len}};
  const PrefillResult& p = r.prefill;
  j["prefill"] = {{"tokens_per_s_per_node", p.tokens_per_s_per_node},
                  {"computed_tokens_per_s_per_node", p.computed_tokens_per_s_per_node},
                  {"step_time_s", p.step_time_s},
                  {"step_bound_by", p.step_bound_by},
                  {"computed_tokens_per_step", p.computed_tokens_per_step},
                  {"unit_nodes", p.unit_nodes},
                  {"ep", p.ep},
                  {"attention_tp", p.attention_tp},
                  {"attention_dp", p.attention_dp},
                  {"micro_batches", p.micro_batches},
                  {"compute_s", p.compute_s},
                  {"comm_s", p.comm_s},
                  {"exposed_comm_s", p.exposed_comm_s},
                  {"attention_s", p.attention_s},
                  {"expert_gemm_s", p.expert_gemm_s},
                  {"memory", memory(p.memory)}};
  const DecodeResult& d = r.decode;
  j["decode"] = {{"tokens_per_s_per_node", d.tokens_per_s_per_node},
                 {"tokens_per_s_per_gpu", d.tokens_per_s_per_gpu},
                 {"tokens_per_s_per_request", d.tokens_per_s_per_request},
                 {"batch_per_gpu", d.batch_per_gpu},
                 {"max_batch_by_kv", d.max_batch_by_kv},
                 {"batch_limited_by", d.batch_limited_by},
                 {"step_bound_by", d.step_bound_by},
                 {"tpot_s", d.tpot_s},
                 {"tpot_at_slo_percentile_s", d.tpot_at_slo_percentile_s},
                 {"step_time_s", d.step_time_s},
                 {"tokens_per_step", d.tokens_per_step},
                 {"unit_nodes", d.unit_nodes},
                 {"ep", d.ep},
                 {"attention_tp", d.attention_tp},
                 {"attention_dp", d.attention_dp},
                 {"micro_batches", d.micro_batches},
                 {"pipeline_stages", d.pipeline_stages},
                 {"compute_s", d.compute_s},
                 {"comm_s", d.comm_s},
                 {"exposed_comm_s", d.exposed_comm_s},
                 {"attention_s", d.attention_s},
                 {"expert_gemm_s", d.expert_gemm_s},
                 {"memory", memory(d.memory)}};
  j["nodes"] = {{"prefill", r.nodes.prefill},
                {"decode", r.nodes.decode},
                {"total", r.nodes.total()},
                {"prefill_exact", r.nodes.prefill_exact},
                {"decode_exact", r.nodes.decode_exact},
                {"prefill_limited_by", r.nodes.prefill_limited_by}};
  const DecodeAtLoad& dl = r.decode_at_load;
  j["decode_at_load"] = {{"evaluated", dl.evaluated},
                         {"output_tokens_per_s", dl.output_tokens_per_s},
                         {"batch_per_gpu", dl.batch_per_gpu},
                         {"step_time_s", dl.step_time_s},
                         {"tpot_s", dl.tpot_s},
                         {"load_share", dl.load_share}};
  const DayResult& day = r.day;
  nlohmann::json hours = nlohmann::json::array();
  for (const HourFleet& h : day.hours)
    hours.push_back({{"load", h.load}, {"prefill_nodes", h.prefill_nodes}, {"decode_nodes", h.decode_nodes},
                     {"carried", h.carried}});
  j["day"] = {{"evaluated", day.evaluated},
              {"policy", day.policy},
              {"avg_nodes", day.avg_nodes},
              {"peak_nodes", day.peak_nodes},
              {"avg_prefill_nodes", day.avg_prefill_nodes},
              {"avg_decode_nodes", day.avg_decode_nodes},
              {"prefill_tokens_per_s_per_node", day.prefill_tokens_per_s_per_node},
              {"decode_tokens_per_s_per_node", day.decode_tokens_per_s_per_node},
              {"usd_per_day", day.usd_per_day},
              {"usd_per_m_output", day.usd_per_m_output},
              {"usd_per_m_tokens", day.usd_per_m_tokens},
              {"hours_over_capacity", day.hours_over_capacity},
              {"hours", hours}};
  const KvTransferResult& kv = r.kv_transfer;
  j["kv_transfer"] = {{"bytes_per_token", kv.bytes_per_token},
                      {"bytes_per_request", kv.bytes_per_request},
                      {"bandwidth_Bps", kv.bandwidth_Bps},
                      {"latency_s", kv.latency_s},
                      {"time_s_mean", kv.time_s_mean},
                      {"prefill_nic_utilisation", kv.prefill_nic_utilisation},
                      {"decode_nic_utilisation", kv.decode_nic_utilisation},
                      {"prefill_nic_bound", kv.prefill_nic_bound},
                      {"decode_nic_bound", kv.decode_nic_bound}};
  const TtftModelResult& t = r.ttft_model;
  j["ttft_model"] = {{"evaluated", t.evaluated},
                     {"percentile", t.percentile},
                     {"slo_s", t.slo_s},
                     {"predicted_s", t.predicted_s},
                     {"predicted_mean_s", t.predicted_mean_s},
                     {"min_achievable_s", t.min_achievable_s},
                     {"rate_per_s", t.rate_per_s},
                     {"utilisation", t.utilisation},
                     {"mean_batch_requests", t.mean_batch_requests},
                     {"mean_step_s", t.mean_step_s},
                     {"idle_share", t.idle_share},
                     {"units", t.units},
                     {"units_for_throughput", t.units_for_throughput},
                     {"units_for_ttft", t.units_for_ttft}};
  j["cost"] = {{"usd_per_day", r.cost.usd_per_day},
               {"usd_per_day_exact", r.cost.usd_per_day_exact},
               {"usd_per_m_input_hit", r.cost.usd_per_m_input_hit},
               {"usd_per_m_input_miss", r.cost.usd_per_m_input_miss},
               {"usd_per_m_output", r.cost.usd_per_m_output}};
  const LatencyResult& l = r.latency;
  j["latency"] = {{"simulated", l.simulated},
                  {"ttft_s", pct(l.ttft_s)},
                  {"tpot_s", pct(l.tpot_s)},
                  {"e2e_s", pct(l.e2e_s)},
                  {"queue_s", pct(l.queue_s)},
                  {"kv_handoff_s", pct(l.kv_handoff_s)},
                  {"ttft_at_slo_percentile_s", l.ttft_at_slo_percentile_s},
                  {"requests_finished", l.requests_finished},
                  {"preemptions", l.preemptions},
                  {"slo_ttft_attainment", l.slo_ttft_attainment},
                  {"slo_tpot_attainment", l.slo_tpot_attainment},
                  {"output_tokens_per_s_per_gpu", l.output_tokens_per_s_per_gpu},
                  {"output_tokens_per_s_per_node", l.output_tokens_per_s_per_node},
                  {"input_tokens_per_s_per_node", l.input_tokens_per_s_per_node},
                  {"prefill_units", l.prefill_units},
                  {"decode_units", l.decode_units}};
  j["kv_utilisation"] = {{"mean", l.kv_utilisation_mean}, {"peak", l.kv_utilisation_peak}};
  ordered_json cmp = ordered_json::array();
  for (const GpuOption& o : r.compare)
    cmp.push_back({{"gpu", o.gpu},
                   {"feasible", o.feasible},
                   {"reason", o.reason},
                   {"prefill_nodes", o.prefill_nodes},
                   {"prefill_limited_by", o.prefill_limited_by},
                   {"decode_nodes", o.decode_nodes},
                   {"decode_batch_per_gpu", o.decode_batch_per_gpu},
                   {"prefill_tokens_per_s_per_node", o.prefill_tokens_per_s_per_node},
                   {"decode_tokens_per_s_per_node", o.decode_tokens_per_s_per_node},
                   {"usd_per_gpu_hour", o.usd_per_gpu_hour},
                   {"usd_per_day", o.usd_per_day},
                   {"usd_per_m_input_miss", o.usd_per_m_input_miss},
                   {"usd_per_m_output", o.usd_per_m_output},
                   {"priced", o.priced},
                   {"prefill_layout", o.prefill_layout},
                   {"decode_layout", o.decode_layout},
                   {"decode_batch_limited_by", o.decode_batch_limited_by},
                   {"decode_step_bound_by", o.decode_step_bound_by}});
  j["compare"] = cmp;
  j["notes"] = r.notes;
  return j.dump(2) + "\n";
}

std::string render_serve_text(const ServeResult& r) {
  const ServeInputs& in = r.inputs;
  const PrefillResult& p = r.prefill;
  const DecodeResult& d = r.decode;
  std::string out;
  out += fmt::format("Serving {} on {} ({}, KV cache {}, MTP {})\n", in.model, in.gpu, in.precision, in.kv_cache_dtype,
                     in.mtp ? fmt::format("on, acceptance {:.2f}", in.mtp_acceptance) : "off");
  out += fmt::format("calibration: {}   seed: {}   price: ${:.2f}/GPU-hour\n\n", in.calibration, in.seed,
                     in.usd_per_gpu_hour);
  out += fmt::format("{:<30}{:>24}{:>24}\n", "", "prefill", "decode");
  auto row = [&](const std::string& name, const std::string& a, const std::string& b) {
    out += fmt::format("{:<30}{:>24}{:>24}\n", name, a, b);
  };
  row("deployment unit (nodes)", std::to_string(p.unit_nodes), std::to_string(d.unit_nodes));
  row("EP / attention TP x DP", fmt::format("{} / {}x{}", p.ep, p.attention_tp, p.attention_dp),
      fmt::format("{} / {}x{}", d.ep, d.attention_tp, d.attention_dp));
  row("weights per GPU", units::format_bytes(p.memory.weights_bytes), units::format_bytes(d.memory.weights_bytes));
  row("KV cache per GPU", units::format_bytes(p.memory.kv_bytes), units::format_bytes(d.memory.kv_bytes));
  row("step time", ms(p.step_time_s), ms(d.step_time_s));
  row("step bound by", p.step_bound_by, d.step_bound_by);
  row("  compute / all-to-all", fmt::format("{} / {}", ms(p.compute_s), ms(p.comm_s)),
      fmt::format("{} / {}", ms(d.compute_s), ms(d.comm_s)));
  row("batch per GPU", fmt::format("{:.0f} tok", p.computed_tokens_per_step),
      fmt::format("{} seq ({})", d.batch_per_gpu, d.batch_limited_by));
  row("tokens/s per node", fmt::format("{:.0f} in", p.tokens_per_s_per_node),
      fmt::format("{:.0f} out", d.tokens_per_s_per_node));
  row("TPOT / tokens/s per request", "", fmt::format("{} / {:.1f}", ms(d.tpot_s), d.tokens_per_s_per_request));
  if (r.decode_at_load.evaluated)
    row("  at peak load on the fleet", "",
        fmt::format("{} ({:.0f} seq)", ms(r.decode_at_load.tpot_s), r.decode_at_load.batch_per_gpu));
  row("NIC busy (all-to-all + KV)", fmt::format("{:.0f}%", 100 * r.kv_transfer.prefill_nic_utilisation),
      fmt::format("{:.0f}%", 100 * r.kv_transfer.decode_nic_utilisation));
  row("nodes", fmt::format("{} ({:.1f})", r.nodes.prefill, r.nodes.prefill_exact),
      fmt::format("{} ({:.1f})", r.nodes.decode, r.nodes.decode_exact));
  out += "\n";
  const KvTransferResult& kv = r.kv_transfer;
  out += fmt::format("KV handoff prefill -> decode: {} per request ({} per token) at {}/s per rank + {} latency "
                     "= {} on idle NICs{}\n",
                     units::format_bytes(kv.bytes_per_request), units::format_bytes(kv.bytes_per_token),
                     units::format_bytes(kv.bandwidth_Bps), units::format_duration(kv.latency_s), ms(kv.time_s_mean),
                     kv.prefill_nic_bound ? "; the NICs, not compute, bound prefill throughput" : "");
  const TtftModelResult& t = r.ttft_model;
  if (t.evaluated) {
    const std::string pct = fmt::format("p{:g}", 100 * t.percentile);
    out += fmt::format("prefill pool: {} unit(s), set by {} (throughput {}{}); predicted TTFT {} {} (mean {}), "
                       "empty pool {}\n",
                       t.units, r.nodes.prefill_limited_by, t.units_for_throughput,
                       t.slo_s > 0 ? fmt::format(", TTFT {} {} -> {}", ms(t.slo_s), pct, t.units_for_ttft) : "",
                       pct, ms(t.predicted_s), ms(t.predicted_mean_s), ms(t.min_achievable_s));
  }
  out += fmt::format("cost: {} per day ({} at fractional nodes); $/M tokens: input hit {:.4f}, input miss {:.4f}, "
                     "output {:.4f}\n",
                     units::format_usd(r.cost.usd_per_day), units::format_usd(r.cost.usd_per_day_exact),
                     r.cost.usd_per_m_input_hit, r.cost.usd_per_m_input_miss, r.cost.usd_per_m_output);
  const DayResult& day = r.day;
  if (day.evaluated) {
    double peak_load = 0;
    for (const HourFleet& h : day.hours) peak_load = std::max(peak_load, h.load);
    out += fmt::format("day ({}, peak hour {:.2f}x the average): nodes average {:.1f} (prefill {:.1f} + decode {:.1f}), "
                       "peak {:.0f}; per node over the day {:.0f} in (prefill), {:.0f} out (decode); {} per day, "
                       "${:.4f}/M output, ${:.4f}/M tokens{}\n",
                       day.policy, peak_load, day.avg_nodes, day.avg_prefill_nodes, day.avg_decode_nodes,
                       day.peak_nodes, day.prefill_tokens_per_s_per_node, day.decode_tokens_per_s_per_node,
                       units::format_usd(day.usd_per_day), day.usd_per_m_output, day.usd_per_m_tokens,
                       day.hours_over_capacity > 0
                           ? fmt::format("; {} hour(s) over max_nodes", day.hours_over_capacity)
                           : "");
  }
  const LatencyResult& l = r.latency;
  if (l.simulated) {
    out += fmt::format("\n{:<22}{:>12}{:>12}{:>12}\n", "latency (simulated)", "p50", "p90", "p99");
    auto lat = [&](const char* name, const Percentiles& q) {
      out += fmt::format("{:<22}{:>12}{:>12}{:>12}\n", name, ms(q.p50), ms(q.p90), ms(q.p99));
    };
    lat("TTFT", l.ttft_s);
    lat("TPOT", l.tpot_s);
    lat("end to end", l.e2e_s);
    lat("queueing", l.queue_s);
    lat("KV handoff", l.kv_handoff_s);
    out += fmt::format("requests {}  preemptions {}  KV utilisation mean {:.0f}% peak {:.0f}%\n", l.requests_finished,
                       l.preemptions, 100 * l.kv_utilisation_mean, 100 * l.kv_utilisation_peak);
  }
  if (!r.compare.empty()) {
    out += fmt::format("\n{:<12}{:>8}{:>8}{:>12}{:>12}{:>10}  {:<20}{:<20}{}\n", "GPU", "prefill", "decode", "$/day",
                       "$/M in-miss", "$/M out", "prefill unit", "decode unit", "limits (decode batch; step)");
    for (const GpuOption& o : r.compare) {
      if (o.feasible && o.priced)
        out += fmt::format("{:<12}{:>8}{:>8}{:>12}{:>12.4f}{:>10.4f}  {:<20}{:<20}{}; {}\n", o.gpu, o.prefill_nodes,
                           o.decode_nodes, units::format_usd(o.usd_per_day), o.usd_per_m_input_miss, o.usd_per_m_output,
                           o.prefill_layout, o.decode_layout, o.decode_batch_limited_by, o.decode_step_bound_by);
      else if (o.feasible)
        out += fmt::format("{:<12}{:>8}{:>8}{:>12}{:>12}{:>10}  {:<20}{:<20}{}; {}\n", o.gpu, o.prefill_nodes,
                           o.decode_nodes, "no price", "-", "-", o.prefill_layout, o.decode_layout,
                           o.decode_batch_limited_by, o.decode_step_bound_by);
      else
        out += fmt::format("{:<12}  infeasible: {}\n", o.gpu, o.reason);
    }
  }
  // Summary paragraph.
  out += fmt::format(
      "\nSummary: a {}-node prefill unit (EP{}) computes {:.0f} prompt tokens/s per node ({:.0f} counting cache "
      "hits) and a {}-node decode unit (EP{}) generates {:.0f} tokens/s per node at {} sequences per GPU, {:.1f} "
      "tokens/s per request. ",
      p.unit_nodes, p.ep, p.computed_tokens_per_s_per_node, p.tokens_per_s_per_node, d.unit_nodes, d.ep,
      d.tokens_per_s_per_node, d.batch_per_gpu, d.tokens_per_s_per_request);
  if (r.nodes.total() > 0)
    out += fmt::format("The load needs {} prefill + {} decode nodes, {} per day at ${:.2f}/GPU-hour.", r.nodes.prefill,
                       r.nodes.decode, units::format_usd(r.cost.usd_per_day), in.usd_per_gpu_hour);
  out += "\n";
  for (const std::string& n : r.notes) out += "note: " + n + "\n";
  return out;
}

}  // namespace moeplan
