// Names of the attention kernel generations and MoE dispatchers (software_spec.h), as scenarios, presets and
// profiles spell them.
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

// The three lookups every name table here needs.
template <typename E, std::size_t N>
bool parse_from(const std::array<std::pair<E, const char*>, N>& table, const std::string& name, E* out) {
  for (const auto& [value, n] : table)
    if (name == n) {
      *out = value;
      return true;
    }
  return false;
}

template <typename E, std::size_t N>
const char* name_in(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, n] : table)
    if (v == value) return n;
  return "?";
}

template <typename E, std::size_t N>
std::vector<std::string> names_in(const std::array<std::pair<E, const char*>, N>& table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.emplace_back(entry.second);
  return names;
}

}  // namespace

bool parse_moe_dispatcher(const std::string& name, MoeDispatcher* out) { return parse_from(kDispatcherNames, name, out); }
const char* to_string(MoeDispatcher d) { return name_in(kDispatcherNames, d); }
std::vector<std::string> moe_dispatcher_names() { return names_in(kDispatcherNames); }

bool parse_attention_kernel(const std::string& name, AttentionKernel* out) {
  return parse_from(kKernelNames, name, out);
}
const char* to_string(AttentionKernel k) { return name_in(kKernelNames, k); }
std::vector<std::string> attention_kernel_names() { return names_in(kKernelNames); }

}  // namespace moeplan
