// RunResult: everything `moeplan run` computes for one scenario. Reports render it; they compute nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/cost/churn_result.h"
#include "sim/cost/cost_result.h"
#include "sim/model/memory_breakdown.h"
#include "sim/train/mixed_result.h"
#include "sim/train/scale_out_result.h"

namespace moeplan {

struct ModelSummary {
  std::string name;
  double params_total = 0;            // main model, excluding MTP modules
  double params_active = 0;           // per token, main model
  double params_mtp = 0;              // MTP modules (unique parameters)
  double params_embedding = 0;
  double train_flops_per_token = 0;   // forward + backward, at the run's seq_len, causal attention, main model
  double train_flops_per_token_with_mtp = 0;  // the same with the MTP modules: what MFU counts
  double train_flops_per_token_noncausal = 0;
  double kv_cache_bytes_per_token = 0;  // BF16 cache
};

// A stage's step by what its chunks were doing, the way DeepSeek's ISCA'25 paper breaks down a DeepSeek-V3 step
// (arXiv:2505.09343, Table 4: 1F, 1B, 1W, 1F1B, bubble, opt). A chunk's time runs from its first task's start to
// its last task's finish, its own exposed communication included; the parts add up to the step time.
struct StagePhases {
  double forward_s = 0;               // forward chunks run alone ("1F")
  double backward_input_s = 0;        // input-gradient backward chunks run alone ("1B")
  double backward_weight_s = 0;       // weight-gradient work run alone ("1W"), also when it follows its B directly
  double overlapped_s = 0;            // F&B chunk pairs run overlapped ("1F1B": DualPipe's paired chunks)
  double optimizer_s = 0;             // the optimizer step ("opt")
  double waiting_s = 0;               // the rest: waiting on other stages and the step-end gradient exchange ("bubble")
};

struct StageStats {
  int stage = 0;
  double busy_s = 0;                  // compute stream busy
  double idle_s = 0;                  // bubble
  double exposed_comm_s = 0;          // communication not hidden under compute
  bool has_phases = false;            // `des`, and `des-full` (the stage's first DP replica); not `analytic`
  StagePhases phases;
};

struct StepResult {
  std::string method;                 // "analytic" | "des" | "des-full"
  std::string phase;                  // the training phase this step belongs to (the headline names it)
  double time_s = 0;
  // MFU's numerator is the model FLOPs of the step: forward + backward of every layer the step runs, the MTP
  // modules included (ModelSummary::train_flops_per_token_with_mtp per token), attention per mfu_convention.
  double mfu = 0;                     // model FLOPs / (time x GPUs x dense BF16 peak)
  std::string mfu_convention = "causal";  // attention FLOPs convention used for MFU
  // The same FLOPs against the dense peak of the format the GEMMs run in (FP8 for an FP8 recipe on a GPU
  // with FP8 tensor cores, else BF16): how close the run comes to what its kernels could reach.
  double mfu_gemm_peak = 0;
  std::string gemm_peak_format = "bf16";
  double tokens_per_s = 0;
  double bubble_fraction = 0;
  double exposed_comm_s = 0;
  int micro_batches = 0;
  int seq_len = 0;
  int global_batch = 0;
  std::vector<StageStats> stages;
};

struct PhaseResult {
  std::string name;
  long long steps = 0;
  double tokens = 0;
  int seq_len = 0;
  double step_time_s = 0;             // mean over the phase (batch ramp included)
  double gpu_hours = 0;
  double days = 0;
  bool given = false;                 // cost was an input, not simulated
  std::string given_source;
  std::string plan;                   // plan_summary of the layout a simulated phase ran
};

// One timeline interval, for traces and the Gantt chart.
struct TimelineEvent {
  int rank = 0;                       // pipeline stage (or global rank at des-full)
  std::string track;                  // "compute", "comm", "pp-send", "dp", link class...
  std::string name;                   // "F3", "B3", "W3", "F3&B1", "dispatch", ...
  std::string kind;                   // "F" | "B" | "W" | "FB" | "comm" | "opt" | "other"
  int micro_batch = -1;
  int direction = 0;                  // DualPipe: 0 = fed from stage 0, 1 = fed from the last stage
  double start_s = 0;
  double duration_s = 0;
};

struct MemorySample {
  int rank = 0;
  double time_s = 0;
  double bytes = 0;
};

struct Timeline {
  std::vector<TimelineEvent> events;
  std::vector<MemorySample> memory;
  std::string rank_label = "stage";   // what `rank` counts: "stage" (des) or "GPU" (des-full: a global GPU index)
};

// Where one layer's time goes: each op of one micro-batch through one transformer layer on the median GPU, as
// the step simulation times it (compute at full SMs; communication per direction, before any overlap).
struct LayerOpTime {
  std::string name;                   // "q_a_proj", "attn_core", "dispatch", "experts_gate_up", ...
  std::string op_class;               // "gemm", "grouped_gemm", "attention", "memory_bound", "dispatch", ...
  std::string part;                   // DualPipe component: "attention", "dispatch", "mlp", "combine"
  double forward_s = 0;               // F
  double backward_input_s = 0;        // B, recomputation included
  double backward_weight_s = 0;       // W
  double comm_s = 0;                  // dispatch / combine / TP collective / CP ring left exposed, forward
  double comm_backward_s = 0;         // ... backward (differs from forward for the CP ring only)
  double forward_flops = 0;           // model FLOPs of the forward pass
};

struct LayerBreakdown {
  std::string kind;                   // "dense" or "moe"
  int layer = 0;                      // the layer shown (every layer of its kind has the same ops)
  double expert_load_factor = 1;      // most loaded rank's routed tokens / balanced, as the step used
  std::vector<LayerOpTime> ops;       // forward order
};

struct RunInputs {
  std::string scenario_file;
  std::string scenario_name;
  std::string calibration_profile;    // path or name
  std::string calibration_source;     // profile's method/source line
  // Sustained-load factors on compute rates ("bf16 0.940 (60 s back-to-back GEMM)"); "" = the profile has
  // no sustained run, so its short-run kernel rates are used as they are.
  std::string calibration_sustained;
  // "measured on this GPU ..." or "derived from h800-sxm by ..." (the profile's provenance, readable).
  std::string calibration_provenance;
  std::string moeplan_version;
  std::uint64_t seed = 0;
  std::string fidelity;
  std::string gpu;
  int n_gpus = 0;
  std::string plan_summary;           // "TP1 PP16 EP64 DP128 ZeRO-1 DualPipe mb=1"
};

// How far off predictions like this one have been on published runs: P10/P50/P90 of each headline figure,
// from the residuals of the most similar validation runs (sim/validate/run_bands.h). It never moves the point
// estimate; reports print it beside the prediction.
struct FigureBand {
  double p10 = 0, p50 = 0, p90 = 0;
};

struct ErrorBands {
  bool present = false;
  std::string basis;                  // which runs: "hopper, MoE, profile measured (6 runs)"
  std::string source;                 // the residuals file
  std::string why_absent;             // when not present: why
  FigureBand step_time_s, tokens_per_s, gpu_hours, days, rental_usd;
};

struct RunResult {
  RunInputs inputs;
  ModelSummary model;
  std::vector<MemoryBreakdown> memory;  // per pipeline stage
  double memory_peak_bytes = 0;
  bool memory_fits = false;
  // When a plan does not fit: which stage (or phase), by how much, and its largest part; "" when it fits.
  std::string does_not_fit;
  StepResult step;
  std::vector<PhaseResult> phases;
  double gpu_hours = 0;               // sum over phases, before failure overhead
  double days = 0;
  CostResult cost;
  GoodputResult goodput;
  ChurnResult churn;          // spot preemptions or volunteer churn (availability); enabled = false without
  std::vector<LayerBreakdown> layers;  // main phase: a dense and an MoE layer (those the model has)
  Timeline timeline;                  // empty unless the fidelity produced one
  std::vector<std::string> notes;     // assumptions worth telling the reader
  ErrorBands bands;                   // filled by the caller (sim/validate), empty otherwise
  MixedResult mixed;                  // pools of different GPU types (cluster.pools); empty otherwise
  ScaleOutResult scale_out;           // multi-site runs only (present = false otherwise)
};

}  // namespace moeplan
