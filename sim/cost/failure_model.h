// Failures, checkpoints and goodput: how interruptions stretch a training run and what that costs.
//
// Model (first order in 1/MTBF, the same accounting as Young 1974 and Daly 2006):
//   - Interruptions are a Poisson process whose job-wide rate is sum over classes of per_gpu_day x GPUs
//     (FailureSpec; defaults from Llama 3 Table 5, see llama3_failures.h). MTBF M = 1 / rate.
//   - The job writes a checkpoint of `checkpoint_bytes` every tau seconds of compute, taking
//     delta = bytes / storage bandwidth, and training stalls while it writes (synchronous checkpoint).
//   - An interruption loses on average half a segment, (tau + delta) / 2, and then costs a restart R.
//   - Elapsed time E for useful time U solves E = U (1 + delta/tau) + (E / M) ((tau + delta)/2 + R), so
//     the fractions checkpointing + lost work + restarting + useful sum to 1.
// The optimal tau is Daly's higher-order estimate (Daly, "A higher order estimate of the optimum checkpoint
// interval for restart dumps", FGCS 22(3) 2006); Young's first-order sqrt(2 delta M) (Young, CACM 17(9) 1974)
// is provided for comparison.
//
// Restart R = relaunch + checkpoint reload (or FailureSpec::restart_s when given) + (for interruptions that
// take a node out) the wait for a replacement node when no healthy node is free. Free nodes are the job's hot
// spares (healthy nodes already allocated to it, paid for while idle, so their GPU-hours count as overhead)
// and the cluster's idle nodes outside the job (FailureSpec::pool_nodes, not paid by the job). Either
// replaces the failed node at the relaunch, and the failed node rejoins the free nodes after repair. With S
// free nodes, nodes in repair form an M/G/inf queue, so the number under repair when a failure arrives is
// Poisson with mean (node-failure rate x repair time), and the failure waits only when that number is >= S.
#pragma once

#include <string>

#include "sim/cost/cost_result.h"
#include "sim/spec/failure_spec.h"

namespace moeplan {

// Assumptions without a published figure behind them; callers may override any of them.
struct GoodputOptions {
  // Failure detection, rescheduling, process start and communicator init, excluding the checkpoint reload
  // (which is computed from the storage bandwidth). moeplan assumption: 10 minutes; Llama 3 does not publish
  // its restart time.
  double relaunch_s = 600;
  // With no hot spare free: drain the failed node, bring a healthy node from the cluster's pool (or wait for
  // repair) and health-check it. moeplan assumption: 1 hour.
  double node_replace_s = 3600;
  // How long a failed node is out before it can serve as a spare again. moeplan assumption: 1 day.
  double node_repair_s = 86400;
};

// Young (1974): tau = sqrt(2 delta M). Seconds.
double young_interval_s(double checkpoint_write_s, double mtbf_s);

// Daly (2006), higher-order estimate: tau = sqrt(2 delta M) [1 + sqrt(delta/(2M))/3 + (delta/(2M))/9] - delta for delta < 2M,
// else tau = M. Seconds.
double daly_interval_s(double checkpoint_write_s, double mtbf_s);

// Daly (2006) complete model of expected wall time for `work_s` of computation with exponential failures:
// T = M e^{R/M} (e^{(tau+delta)/M} - 1) work / tau. Used to check the first-order accounting.
double daly_expected_wall_s(double work_s, double interval_s, double checkpoint_write_s, double restart_s,
                            double mtbf_s);

// The accounting above as fractions of elapsed time, for interruptions every `mtbf_s` that each cost `restart_s`,
// with a checkpoint taking `checkpoint_write_s` every `interval_s` of compute (0: none, and no work is lost).
// compute_goodput and the churn model (churn_model.h) share it. Throws a user Error at `key_path` when each
// interruption costs more than the time between them.
struct GoodputFractions {
  double effective = 1;      // useful / elapsed
  double checkpointing = 0;
  double lost_work = 0;
  double restarting = 0;
};
GoodputFractions goodput_fractions(double mtbf_s, double interval_s, double checkpoint_write_s, double restart_s,
                                   const std::string& key_path);

// Aggregate checkpoint write bandwidth for a job of n_gpus when none is given: Llama 3's Tectonic storage
// sustained 2 TB/s for up to 16,384 GPUs (arXiv:2407.21783 §3.3.1), scaled linearly per GPU.
double default_storage_write_Bps(int n_gpus);

// Whether an interruption of this class takes a node out of the job (hardware, network attachment,
// unplanned host maintenance) rather than only the processes (categories Dependency, Software, Unknown).
bool needs_node_replacement(const FailureClass& c);

// P(N >= k) for N ~ Poisson(mean); 1 for k <= 0.
double poisson_tail(double mean, int k);

// Goodput of a training job. `checkpoint_bytes` is the whole job's checkpoint, `useful_gpu_hours` the
// failure-free GPU-hours of the run, `usd_per_gpu_hour` the rate that prices the extra GPU-hours.
// FailureSpec fields left at 0 take the defaults above (Llama 3 classes, storage bandwidth, restart).
// Returns enabled = false and effective_time_fraction = 1 when failures are disabled. Throws a user Error
// on bad input or when interruptions come faster than the job can recover from them.
GoodputResult compute_goodput(const FailureSpec& spec, int n_gpus, int gpus_per_node, double checkpoint_bytes,
                              double useful_gpu_hours, double usd_per_gpu_hour);
GoodputResult compute_goodput(const FailureSpec& spec, int n_gpus, int gpus_per_node, double checkpoint_bytes,
                              double useful_gpu_hours, double usd_per_gpu_hour, const GoodputOptions& options);

}  // namespace moeplan
