// String names of spec enums (used in messages, reports and YAML).
#include "sim/spec/hardware_spec.h"
#include "sim/spec/parallel_plan.h"
#include "sim/spec/precision_recipe.h"
#include "sim/spec/scenario.h"

namespace moeplan {

const char* to_string(FabricKind k) {
  switch (k) {
    case FabricKind::kNvlink: return "nvlink";
    case FabricKind::kPcie: return "pcie";
    case FabricKind::kInfiniband: return "infiniband";
    case FabricKind::kRoce: return "roce";
    case FabricKind::kEthernet: return "ethernet";
    case FabricKind::kInfinityFabric: return "infinity-fabric";
  }
  return "?";
}

const char* to_string(PipelineSchedule s) {
  switch (s) {
    case PipelineSchedule::kGpipe: return "gpipe";
    case PipelineSchedule::k1F1B: return "1f1b";
    case PipelineSchedule::kInterleaved1F1B: return "interleaved";
    case PipelineSchedule::kZbH1: return "zb-h1";
    case PipelineSchedule::kDualPipe: return "dualpipe";
    case PipelineSchedule::kDualPipeV: return "dualpipev";
  }
  return "?";
}

const char* to_string(RecomputePolicy r) {
  switch (r) {
    case RecomputePolicy::kNone: return "none";
    case RecomputePolicy::kSelective: return "selective";
    case RecomputePolicy::kFull: return "full";
  }
  return "?";
}

const char* to_string(CpComm c) {
  switch (c) {
    case CpComm::kRing: return "ring";
    case CpComm::kAllToAll: return "a2a";
  }
  return "?";
}

const char* to_string(DType t) {
  switch (t) {
    case DType::kFp8: return "fp8";
    case DType::kBf16: return "bf16";
    case DType::kFp16: return "fp16";
    case DType::kFp32: return "fp32";
  }
  return "?";
}

double bytes_of(DType t) {
  switch (t) {
    case DType::kFp8: return 1;
    case DType::kBf16: return 2;
    case DType::kFp16: return 2;
    case DType::kFp32: return 4;
  }
  return 0;
}

const char* to_string(Fidelity f) {
  switch (f) {
    case Fidelity::kAnalytic: return "analytic";
    case Fidelity::kDes: return "des";
    case Fidelity::kDesFull: return "des-full";
  }
  return "?";
}

}  // namespace moeplan
