// ServeResult: everything one serving run reports, as a plain value that renderers format.
//
// Throughputs are per node of the pool (the unit DeepSeek's Day-6 overview reports), latencies are
// percentiles of the request-level simulation (absent when the scenario gave no arrivals and the
// simulation was not run), dollars use the scenario's $/GPU-hour. JSON keys are listed in docs/serving.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moeplan {

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, mean = 0;
  std::uint64_t count = 0;
};

struct ServeInputs {
  std::string scenario;
  std::string model;
  std::string gpu;
  std::string precision;
  std::string kv_cache_dtype;
  std::string calibration;      // profile path and method
  std::uint64_t seed = 0;
  double usd_per_gpu_hour = 0;
  int gpus_per_node = 0;
  bool mtp = false;
  double mtp_acceptance = 0;
  double avg_prompt_tokens = 0;  // from the workload or the arrival process
  double avg_output_tokens = 0;
  double cache_hit_fraction = 0;
  double avg_kv_len = 0;
};

struct PoolMemoryResult {
  double hbm_bytes = 0, weights_bytes = 0, reserve_bytes = 0, kv_bytes = 0;
  double kv_tokens = 0;         // per attention DP rank
  double expert_slots_per_gpu = 0;
};

struct PrefillResult {
  int unit_nodes = 0, ep = 0, attention_tp = 0, attention_dp = 0, micro_batches = 0;
  double step_time_s = 0;
  double computed_tokens_per_step = 0;          // per GPU (DP rank)
  double computed_tokens_per_s_per_node = 0;    // prompt tokens that miss the prefix cache
  double tokens_per_s_per_node = 0;             // input tokens incl. cache hits (Day-6 convention)
  std::string step_bound_by;                    // what sets the step: "compute", "all-to-all" or "nic"
  double compute_s = 0, comm_s = 0, exposed_comm_s = 0, attention_s = 0, expert_gemm_s = 0;
  PoolMemoryResult memory;
};

struct DecodeResult {
  int unit_nodes = 0, ep = 0, attention_tp = 0, attention_dp = 0, micro_batches = 0, pipeline_stages = 0;
  int batch_per_gpu = 0;            // sequences per attention DP rank
  int max_batch_by_kv = 0;          // what the KV memory allows at avg_kv_len
  std::string batch_limited_by;     // "kv-memory", "tpot-slo", "user", "cap"
  std::string step_bound_by;        // what sets the step: "compute", "all-to-all" or "nic"
  double step_time_s = 0;
  double tokens_per_step = 0;       // accepted tokens per sequence per step (1 + acceptance with MTP)
  double tpot_s = 0;                  // mean over requests
  double tpot_at_slo_percentile_s = 0;  // the request at slo.tpot_percentile (MTP acceptance spread)
  double tokens_per_s_per_request = 0;
  double tokens_per_s_per_gpu = 0;
  double tokens_per_s_per_node = 0;
  double compute_s = 0, comm_s = 0, exposed_comm_s = 0, attention_s = 0, expert_gemm_s = 0;
  PoolMemoryResult memory;
};

// The decode pool as provisioned, at the peak load it was sized for: whole deployment units carry the load
// at a smaller batch than the planned (largest allowed) one, so each step is shorter. This is the TPOT the
// request-level simulation of the same fleet sees; the planned batch's TPOT is the objective's check.
struct DecodeAtLoad {
  bool evaluated = false;
  double output_tokens_per_s = 0;   // the peak output rate the fleet carries
  double batch_per_gpu = 0;         // sequences per attention DP rank that carry it (interpolated)
  double step_time_s = 0;
  double tpot_s = 0;
  double load_share = 0;            // carried / what the fleet gives at the planned batch
};

// One hour of the day (daily_fleet.h).
struct HourFleet {
  double load = 0;            // rate multiplier of the daily average
  double prefill_nodes = 0;   // paid node-hours in this hour (scale-up lead time included)
  double decode_nodes = 0;
  double carried = 1;         // share of the hour's load the fleet carries (< 1 over max_nodes)
};

// The day under the load profile and fleet policy.
struct DayResult {
  bool evaluated = false;
  std::string policy;                       // "fixed" or "autoscaled"
  std::vector<HourFleet> hours;             // 24
  double avg_nodes = 0, peak_nodes = 0;     // whole fleet, node-hours / 24 and the largest hour
  double avg_prefill_nodes = 0, avg_decode_nodes = 0;
  // Per node averaged over the day: the day's tokens over the pool's node-seconds (Day-6 convention,
  // input counted with its cache hits).
  double prefill_tokens_per_s_per_node = 0;
  double decode_tokens_per_s_per_node = 0;
  double usd_per_day = 0;
  double usd_per_m_output = 0;              // the day's whole cost over its output tokens
  double usd_per_m_tokens = 0;              // over input + output tokens
  int hours_over_capacity = 0;
};

struct NodeCounts {
  double prefill_exact = 0;   // nodes the daily load's throughput needs (fractional)
  double decode_exact = 0;
  int prefill = 0;            // rounded up to whole deployment units
  int decode = 0;
  std::string prefill_limited_by;  // what set `prefill`: "throughput" or "ttft-slo"
  int total() const { return prefill + decode; }
};

