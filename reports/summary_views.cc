// Views for `moeplan model`, `memory` and `catalog` (see summary_views.h).
#include "reports/summary_views.h"

#include <nlohmann/json.hpp>

#include "reports/format.h"
#include "reports/json_report.h"
#include "reports/run_tables.h"
#include "reports/table.h"
#include "reports/text_report.h"

namespace moeplan::reports {
namespace {

const char* attention_name(AttentionKind k) {
  switch (k) {
    case AttentionKind::kMha: return "MHA";
    case AttentionKind::kGqa: return "GQA";
    case AttentionKind::kMla: return "MLA";
  }
  return "?";
}

std::string render_tables(const std::vector<Table>& tables, const std::string& format, int table_width = kTextWidth) {
  std::string out;
  for (const Table& t : tables) {
    if (t.empty()) continue;
    out += format == "md" ? render_table_markdown(t) : render_table_text(t, table_width);
    out += "\n";
  }
  return out;
}

Cell num(double v, std::string text) { return Cell::of_number(v, std::move(text)); }

}  // namespace

std::string render_model_view(const ModelSpec& spec, const ModelSummary& s, int seq_len, const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json j;
    j["model"] = {{"name", s.name},
                  {"params_total", s.params_total},
                  {"params_active", s.params_active},
                  {"params_mtp", s.params_mtp},
                  {"params_embedding", s.params_embedding},
                  {"seq_len", seq_len},
                  {"train_flops_per_token", s.train_flops_per_token},
                  {"train_flops_per_token_noncausal", s.train_flops_per_token_noncausal},
                  {"kv_cache_bytes_per_token", s.kv_cache_bytes_per_token}};
    return j.dump(2) + "\n";
  }
  Table t("model", spec.name, {{"quantity", "quantity", ""}, {"value", "value", "", Align::kRight}});
  t.add_row({Cell::of_text("attention"), Cell::of_text(attention_name(spec.attention))});
  t.add_row({Cell::of_text("layers x hidden"),
             Cell::of_text(std::to_string(spec.n_layers) + " x " + std::to_string(spec.hidden))});
  if (spec.is_moe())
    t.add_row({Cell::of_text("experts (routed top-k + shared)"),
               Cell::of_text(std::to_string(spec.moe.n_routed_experts) + " (top-" + std::to_string(spec.moe.top_k) +
                             ") + " + std::to_string(spec.moe.n_shared_experts))});
  t.add_row({Cell::of_text("parameters, total"), num(s.params_total, count(s.params_total))});
  t.add_row({Cell::of_text("parameters, active per token"), num(s.params_active, count(s.params_active))});
  if (s.params_mtp > 0) t.add_row({Cell::of_text("parameters, MTP modules"), num(s.params_mtp, count(s.params_mtp))});
  t.add_row({Cell::of_text("training FLOPs per token (causal, seq " + std::to_string(seq_len) + ")"),
             num(s.train_flops_per_token, count(s.train_flops_per_token))});
  t.add_row({Cell::of_text("training FLOPs per token (non-causal)"),
             num(s.train_flops_per_token_noncausal, count(s.train_flops_per_token_noncausal))});
  t.add_row({Cell::of_text("KV cache per token (BF16)"),
             num(s.kv_cache_bytes_per_token, fixed(s.kv_cache_bytes_per_token, 0) + " B")});
  return render_tables({t}, format);
}

std::string render_memory_view(const RunResult& r, const std::string& format, int table_width) {
  if (format == "json") {
    const nlohmann::ordered_json full = run_result_json(r);
    nlohmann::ordered_json j;
    for (const char* key : {"inputs", "model", "memory"})
      if (full.contains(key)) j[key] = full[key];
    j["notes"] = r.notes;
    return j.dump(2) + "\n";
  }
  // A memory-only result has no step or cost, so its summary states just the verdict.
  const MemoryBreakdown* peak = r.memory.empty() ? nullptr : &r.memory[peak_stage_index(r)];
  std::string verdict = r.inputs.scenario_name + " on " + std::to_string(r.inputs.n_gpus) + " " + r.inputs.gpu +
                        " (" + r.inputs.plan_summary + "): ";
  if (peak)
    verdict += std::string(r.memory_fits ? "fits" : "DOES NOT FIT") + "; the fullest GPU (stage " +
               std::to_string(peak->stage) + ") needs " + bytes(peak->total()) + " of " + bytes(peak->capacity) +
               ", mostly " + peak->dominant() + ".";
  std::string out = wrap_paragraph(verdict, 100) + "\n\n";
  return out + render_tables({memory_table(r), notes_table(r)}, format, table_width);
}

