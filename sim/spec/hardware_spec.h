// GpuSpec and FabricSpec: one accelerator type and one link technology, as read from the catalog.
//
// All rates are dense (no 2:4 sparsity) peaks per GPU with FP32 accumulate, which is what training uses;
// GeForce parts run FP32-accumulate at half their FP16-accumulate rate (shared/reference/hardware.md §4).
#pragma once

#include <string>

namespace moeplan {

enum class FabricKind { kNvlink, kPcie, kInfiniband, kRoce, kEthernet, kInfinityFabric };

struct FabricSpec {
  std::string name;          // catalog key, e.g. "nvlink4-h800", "ib-ndr"
  FabricKind kind = FabricKind::kPcie;
  double nominal_Bps = 0;    // per direction, per GPU (scale-up) or per NIC (scale-out)
  double achievable_Bps = 0; // measured per direction (nccl-tests / p2p / DeepSeek figures)
  double latency_s = 0;      // small-message one-way latency of a hop through this fabric
  std::string source;
};

struct PriceQuote {
  double usd_per_gpu_hour = 0;  // rental
  std::string date;             // "2025-03"
  std::string source;
};

struct GpuSpec {
  std::string name;             // catalog key, e.g. "h800-sxm"
  std::string display_name;     // "NVIDIA H800 SXM5"
  std::string vendor;           // "nvidia", "amd"
  std::string arch;             // "hopper", "ada", ...
  int sm_count = 0;
  double boost_clock_mhz = 0;
  double peak_fp8_flops = 0;    // dense, FP32 accumulate; 0 = no FP8 tensor cores
  double peak_bf16_flops = 0;   // dense, FP32 accumulate
  double peak_fp32_flops = 0;   // non-tensor FP32
  double hbm_bytes = 0;         // usable memory capacity
  double hbm_Bps = 0;           // memory bandwidth
  double l2_bytes = 0;
  std::string scale_up_fabric;  // FabricSpec name, or "" when the GPU has no scale-up link
  int scale_up_domain_gpus = 0; // GPUs one scale-up fabric joins when more than a node (GB200 NVL72: 72); 0: a node
  std::string host_link;        // FabricSpec name of the PCIe link
  double tdp_w = 0;
  double purchase_usd = 0;      // per GPU, street/list price
  PriceQuote rental;
  bool ecc = true;
  std::string profile;          // default calibration profile name (calibrate/profiles/<profile>.yaml)
  std::string source;

  bool has_fp8() const { return peak_fp8_flops > 0; }
};

void validate(const FabricSpec& f);
void validate(const GpuSpec& g);

const char* to_string(FabricKind k);

}  // namespace moeplan