// The KV-cache handoff from prefill to decode (kv_transfer.h) and the NIC time it adds to the pools.
struct KvTransferResult {
  double bytes_per_token = 0;         // all layers' KV of one token in the cache dtype
  double bytes_per_request = 0;       // at the mean prompt (cached prefix included)
  double bandwidth_Bps = 0;           // one attention DP rank's NIC share
  double latency_s = 0;
  double time_s_mean = 0;             // bytes / bandwidth + latency at the mean prompt, on idle NICs
  // NIC share busy per step over the step time: expert all-to-all (scale-out legs) plus KV sends / receives.
  double prefill_nic_utilisation = 0;
  double decode_nic_utilisation = 0;
  bool prefill_nic_bound = false;     // the NIC, not compute, sets the prefill step (and throughput)
  bool decode_nic_bound = false;
};

// The prefill pool's TTFT at the peak load, from the queueing model (prefill_ttft.h).
struct TtftModelResult {
  bool evaluated = false;           // false without a load to size for
  double percentile = 0.9;
  double slo_s = 0;                 // 0: no TTFT objective (the prediction is still reported)
  double predicted_s = 0;           // TTFT at the percentile with the sized pool
  double predicted_mean_s = 0;
  double min_achievable_s = 0;      // an empty pool, at the percentile: a lone prompt's step + its handoff
  double utilisation = 0;           // offered computed tokens over full-budget throughput, per unit
  double mean_batch_requests = 0;   // requests per prefill step at the operating point
  double mean_step_s = 0;
  double idle_share = 0;            // requests that find their unit idle
  double rate_per_s = 0;            // requests per second the pool is sized for (peak)
  int units = 0;                    // prefill deployment units provisioned
  int units_for_throughput = 0;
  int units_for_ttft = 0;           // the fewest meeting the objective (0 without one)
};

// A serving fleet's cost (named apart from sim/cost's CostResult: one name per type in the namespace).
struct ServingCost {
  double usd_per_day = 0;            // all provisioned nodes for 24 h
  double usd_per_day_exact = 0;      // fractional nodes (average occupancy), as DeepSeek's Day-6 costing
  double usd_per_m_input_hit = 0;    // $ per million input tokens served from the prefix cache
  double usd_per_m_input_miss = 0;   // $ per million input tokens computed
  double usd_per_m_output = 0;
};

struct LatencyResult {
  bool simulated = false;
  Percentiles ttft_s, tpot_s, e2e_s, queue_s;
  Percentiles kv_handoff_s;          // prefill end to KV cache on decode, incl. waiting for the rank's NIC
  double ttft_at_slo_percentile_s = 0;  // simulated TTFT at the objective's percentile (slo.ttft_percentile)
  double kv_utilisation_mean = 0;    // decode KV used / capacity, time-averaged
  double kv_utilisation_peak = 0;
  std::uint64_t requests_finished = 0;
  std::uint64_t preemptions = 0;
  double output_tokens_per_s_per_gpu = 0;   // simulated decode throughput
  double output_tokens_per_s_per_node = 0;
  double input_tokens_per_s_per_node = 0;   // simulated prefill throughput (incl. hits)
  double slo_ttft_attainment = 0;           // share of requests meeting the TTFT SLO (1 when none set)
  double slo_tpot_attainment = 0;
  int prefill_units = 0, decode_units = 0;  // what the simulation ran
};

// One GPU type priced for the same service, on the cheapest layout the search finds for it.
struct GpuOption {
  std::string gpu;
  bool feasible = false;
  std::string reason;         // why infeasible (weights do not fit, SLO unreachable, no profile, ...)
  int prefill_nodes = 0, decode_nodes = 0;
  std::string prefill_limited_by;  // "throughput" or "ttft-slo"
  int decode_batch_per_gpu = 0;
  double prefill_tokens_per_s_per_node = 0;
  double decode_tokens_per_s_per_node = 0;
  double usd_per_gpu_hour = 0;
  double usd_per_day = 0;
  double usd_per_m_input_miss = 0;
  double usd_per_m_output = 0;
  // The searched layout (serve_plan.h) and what limits it.
  std::string prefill_layout, decode_layout;  // e.g. "8n EP64 TP1xDP64"
  std::string decode_batch_limited_by;        // kv-memory, tpot-slo, ...
  std::string decode_step_bound_by;           // compute, all-to-all, nic
  bool priced = true;                         // false: no rental price (the layout is still searched)
};

struct ServeResult {
  ServeInputs inputs;
  PrefillResult prefill;
  DecodeResult decode;
  NodeCounts nodes;
  DecodeAtLoad decode_at_load;
  DayResult day;
  KvTransferResult kv_transfer;
  TtftModelResult ttft_model;
  ServingCost cost;
  LatencyResult latency;
  std::vector<GpuOption> compare;
  std::vector<std::string> notes;
};

}  // namespace moeplan
