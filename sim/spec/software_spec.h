// SoftwareSpec: what the training software asked of the hardware. The calibration profile says how fast a GPU
// runs each kernel; this says which kernels ran (the attention kernel generation, fused or unfused elementwise
// ops), whether kernels were launched one by one or replayed from CUDA graphs, and which communication the
// framework overlapped with compute. Named presets live in scenarios/catalog/software.yaml, each setting with
// its source; a scenario names one (`software: megatron-lm-2021`) and may override any field.
#pragma once

#include <string>
#include <vector>

namespace moeplan {

// Attention kernel generations, oldest first. `kUnfused` is attention as separate batched GEMMs, softmax,
// mask and dropout kernels (PyTorch eager); `kMegatronFused` the same GEMMs around Megatron-LM's fused
// scale+mask+softmax kernel (2020-09); the rest are single fused kernels.
enum class AttentionKernel { kUnfused, kMegatronFused, kFa1, kFa2, kCudnn, kFa3, kFlashMla };

// Parses "unfused", "megatron-fused", "fa1", "fa2", "cudnn", "fa3", "flashmla"; false when unknown.
bool parse_attention_kernel(const std::string& name, AttentionKernel* out);
const char* to_string(AttentionKernel k);
// Every name parse_attention_kernel accepts, oldest first (for error hints).
std::vector<std::string> attention_kernel_names();

// How MoE tokens reach their experts' GPUs. `kDeepEp` (DeepEP, HybridEP; DeepSeek-V3 §3.2.2): a token crosses
// to each remote node once and is forwarded over NVLink there. `kAllToAll`: Megatron-Core's all-to-all token
// dispatcher, one NCCL all-to-all of the permuted (token, expert) rows, every copy on its own.
enum class MoeDispatcher { kDeepEp, kAllToAll };

bool parse_moe_dispatcher(const std::string& name, MoeDispatcher* out);
const char* to_string(MoeDispatcher d);
std::vector<std::string> moe_dispatcher_names();

struct SoftwareSpec {
  std::string name = "default";            // preset name, or "default" when the scenario names none
  std::vector<std::string> sources;        // where each setting comes from
  AttentionKernel attention_kernel = AttentionKernel::kFa2;
  // Elementwise work fused into neighbouring kernels (bias+GeLU, bias+dropout+add, scale+mask+softmax): one
  // kernel and one pass over memory where unfused code runs several.
  bool fused_elementwise = true;
  // Kernels replayed from CUDA graphs: the per-kernel gap is the profile's graph figure, not its launch figure.
  bool cuda_graphs = false;
  // Data-parallel gradient reduction overlapped with the backward pass (Megatron's --overlap-grad-reduce,
  // DeepSpeed's overlap_comm, FSDP). Off: the whole exchange runs after the last backward, exposed.
  bool dp_overlap = true;
  // ZeRO parameter all-gather overlapped with the next step's forward (--overlap-param-gather). Off: exposed.
  bool param_gather_overlap = true;
  // Pipeline sends block the sending and receiving compute streams (synchronous p2p before Megatron's
  // 2023 p2p overlap); false: sends run on their own stream and only the receiver waits for the data.
  bool p2p_blocking = false;
  MoeDispatcher moe_dispatcher = MoeDispatcher::kDeepEp;
  // Under parallel.tp_comm_overlap: the SMs a Transformer Engine userbuffers collective holds while the GEMM it
  // hides under runs on the rest, and the pieces of a pipelined reduce-scatter GEMM (TE initialize_ub defaults:
  // num_sm 16, num_splits 4; sim/workload/tp_overlap_gemms.h).
  int tp_overlap_comm_sms = 16;
  int tp_overlap_pipeline_splits = 4;
  // What the stack can run, for `constraints.framework`: pipeline schedule names (as in `parallel.schedule`)
  // and plan feature names (as in `constraints.features`). Both empty: the preset declares nothing.
  std::vector<std::string> schedules;
  std::vector<std::string> features;
  bool declares_capabilities() const { return !schedules.empty() || !features.empty(); }
};

}  // namespace moeplan
