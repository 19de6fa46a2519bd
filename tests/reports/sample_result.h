// A small hand-built RunResult shared by the report tests. The values are inputs to the renderers, not
// predictions: they are chosen to be easy to check by eye and to exercise every section (two phases, one
// given; goodput on; a timeline with both DualPipe directions, an overlapped "F&B" chunk and memory samples;
// text that needs CSV quoting and XML escaping).
#pragma once

#include "sim/train/run_result.h"
#include "sim/units/units.h"

namespace moeplan::reports::testing {

inline MemoryBreakdown sample_stage(int stage, double activations_gib) {
  constexpr double G = units::kGiB;
  MemoryBreakdown m;
  m.stage = stage;
  m.weights = 10 * G;
  m.master_weights = 5 * G;
  m.gradients = 2.5 * G;
  m.optimizer = 10 * G;
  m.activations = activations_gib * G;
  m.comm_buffers = 3 * G;
  m.reserve = 4 * G;
  m.capacity = 80 * G;
  return m;
}

inline TimelineEvent event(int rank, const char* track, const char* name, const char* kind, int mb, int dir,
                           double start_s, double duration_s) {
  return TimelineEvent{rank, track, name, kind, mb, dir, start_s, duration_s};
}

inline RunResult sample_run_result() {
  RunResult r;
  r.inputs.scenario_file = "scenarios/test-mini.yaml";
  r.inputs.scenario_name = "test-mini";
  r.inputs.calibration_profile = "calibrate/profiles/h800-test.yaml";
  r.inputs.calibration_source = "hand-written test profile";
  r.inputs.moeplan_version = "0.1.0";
  r.inputs.seed = 42;
  r.inputs.fidelity = "des";
  r.inputs.gpu = "H800";
  r.inputs.n_gpus = 64;
  r.inputs.plan_summary = "TP1 PP4 EP8 DP16 ZeRO-1 DualPipe mb=1";

  r.model.name = "MoE-mini";
  r.model.params_total = 16.0e9;
  r.model.params_active = 2.5e9;
  r.model.params_mtp = 0.5e9;
  r.model.params_embedding = 0.4e9;
  r.model.train_flops_per_token = 16.5e9;
  r.model.train_flops_per_token_noncausal = 18.0e9;
  r.model.train_flops_per_token_with_mtp = 17.0e9;
  r.model.kv_cache_bytes_per_token = 70272;

  r.memory = {sample_stage(0, 30), sample_stage(1, 24), sample_stage(2, 18), sample_stage(3, 12)};
  r.memory_peak_bytes = r.memory[0].total();  // 64.5 GiB
  r.memory_fits = true;

  r.step.method = "des";
  r.step.phase = "pretrain";
  r.step.gemm_peak_format = "fp8";
  r.step.mfu_gemm_peak = 0.206;
  r.step.time_s = 2.5;
  r.step.mfu = 0.412;
  r.step.mfu_convention = "causal";
  r.step.tokens_per_s = 1.6777216e6;
  r.step.bubble_fraction = 0.075;
  r.step.exposed_comm_s = 0.125;
  r.step.micro_batches = 8;
  r.step.seq_len = 4096;
  r.step.global_batch = 1024;
  r.step.stages = {{0, 2.25, 0.125, 0.125}, {1, 2.2, 0.2, 0.1}};
  // des breakdown by phase; each stage's parts add up to the 2.5 s step.
  r.step.stages[0].has_phases = r.step.stages[1].has_phases = true;
  r.step.stages[0].phases = {0.25, 0.375, 0.125, 1.5, 0.0625, 0.1875};
  r.step.stages[1].phases = {0.125, 0.25, 0.0625, 1.75, 0.0625, 0.25};

  LayerBreakdown moe;
  moe.kind = "moe";
  moe.layer = 1;
  moe.expert_load_factor = 1.25;
  // name, class, part, F, B, W, comm forward, comm backward, forward FLOPs
  moe.ops = {{"o_proj", "gemm", "attention", 0.001, 0.001, 0.001, 0, 0, 1e12},
             {"dispatch", "dispatch", "dispatch", 0, 0, 0, 0.0015, 0.0015, 0},
             {"experts_gate_up", "grouped_gemm", "mlp", 0.002, 0.002, 0.002, 0, 0, 1.5e12},
             {"experts_act", "memory_bound", "mlp", 0.0005, 0.0005, 0, 0, 0, 0}};
  r.layers = {moe};

  PhaseResult pre;
  pre.name = "pretrain";
  pre.steps = 10000;
  pre.tokens = 4.194304e10;
  pre.seq_len = 4096;
  pre.step_time_s = 2.5;
  pre.gpu_hours = 444.4444444444444;
  pre.days = 0.28935185185185186;
  pre.plan = "TP1 PP2 DP4 ZeRO-1 1f1b mb=1 recompute=selective";
  PhaseResult sft;
  sft.name = "post-training";
  sft.gpu_hours = 100;
  sft.days = 0.0651;
  sft.given = true;
  sft.given_source = "test input, \"given\" cost";
  r.phases = {pre, sft};
  r.gpu_hours = 544.4444444444444;
  r.days = 0.35445185185185186;

  r.cost.gpu_hours = 560.5;
  r.cost.wall_clock_days = 0.365;
  r.cost.usd_per_gpu_hour = 2.0;
  r.cost.has_price = true;
  r.cost.price_source = "rental, $2/GPU-h (DeepSeek-V3 report)";
  r.cost.rental_usd = 1121;
  r.cost.owned_usd = 800.25;
  r.cost.owned_capex_usd = 700;
  r.cost.owned_power_usd = 100.25;
  r.cost.energy_mwh = 0.75;
  // The totals above include the 16.05 GPU-h failure overhead; the failure-free run is 544.44 GPU-h.
  r.cost.failures_included = true;
  r.cost.failure_free_gpu_hours = 544.4444444444444;
  r.cost.failure_free_wall_clock_days = 0.35445185185185186;
  r.cost.failure_free_rental_usd = 1088.8888888888889;
  r.cost.failure_free_owned_usd = 777.33;
  r.cost.failure_free_energy_mwh = 0.7285;

  r.goodput.enabled = true;
  r.goodput.interruptions_per_day = 0.5;
  r.goodput.expected_interruptions = 0.18;
  r.goodput.mtbf_h = 48;
  r.goodput.checkpoint_bytes = 200e9;
  r.goodput.checkpoint_write_s = 30;
  r.goodput.checkpoint_interval_s = 3600;
  r.goodput.restart_s = 600;  // 540 s relaunch + 30 s reload + 0.0083 x 3600 s node wait
  r.goodput.restart_relaunch_s = 540;
  r.goodput.restart_reload_s = 30;
  r.goodput.node_replacement_s = 3600;
  r.goodput.node_wait_fraction = 1.0 / 120;
  r.goodput.restart_node_wait_s = 30;
  r.goodput.relaunch_source = "failures.relaunch";
  r.goodput.node_replacement_source = "assumed 1 h (failures.node_replacement)";
  r.goodput.effective_time_fraction = 0.95;
  r.goodput.fraction_checkpointing = 0.02;
  r.goodput.fraction_lost_work = 0.02;
  r.goodput.fraction_restarting = 0.01;
  r.goodput.extra_gpu_hours = 16.05;
  r.goodput.extra_usd = 32.1;

  r.timeline.events = {
      event(0, "compute", "F0", "F", 0, 0, 0.0, 0.10),
      event(0, "compute", "F4", "F", 4, 1, 0.10, 0.10),
      event(0, "compute", "F1&B4", "FB", 1, 0, 0.20, 0.25),
      event(0, "comm", "dispatch", "comm", 1, 0, 0.20, 0.05),
      event(0, "compute", "W4", "W", 4, 1, 0.45, 0.05),
      event(1, "compute", "F0", "F", 0, 0, 0.10, 0.10),
      event(1, "compute", "B0", "B", 0, 0, 0.20, 0.15),
      event(1, "comm", "pp-send", "comm", 0, 0, 0.35, 0.02),
      event(1, "compute", "opt", "opt", -1, 0, 0.40, 0.10),
  };
  r.timeline.memory = {{0, 0.0, 40e9}, {0, 0.2, 60e9}, {0, 0.5, 45e9}, {1, 0.0, 35e9}, {1, 0.3, 55e9}};

  r.notes = {"Expert routing sampled with seed 42 (Zipf skew 0.2).", "Post-training cost is an input, not simulated."};
  r.inputs.calibration_provenance = "derived from h800-sxm by peak ratios";
  // Hand-set band factors 0.8 / 0.9 / 1.1 on speed (published over predicted), so each figure's band is exact.
  r.bands.present = true;
  r.bands.basis = "hopper, MoE, profile derived (6 runs)";
  r.bands.source = "scenarios/validation/residuals.csv";
  const auto time_band = [](double x) { return FigureBand{x / 1.1, x / 0.9, x / 0.8}; };
  r.bands.step_time_s = time_band(r.step.time_s);
  r.bands.tokens_per_s = FigureBand{0.8 * r.step.tokens_per_s, 0.9 * r.step.tokens_per_s, 1.1 * r.step.tokens_per_s};
  r.bands.gpu_hours = time_band(r.cost.gpu_hours);
  r.bands.days = time_band(r.cost.wall_clock_days);
  r.bands.rental_usd = time_band(r.cost.rental_usd);
  return r;
}

}  // namespace moeplan::reports::testing
