// Names of the validation metrics and FLOPs conventions (validation_spec.h), as scenarios spell them.
#include "sim/spec/validation_spec.h"

namespace moeplan {

const char* to_string(ValidationMetric m) {
  switch (m) {
    case ValidationMetric::kTflopsPerGpu: return "tflops_per_gpu";
    case ValidationMetric::kTokensPerSPerGpu: return "tokens_per_s_per_gpu";
    case ValidationMetric::kStepTimeS: return "step_time_s";
    case ValidationMetric::kMfu: return "mfu";
    case ValidationMetric::kGpuHoursPer1TTokens: return "gpu_hours_per_1t_tokens";
  }
  return "?";
}

const char* to_string(FlopsConvention c) {
  switch (c) {
    case FlopsConvention::kNone: return "none";
    case FlopsConvention::kMegatron2021: return "megatron-2021";
    case FlopsConvention::kMegatron2022: return "megatron-2022";
    case FlopsConvention::kPalm: return "palm";
    case FlopsConvention::kMoeplanCausal: return "moeplan-causal";
    case FlopsConvention::kMoeplanNoncausal: return "moeplan-noncausal";
  }
  return "?";
}

bool higher_is_faster(ValidationMetric m) {
  return m == ValidationMetric::kTflopsPerGpu || m == ValidationMetric::kTokensPerSPerGpu || m == ValidationMetric::kMfu;
}

}  // namespace moeplan
