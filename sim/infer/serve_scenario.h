// ServeScenario: one serving deployment and the load it must carry, as loaded from a `serving:` scenario.
//
// A serving deployment is disaggregated as DeepSeek's V3/R1 service (open-infra-index Day 6,
// published-numbers.md §5): a prefill pool and a decode pool, each built of deployment units of whole
// nodes in which attention (MLA) and the shared expert run data-parallel (optionally with TP) and the
// routed experts run expert-parallel over the unit's GPUs, plus redundant copies of hot experts. The load
// is either a daily token budget (capacity planning) or a request arrival process (request-level DES).
// The YAML schema is documented in docs/serving.md; load_serve_scenario reads it strictly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/infer/serving_metrics.h"
#include "sim/infer/serving_rates.h"
#include "sim/io/catalog.h"
#include "sim/spec/hardware_spec.h"
#include "sim/spec/model_spec.h"
#include "sim/spec/precision_recipe.h"

namespace moeplan {

// One pool (prefill or decode): the shape of one deployment unit and how it batches.
struct ServePool {
  int nodes = 0;                 // nodes of one deployment unit (the minimum that holds the model)
  int attention_tp = 1;          // TP of MLA within a DP rank
  int attention_dp = 0;          // DP ranks of attention/shared expert; 0 = unit GPUs / attention_tp
  int ep = 0;                    // EP degree of the routed experts; 0 = all GPUs of the unit
  int redundant_experts = 0;     // extra expert slots over the whole EP group (DeepSeek: 32 in both pools)
  int micro_batches = 2;         // micro-batches overlapped compute vs dispatch/combine (Day 6: 2)
  int pipeline_stages = 1;       // decode: stages of the split-attention pipeline (Day 6: 5)
  int comm_sms = 0;              // SMs held by the all-to-all kernels (taken from compute)
  double expert_load_factor = 1; // most-loaded GPU's expert rows over the balanced share
  // Prefill: computed prompt tokens per GPU per micro-batch. Decode: sequences per GPU (0 = "auto":
  // the most the KV memory and the TPOT SLO allow).
  int tokens_per_micro_batch = 4096;
  int batch_per_gpu = 0;
  int max_batch_per_gpu = 0;     // decode: a hard cap on the batch (0 = no cap beyond KV memory)
};

enum class LengthKind { kFixed, kLognormal, kUniform };

// A distribution of token counts; all parameters in tokens.
struct LengthDist {
  LengthKind kind = LengthKind::kFixed;
  double mean = 0;   // fixed value, or lognormal mean
  double sigma = 0;  // lognormal: sigma of log(length)
  double min = 0;    // uniform: [min, max]
  double max = 0;
  double expected() const { return kind == LengthKind::kUniform ? 0.5 * (min + max) : mean; }
};

// Request arrivals for the request-level simulation: Poisson or a CSV trace.
struct ArrivalSpec {
  bool enabled = false;
  double rate_per_s = 0;          // Poisson rate (ignored with a trace)
  LengthDist prompt_tokens;
  LengthDist output_tokens;
  double prefix_hit_fraction = 0; // share of each prompt found in the prefix cache
  std::string trace_path;         // CSV arrival_s,prompt_tokens,output_tokens ("" = Poisson)
};

// A day of traffic for capacity planning (Day 6 reports exactly these four figures).
struct DailyWorkload {
  bool enabled = false;
  double input_tokens_per_day = 0;
  double cache_hit_fraction = 0;
  double output_tokens_per_day = 0;
  double avg_kv_len = 0;          // average KV-cache length per output token
  double peak_to_average = 1.0;   // provision for this multiple of the average rate
};

// A day of load (`load:`): the hourly shape of the workload's rates and how the fleet follows it.
enum class FleetPolicy { kFixed, kAutoscaled };
struct LoadProfile {
  bool enabled = false;
  std::vector<double> hourly;        // 24 multipliers of the daily average rate (normalised to mean 1)
  FleetPolicy policy = FleetPolicy::kAutoscaled;
  double scale_up_delay_s = 0;       // autoscaled: added nodes start this long before the hour needing them
  int min_nodes = 0;                 // the whole fleet never goes below (0 = no floor)
  int max_nodes = 0;                 // nor above (0 = no cap); hours needing more run over capacity
};

struct ServeSlo {
  double ttft_s = 0;  // 0 = no TTFT objective
  double ttft_percentile = 0.9;  // the share of requests that must meet ttft_s (sizes the prefill pool)
  double tpot_s = 0;  // 0 = no TPOT objective (output_tokens_per_s is stored as its inverse)
  double tpot_percentile = 0.5;  // the share of requests whose TPOT must meet tpot_s (0.5 = the median)
};

// A pool on another GPU type than cluster.gpu (`serving.<pool>.gpu`): its GPU, scale-up fabric, GEMM
// precision (BF16 on a GPU without FP8 tensor cores) and price. Both pools keep cluster.gpus_per_node,
// the scale-out fabric and nics_per_node, over which the KV handoff runs (kv_transfer.h).
struct PoolGpu {
  GpuSpec gpu;
  FabricSpec scale_up;
  PrecisionRecipe precision;
  double usd_per_gpu_hour = 0;
};

struct ServeScenario {
  std::string name;
  std::string file;
  ModelSpec model;
  GpuSpec gpu;
  int gpus_per_node = 8;
  FabricSpec scale_up;           // default: the GPU's catalog fabric
  FabricSpec scale_out;          // default: ib-ndr
  int nics_per_node = 8;
  PrecisionRecipe precision;     // default fp8-deepseek: FP8 GEMMs and dispatch, BF16 combine
  DType kv_cache_dtype = DType::kBf16;
  ServePool prefill;
  ServePool decode;
  std::optional<PoolGpu> prefill_gpu;  // set: the prefill pool runs on another GPU type
  std::optional<PoolGpu> decode_gpu;
  bool mtp_enabled = false;
  double mtp_acceptance = 0.85;  // DeepSeek-V3 §5.4.3: 85-90 % for the second token
  DailyWorkload workload;
  LoadProfile load;              // with a workload: the day's shape and the fleet policy
  ArrivalSpec arrivals;
  ServeSlo slo;
  double usd_per_gpu_hour = 0;   // 0 = the GPU's catalog rental price
  std::uint64_t seed = 1;
  double duration_s = 600;       // simulated window of the request-level DES
  double warmup_s = 0;           // requests arriving before this are not measured (files: default duration / 4)
  double workspace_bytes = 0;    // per GPU reserve for activations, buffers, fragmentation (0 = default)
  std::string calibration;       // profile path; "" = the GPU's default profile
  std::vector<GpuSpec> compare_gpus;     // other GPUs to cost the same service on
  std::vector<FabricSpec> compare_scale_up;  // their scale-up fabrics (same order)
  // Published figures of this deployment (`published:`), scored by `moeplan validate`.
  std::vector<PublishedFigure> published;
  // Measured serving kernel rates (serving_rates.h), filled by run_serving from the profiles directory;
  // empty = the fabric's alpha-beta model for the decode all-to-all.
  ServingRates rates;
};

// What a pool runs on: its own GPU type when set, else the cluster's.
struct PoolHardware {
  const GpuSpec& gpu;
  const FabricSpec& scale_up;
  const PrecisionRecipe& precision;
  double usd_per_gpu_hour;
};
PoolHardware pool_hardware(const ServeScenario& s, bool decode);
// True when the two pools run on different GPU types.
bool mixed_pools(const ServeScenario& s);

// Reads a serving scenario. `overrides` are "dotted.key=value" strings applied to the YAML before it is
// read. Errors are user Errors with file:line:column, the key path, what was expected and a hint.
ServeScenario load_serve_scenario(const std::string& path, const io::Catalog& catalog,
                                  const std::vector<std::string>& overrides = {});
ServeScenario load_serve_scenario_text(const std::string& yaml, const std::string& name_for_messages,
                                       const io::Catalog& catalog,
                                       const std::vector<std::string>& overrides = {});

// True when the file's top level has a `serving:` key (how a CLI tells serving from training scenarios).
bool is_serve_scenario_file(const std::string& path);

// Cross-checks (units divide, pools fit the unit, fractions in range). Throws a user Error naming the key.
void validate(const ServeScenario& s);

const char* to_string(LengthKind k);

}  // namespace moeplan
