// Time to first token of a prefill pool under Poisson load, and the pool size a TTFT objective needs.
//
// A prefill deployment unit batches as the request-level simulation does (request_sim.h): when it is free
// it takes every waiting request (up to its token budget) into one step and takes nothing more until the
// step ends. That is the batch-service queue of Inoue, "Queueing analysis of GPU-based inference servers
// with dynamic batching: a closed-form characterization" (Performance Evaluation 2021, arXiv:1912.06322):
// the batch sizes form a Markov chain, batch n+1 being the arrivals during step n. Here the step time is
// taken affine in the computed tokens of the batch, T = a + b X (the deployment model's step evaluated at a
// lone request and at the operating batch), which makes the chain's first two moments closed forms:
//   E[T] = (a + b m P0) / (1 - rho_m),  Var[T] = b^2 lambda E[x^2] E[T] / (1 - rho_m^2)
// with lambda the unit's arrival rate, x a request's computed tokens (mean m), rho_m = lambda b m, and
// P0 = exp(-lambda E[T]) the chance that no request arrived during a step (the unit then idles and starts
// the next arrival alone). A request either finds its unit idle (share P0 / E[n]) and its TTFT is its own
// lone step, or it arrives in an interval I between two pickups of the pool's shared FIFO, waits the rest
// of it, (1 - U) I, and rides the next step with everyone who arrived during I:
//   TTFT = (1 - U) I + a + b x_0 + Sum_{Poisson(Lambda I)} b x_i  (+ its KV handoff, below),
// Lambda the pool's rate. With one unit I is the unit's own step, length-biased (Gamma fitted to E[T],
// Var[T]); with several, pickups are the superposition of the units' cycles at independent uniform phases
// (intervals E[T] x Beta(1, units - 1)). The TTFT percentile comes from a Gamma fitted to the mixture's
// mean and variance, through the Wilson-Hilferty cube-root approximation (Wilson & Hilferty 1931) with
// the Abramowitz & Stegun 26.2.23 normal quantile. tests/infer/prefill_ttft_test.cc compares it with the
// request-level simulation.
//
// KV handoff (kv_transfer.h): after the step each request's cache leaves through its rank's NIC share; the
// requests of a step are spread round-robin over the unit's ranks and a rank sends its requests one after
// another, so a request also waits for the handoffs ahead of it on its rank, (n - 1) / (2 R) of its batch
// on average (R ranks; linear in n, an upper bound while batches have fewer requests than ranks).
//
// Not modelled: the token budget binding on a step (the operating batch E[n] is below utilisation x the
// full batch, so the budget only binds in the tail near saturation), and prompts longer than half the
// budget (batches of one request), for which the prediction is optimistic.
#pragma once

#include <functional>

namespace moeplan {

// The load on the pool: Poisson requests with prompt-length moments and a prefix-cache hit share.
struct PrefillLoad {
  double rate_per_s = 0;            // requests per second over the whole pool (provision at the peak)
  double prompt_mean = 0;           // E[P], tokens incl. the cached prefix
  double prompt_second_moment = 0;  // E[P^2]
  double hit_fraction = 0;          // share of each prompt found in the prefix cache (not computed)
};

// One deployment unit of the pool.
struct PrefillUnit {
  std::function<double(double computed_tokens)> step_s;  // step time of a batch with that many computed tokens
  double budget_tokens = 0;        // computed tokens one step may take
  int ranks = 1;                   // attention DP ranks the step's KV handoffs are spread over
  double handoff_s_per_token = 0;  // a rank's NIC busy time per prompt token (KvTransfer::busy_s / tokens)
  double handoff_latency_s = 0;
};

struct TtftPrediction {
  bool stable = false;         // false: the offered load reaches the units' throughput (no steady state)
  double percentile = 0.9;
  double quantile_s = 0;       // TTFT at the percentile (infinity when not stable)
  double mean_s = 0;
  double sd_s = 0;
  double utilisation = 0;      // offered computed tokens / what full-budget steps compute, per unit
  double mean_batch_requests = 0;
  double mean_step_s = 0;
  double idle_share = 0;       // requests that find their unit idle
};

TtftPrediction predict_ttft(const PrefillLoad& load, const PrefillUnit& unit, int units, double percentile);

// TTFT of a lone request of the mean shape on an idle unit: its step and its handoff. No pool does better.
double empty_pool_ttft_s(const PrefillLoad& load, const PrefillUnit& unit);
// The same at the percentile (prompt lengths vary); what an unloaded pool reaches.
double empty_pool_ttft_quantile_s(const PrefillLoad& load, const PrefillUnit& unit, double percentile);

// The fewest units, at least `min_units`, whose predicted TTFT at `percentile` is <= slo_s. Throws a user
// Error naming slo.ttft when even an empty pool misses the objective.
int units_for_ttft(const PrefillLoad& load, const PrefillUnit& unit, double percentile, double slo_s, int min_units);

// Quantile of a Gamma distribution with this mean and standard deviation (Wilson-Hilferty); the mean when
// sd is 0. Exposed for tests.
double gamma_quantile(double mean, double sd, double percentile);
// Standard normal quantile (Abramowitz & Stegun 26.2.23, |error| < 4.5e-4).
double normal_quantile(double percentile);

}  // namespace moeplan
