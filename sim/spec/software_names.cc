// Names of the attention kernel generations and MoE dispatchers (software_spec.h), as scenarios, presets and profiles spell them.
#include <array>
#include <utility>

#include "sim/spec/software_spec.h"

namespace moeplan {
namespace {

constexpr std::array<std::pair<AttentionKernel, const char*>, 7> kKernelNames{{
    {AttentionKernel::kUnfused, "unfused"},
    {AttentionKernel::kMegatronFused, "megatron-fused"},
    {AttentionKernel::kFa1, "fa1"},
    {AttentionKernel::kFa2, "fa2"},
    {AttentionKernel::kCudnn, "cudnn"},
    {AttentionKernel::kFa3, "fa3"},
    {AttentionKernel::kFlashMla, "flashmla"},
}};

constexpr std::array<std::pair<MoeDispatcher, const char*>, 2> kDispatcherNames{{
    {MoeDispatcher::kDeepEp, "deepep"},
    {MoeDispatcher::kAllToAll, "alltoall"},
}};

}  // namespace

bool parse_moe_dispatcher(const std::string& name, MoeDispatcher* out) {
  for (const auto& [d, n] : kDispatcherNames)
    if (name == n) {
      *out = d;
      return true;
    }
  return false;
}

const char* to_string(MoeDispatcher d) {
  for (const auto& [x, n] : kDispatcherNames)
    if (x == d) return n;
  return "?";
}

std::vector<std::string> moe_dispatcher_names() {
  std::vector<std::string> names;
  for (const auto& [d, n] : kDispatcherNames) names.emplace_back(n);
  return names;
}

bool parse_attention_kernel(const std::string& name, AttentionKernel* out) {
  for (const auto& [kernel, n] : kKernelNames)
    if (name == n) {
      *out = kernel;
      return true;
    }
  return false;
}

const char* to_string(AttentionKernel k) {
  for (const auto& [kernel, n] : kKernelNames)
    if (kernel == k) return n;
  return "?";
}

std::vector<std::string> attention_kernel_names() {
  std::vector<std::string> names;
  for (const auto& [kernel, n] : kKernelNames) names.emplace_back(n);
  return names;
}

}  // namespace moeplan
