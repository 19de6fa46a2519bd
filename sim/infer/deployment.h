// The deployment model: per-GPU memory and KV capacity of a serving pool, and the analytic time of one
// prefill step and one decode step, built from the op inventory (sim/model/layer_ops.h) timed through the
// calibration profile.
//
// How a step is put together (DeepSeek open-infra-index Day 6, published-numbers.md §5):
// - every GPU is one attention/shared-expert DP rank (or attention_tp GPUs are), and the routed experts
//   with their redundant copies are spread over the EP group: (E + redundant) / ep slots per GPU;
// - a step is split into `micro_batches` micro-batches; with two, one micro-batch's dispatch/combine runs
//   while the other computes, so a layer costs max(compute, communication) of the pair. What cannot be
//   hidden is the first stage of the pipeline, min(compute, comm) of one micro-batch / pipeline_stages
//   (decode splits attention to get a 5-stage pipeline, Day 6);
// - decode attention is FlashMLA's absorbed MQA form: per layer it reads each sequence's cached latent
//   (d_c + d_h^R values per token) and does 2 x queries x context x heads x (d_c + d_h^R + d_c) FLOPs, so it
//   is memory-bound on KV bytes (FlashMLA README: 3000 GB/s memory-bound, published-numbers.md §4.3);
// - expert GEMMs see (tokens x top_k x load factor) / slots rows each, which the calibration curve prices
//   (few rows per expert = low efficiency);
// - prefill attention is the non-absorbed MHA form over the whole context of each computed token, so a
//   prefix-cache hit saves its GEMM work but its keys are still attended to.
#pragma once

#include "sim/calib/calibration.h"
#include "sim/infer/serve_scenario.h"

namespace moeplan {

// Per GPU of a pool.
struct PoolMemory {
  double hbm_bytes = 0;
  double weights_bytes = 0;      // replicated attention/shared/dense/embedding/head + this GPU's expert slots
  double reserve_bytes = 0;      // activations, all-to-all buffers, cuBLAS workspace, fragmentation
  double kv_bytes = 0;           // what is left for the KV cache (negative: the weights do not fit)
  double kv_bytes_per_token = 0; // all layers (+ the MTP layer when drafting)
  double kv_tokens = 0;          // KV capacity of one attention DP rank, in tokens
  double expert_slots_per_gpu = 0;
  bool fits() const { return kv_bytes > 0; }
};

PoolMemory pool_memory(const ServeScenario& s, const ServePool& pool, bool decode);

struct StepCost {
  double time_s = 0;            // one step of the pool
  double compute_s = 0;         // GPU compute over all layers and micro-batches (incl. head, MTP)
  double comm_s = 0;            // dispatch + combine over all layers and micro-batches
  double scale_out_s = 0;       // of which the scale-out (NIC) legs: how long the GPU's NIC share is busy
  double attention_core_s = 0;  // part of compute_s: core attention (MLA decode: KV reads)
  double expert_gemm_s = 0;     // part of compute_s: routed-expert grouped GEMMs
  double exposed_comm_s = 0;    // time_s - compute_s (communication not hidden)
  double tokens = 0;            // tokens one attention DP rank processes in the step
};

// One prefill step: every attention DP rank computes `micro_batches` micro-batches of `tokens_per_micro_batch`
// prompt tokens (0 = the pool's setting) whose average attended context is `avg_context` tokens.
StepCost prefill_step(const ServeScenario& s, const Calibration& calib, double avg_context,
                      double tokens_per_micro_batch = 0);

// One decode step with `batch` sequences per attention DP rank at average KV length `avg_kv_len`; with MTP
// each sequence verifies one drafted token (2 query tokens) and the MTP module drafts the next.
StepCost decode_step(const ServeScenario& s, const Calibration& calib, int batch, double avg_kv_len);

// Output tokens one sequence gains per decode step: 1 + acceptance with MTP (DeepSeek-V3 §5.4.3), else 1.
double tokens_per_decode_step(const ServeScenario& s);

// Tokens per step that the slowest `1 - percentile` of requests fall short of: with MTP each step accepts
// the draft with probability a (Bernoulli, as the request simulation draws it), so over a request's
// n = output_tokens / (1 + a) steps its mean gain per step has spread sqrt(a (1 - a) / n), and the
// percentile's request gains 1 + a - z sqrt(a (1 - a) / n) (normal approximation; z the standard normal
// quantile). Its TPOT is the step time over this. Without MTP every step gains 1.
double tokens_per_decode_step_at(const ServeScenario& s, double percentile, double output_tokens);

}  // namespace moeplan
