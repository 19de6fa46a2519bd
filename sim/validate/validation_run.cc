// Scoring one published run (see validation_run.h).
#include "sim/validate/validation_run.h"

#include <filesystem>

#include "sim/train/training_run.h"
#include "sim/units/error.h"

namespace moeplan {

double convention_flops_per_step(const Scenario& s, FlopsConvention c, int seq_len, long long global_batch) {
  const ModelSpec& m = s.model;
  const double B = static_cast<double>(global_batch), sq = seq_len, l = m.n_layers, h = m.hidden, V = m.vocab;
  const double tokens = B * sq;
  switch (c) {
    case FlopsConvention::kMegatron2021:
      // Narayanan et al., SC'21, eq. 3: forward, backward and the recomputed forward of every layer.
      return 96.0 * B * sq * l * h * h * (1.0 + sq / (6.0 * h) + V / (16.0 * l * h));
    case FlopsConvention::kMegatron2022:
      // Korthikanti et al. 2022 §6 model FLOPs: forward and backward, no recompute.
      return 72.0 * B * sq * l * h * h * (1.0 + sq / (6.0 * h) + V / (12.0 * l * h));
    case FlopsConvention::kPalm: {
      // Chowdhery et al. 2022, App. B: 6N + 12 L H Q T per token; the input embedding is a lookup, not a matmul.
      const ModelSummary ms = summarize_model(m, seq_len);
      const double n = ms.params_total - static_cast<double>(m.vocab) * m.hidden;
      return tokens * (6.0 * n + 12.0 * l * m.n_heads * m.head_dim * sq);
    }
    case FlopsConvention::kMoeplanCausal: return tokens * summarize_model(m, seq_len).train_flops_per_token;
    case FlopsConvention::kMoeplanNoncausal:
      return tokens * summarize_model(m, seq_len).train_flops_per_token_noncausal;
    case FlopsConvention::kNone: break;
  }
  throw_internal_error("convention_flops_per_step: no FLOPs convention");
}

bool profile_is_measured(const ProfileInfo& info) {
  return info.method == "measured-cuda" || info.provenance.rfind("measured", 0) == 0;
}

ValidationRow run_validation_case(const io::ValidationCase& vc, const Calibration& calib) {
  const Scenario& s = vc.scenario;
  const int main = main_phase_index(s);
  if (main < 0)
    throw_user_error("a validation scenario needs a simulated phase", ErrorContext{.file = vc.file, .key_path = "training.phases"});
  const TrainingPhase& phase = s.training.phases.at(main);
  const StepShape shape{.plan = phase.parallel, .seq_len = phase.seq_len, .global_batch = phase.global_batch, .causal = true};
  const StepResult step = simulate_step(s, calib, shape);

  ValidationRow row;
  row.file = std::filesystem::path(vc.file).filename().string();
  row.name = s.name;
  row.source = vc.spec.source;
  row.year = vc.spec.year;
  row.gpu = s.cluster.gpu.name;
  row.generation = s.cluster.gpu.arch;
  row.moe = s.model.is_moe();
  row.measured_profile = profile_is_measured(calib.info());
  row.software = s.software.name;
  row.metric = vc.spec.metric;
  row.convention = vc.spec.convention;
  row.published = vc.spec.published;

  const double gpus = s.cluster.n_gpus();
  const double tokens = static_cast<double>(phase.global_batch) * phase.seq_len;
  const double t = step.time_s;
  switch (vc.spec.metric) {
    case ValidationMetric::kStepTimeS: row.predicted = t; break;
    case ValidationMetric::kTokensPerSPerGpu: row.predicted = tokens / t / gpus; break;
    case ValidationMetric::kGpuHoursPer1TTokens: row.predicted = t * gpus / 3600.0 * 1e12 / tokens; break;
    case ValidationMetric::kTflopsPerGpu:
    case ValidationMetric::kMfu: {
      const double flops = convention_flops_per_step(s, vc.spec.convention, phase.seq_len, phase.global_batch);
      const double per_gpu = flops / t / gpus;
      row.predicted = vc.spec.metric == ValidationMetric::kMfu ? per_gpu / s.cluster.gpu.peak_bf16_flops : per_gpu / 1e12;
      break;
    }
  }
  row.error = row.predicted / row.published - 1.0;
  row.speed_error = higher_is_faster(row.metric) ? row.error : row.published / row.predicted - 1.0;
  return row;
}

}  // namespace moeplan
