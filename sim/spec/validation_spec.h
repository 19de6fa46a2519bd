// ValidationSpec: the published figure a validation scenario (scenarios/validation/) is scored against, with
// where it comes from and how its FLOPs were counted.
#pragma once

#include <string>

namespace moeplan {

enum class ValidationMetric {
  kTflopsPerGpu,        // FLOPs per step in the source's convention / step time / GPUs
  kTokensPerSPerGpu,    // tokens per step / step time / GPUs
  kStepTimeS,           // seconds per optimizer step
  kMfu,                 // kTflopsPerGpu over the GPU's dense BF16 peak
  kGpuHoursPer1TTokens, // GPU-hours of failure-free steps per 10^12 tokens
};

// How a source counts the FLOPs behind a TFLOPS or MFU figure.
enum class FlopsConvention {
  kNone,               // metrics that need none
  kMegatron2021,       // 96 B s l h^2 (1 + s/6h + V/16lh): Narayanan et al. SC'21 eq. 3, counts full recompute
  kMegatron2022,       // 72 B s l h^2 (1 + s/6h + V/12lh): Korthikanti et al. 2022 model FLOPs, Megatron-Core's
                       // num_floating_point_operations for MHA with a 4h GeLU MLP
  kPalm,               // 6N + 12 L H Q T per token (Chowdhery et al. 2022, App. B), N without the input embedding
  kMoeplanCausal,      // moeplan's model FLOPs with causal attention (the report's MFU)
  kMoeplanNoncausal,   // the same with attention over the whole square (NeMo's and Megatron-Core's count)
};

struct ValidationSpec {
  std::string source;          // citation of the published figure
  int year = 0;
  ValidationMetric metric = ValidationMetric::kTokensPerSPerGpu;
  double published = 0;
  FlopsConvention convention = FlopsConvention::kNone;
  std::string notes;
};

const char* to_string(ValidationMetric m);
const char* to_string(FlopsConvention c);
// True when a larger value of the metric means a faster run.
bool higher_is_faster(ValidationMetric m);

}  // namespace moeplan