std::string render_gpu_catalog(const std::vector<GpuSpec>& gpus, const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const GpuSpec& g : gpus)
      j.push_back({{"name", g.name}, {"display_name", g.display_name}, {"peak_bf16_flops", g.peak_bf16_flops},
                   {"peak_fp8_flops", g.peak_fp8_flops}, {"hbm_bytes", g.hbm_bytes}, {"hbm_Bps", g.hbm_Bps},
                   {"sm_count", g.sm_count}, {"scale_up_fabric", g.scale_up_fabric}, {"tdp_w", g.tdp_w},
                   {"usd_per_gpu_hour", g.rental.usd_per_gpu_hour > 0 ? nlohmann::ordered_json(g.rental.usd_per_gpu_hour)
                                                                      : nlohmann::ordered_json(nullptr)},
                   {"price_date", g.rental.date}});
    return j.dump(2) + "\n";
  }
  Table t("gpus", "GPUs (dense peaks, FP32 accumulate)",
          {{"name", "name", ""}, {"bf16", "BF16", "TFLOP/s", Align::kRight}, {"fp8", "FP8", "TFLOP/s", Align::kRight},
           {"memory", "memory", "GiB", Align::kRight}, {"bw", "HBM", "TB/s", Align::kRight},
           {"scale_up", "scale-up", ""}, {"tdp", "TDP", "W", Align::kRight}, {"price", "rental", "$/GPU-h", Align::kRight},
           {"date", "price date", ""}});
  for (const GpuSpec& g : gpus)
    t.add_row({Cell::of_text(g.name), num(g.peak_bf16_flops, sig3(g.peak_bf16_flops / 1e12)),
               num(g.peak_fp8_flops, g.has_fp8() ? sig3(g.peak_fp8_flops / 1e12) : "-"),
               num(g.hbm_bytes, sig3(g.hbm_bytes / (1024.0 * 1024 * 1024))),  // GiB, as every memory table
               num(g.hbm_Bps, fixed(g.hbm_Bps / 1e12, 2)),
               Cell::of_text(g.scale_up_fabric.empty() ? "none" : g.scale_up_fabric), num(g.tdp_w, fixed(g.tdp_w, 0)),
               g.rental.usd_per_gpu_hour > 0 ? num(g.rental.usd_per_gpu_hour, fixed(g.rental.usd_per_gpu_hour, 2))
                                             : Cell::of_text("no price"),
               Cell::of_text(g.rental.date)});
  return render_tables({t}, format);
}

std::string render_fabric_catalog(const std::vector<FabricSpec>& fabrics, const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const FabricSpec& f : fabrics)
      j.push_back({{"name", f.name}, {"kind", to_string(f.kind)}, {"nominal_Bps", f.nominal_Bps},
                   {"achievable_Bps", f.achievable_Bps}, {"latency_s", f.latency_s}});
    return j.dump(2) + "\n";
  }
  Table t("fabrics", "Fabrics (per direction)",
          {{"name", "name", ""}, {"kind", "kind", ""}, {"nominal", "nominal", "GB/s", Align::kRight},
           {"achievable", "achievable", "GB/s", Align::kRight}, {"latency", "latency", "us", Align::kRight}});
  for (const FabricSpec& f : fabrics)
    t.add_row({Cell::of_text(f.name), Cell::of_text(to_string(f.kind)), num(f.nominal_Bps, sig3(f.nominal_Bps / 1e9)),
               num(f.achievable_Bps, sig3(f.achievable_Bps / 1e9)), num(f.latency_s, fixed(f.latency_s * 1e6, 2))});
  return render_tables({t}, format);
}

std::string render_model_catalog(const std::vector<ModelSpec>& models, const std::vector<ModelSummary>& summaries,
                                 const std::string& format) {
  if (format == "json") {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (size_t i = 0; i < models.size(); ++i)
      j.push_back({{"name", models[i].name}, {"layers", models[i].n_layers}, {"hidden", models[i].hidden},
                   {"attention", attention_name(models[i].attention)}, {"params_total", summaries[i].params_total},
                   {"params_active", summaries[i].params_active}});
    return j.dump(2) + "\n";
  }
  Table t("models", "Models",
          {{"name", "name", ""}, {"attention", "attention", ""}, {"layers", "layers", "", Align::kRight},
           {"hidden", "hidden", "", Align::kRight}, {"experts", "experts", "", Align::kRight},
           {"total", "total params", "", Align::kRight}, {"active", "active params", "", Align::kRight}});
  for (size_t i = 0; i < models.size(); ++i) {
    const ModelSpec& m = models[i];
    t.add_row({Cell::of_text(m.name), Cell::of_text(attention_name(m.attention)), num(m.n_layers, std::to_string(m.n_layers)),
               num(m.hidden, std::to_string(m.hidden)),
               Cell::of_text(m.is_moe() ? std::to_string(m.moe.n_routed_experts) + "/top-" + std::to_string(m.moe.top_k) : "dense"),
               num(summaries[i].params_total, count(summaries[i].params_total)),
               num(summaries[i].params_active, count(summaries[i].params_active))});
  }
  return render_tables({t}, format);
}

}  // namespace moeplan::reports
