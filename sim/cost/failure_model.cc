// Failure and goodput model; see failure_model.h for the accounting and its sources.
#include "sim/cost/failure_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "sim/cost/llama3_failures.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

// Llama 3 §3.3.1: Tectonic sustains 2 TB/s (7 TB/s peak) for jobs of up to 16K GPUs.
constexpr double kTectonicSustainedBps = 2e12;
constexpr double kTectonicGpus = 16384;

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

void require(bool ok, const std::string& key, const std::string& message) {
  if (!ok) throw_user_error(message, ErrorContext{.key_path = key});
}

}  // namespace

double young_interval_s(double checkpoint_write_s, double mtbf_s) {
  return std::sqrt(2.0 * checkpoint_write_s * mtbf_s);
}

double daly_interval_s(double checkpoint_write_s, double mtbf_s) {
  const double delta = checkpoint_write_s;
  const double m = mtbf_s;
  // Beyond delta = 2M the perturbation series no longer converges and Daly takes tau = M.
  if (delta >= 2.0 * m) return m;
  const double x = delta / (2.0 * m);
  return std::sqrt(2.0 * delta * m) * (1.0 + std::sqrt(x) / 3.0 + x / 9.0) - delta;
}

double daly_expected_wall_s(double work_s, double interval_s, double checkpoint_write_s, double restart_s,
                            double mtbf_s) {
  const double m = mtbf_s;
  return m * std::exp(restart_s / m) * std::expm1((interval_s + checkpoint_write_s) / m) * work_s / interval_s;
}

double default_storage_write_Bps(int n_gpus) {
  return kTectonicSustainedBps * (static_cast<double>(n_gpus) / kTectonicGpus);
}

bool needs_node_replacement(const FailureClass& c) {
  const std::string cat = lower(c.category);
  return !(cat == "dependency" || cat == "software" || cat == "unknown");
}

double poisson_tail(double mean, int k) {
  if (k <= 0) return 1.0;
  if (mean <= 0) return 0.0;
  // 1 - sum_{i<k} e^-m m^i / i!, with the terms built iteratively in log-free form.
  double term = std::exp(-mean);
  double below = 0;
  for (int i = 0; i < k; ++i) {
    below += term;
    term *= mean / (i + 1);
    // Past the mode the terms shrink faster than geometrically: the rest cannot change the sum.
    if (i > mean && term < 1e-17 * below) break;
  }
  return std::clamp(1.0 - below, 0.0, 1.0);
}

GoodputFractions goodput_fractions(double mtbf_s, double interval_s, double checkpoint_write_s, double restart_s,
                                   const std::string& key_path) {
  const double tau = interval_s;
  const double delta = checkpoint_write_s;
  // delta = 0 and no interval given: checkpointing is free and continuous, so no work is lost.
  const double ckpt_per_useful = tau > 0 ? delta / tau : 0;
  const double loss_per_failure_s = (tau + delta) / 2.0 + restart_s;
  const double loss_share = loss_per_failure_s / mtbf_s;
  if (loss_share >= 1.0) {
    throw_user_error(
        "interruptions come every " + units::format_duration(mtbf_s) + " but each costs " +
            units::format_duration(loss_per_failure_s) + " of rework and restart: the job cannot make progress",
        ErrorContext{.key_path = key_path,
                     .hint = "use fewer GPUs, faster checkpoint storage, a shorter restart or hot spares"});
  }
  // E = U (1 + delta/tau) / (1 - loss/M); fractions of E follow directly.
  const double elapsed_per_useful = (1.0 + ckpt_per_useful) / (1.0 - loss_share);
  GoodputFractions f;
  f.effective = 1.0 / elapsed_per_useful;
  f.checkpointing = ckpt_per_useful / elapsed_per_useful;
  f.lost_work = (tau + delta) / 2.0 / mtbf_s;
  f.restarting = restart_s / mtbf_s;
  return f;
}

GoodputResult compute_goodput(const FailureSpec& spec, int n_gpus, int gpus_per_node, double checkpoint_bytes,
                              double useful_gpu_hours, double usd_per_gpu_hour) {
  return compute_goodput(spec, n_gpus, gpus_per_node, checkpoint_bytes, useful_gpu_hours, usd_per_gpu_hour,
                         GoodputOptions{});
}

GoodputResult compute_goodput(const FailureSpec& spec, int n_gpus, int gpus_per_node, double checkpoint_bytes,
                              double useful_gpu_hours, double usd_per_gpu_hour, const GoodputOptions& options) {
  require(n_gpus > 0, "cluster", "the job needs at least one GPU");
  require(gpus_per_node > 0, "cluster.gpus_per_node", "must be positive");
  require(checkpoint_bytes >= 0 && std::isfinite(checkpoint_bytes), "failures.checkpoint_bytes", "must be >= 0");
  require(useful_gpu_hours >= 0 && std::isfinite(useful_gpu_hours), "cost.gpu_hours", "must be >= 0");
  require(usd_per_gpu_hour >= 0, "price.usd_per_gpu_hour", "must be >= 0");
  require(spec.storage_write_Bps >= 0, "failures.storage_write_bandwidth", "must be >= 0");
  require(spec.restart_s >= 0, "failures.restart", "must be >= 0");
  require(spec.checkpoint_interval_s >= 0, "failures.checkpoint_interval", "must be >= 0");
  require(spec.hot_spare_nodes >= 0, "failures.hot_spare_nodes", "must be >= 0");
  require(spec.pool_nodes >= 0, "failures.pool_nodes", "must be >= 0");
  // A part the scenario gives replaces the assumption.
  const double relaunch_s = spec.relaunch_s.value_or(options.relaunch_s);
  const double node_replace_s = spec.node_replacement_s.value_or(options.node_replace_s);
  const double node_repair_s = spec.node_repair_s.value_or(options.node_repair_s);
  require(relaunch_s >= 0 && node_replace_s >= 0 && node_repair_s >= 0, "failures",
          "relaunch, replacement and repair times must be >= 0");

  GoodputResult r;
  r.enabled = spec.enabled;
  r.checkpoint_bytes = checkpoint_bytes;
  if (!spec.enabled) return r;

  const std::vector<FailureClass> classes = spec.classes.empty() ? llama3_failure_classes() : spec.classes;
  double rate_per_gpu_day = 0;
  double node_rate_per_gpu_day = 0;  // the part that takes a node out of the job
  for (const auto& c : classes) {
    require(c.per_gpu_day >= 0 && std::isfinite(c.per_gpu_day), "failures.classes." + c.name,
            "interruption rate must be >= 0");
    rate_per_gpu_day += c.per_gpu_day;
    if (needs_node_replacement(c)) node_rate_per_gpu_day += c.per_gpu_day;
  }

  const double useful_s = useful_gpu_hours / n_gpus * units::kSecondsPerHour;
  const double storage_Bps = spec.storage_write_Bps > 0 ? spec.storage_write_Bps : default_storage_write_Bps(n_gpus);
  const double delta = checkpoint_bytes / storage_Bps;
  r.checkpoint_write_s = delta;

  r.interruptions_per_day = rate_per_gpu_day * n_gpus;
  if (r.interruptions_per_day <= 0) {
    // No interruptions: checkpoints are still written at the given interval, else none are needed.
    r.checkpoint_interval_s = spec.checkpoint_interval_s;
    const double ckpt = spec.checkpoint_interval_s > 0 ? delta / spec.checkpoint_interval_s : 0;
    r.effective_time_fraction = 1.0 / (1.0 + ckpt);
    r.fraction_checkpointing = 1.0 - r.effective_time_fraction;
  } else {
    const double mtbf_s = units::kSecondsPerDay / r.interruptions_per_day;
    r.mtbf_h = mtbf_s / units::kSecondsPerHour;

    // Restart: relaunch + reload the checkpoint at the same bandwidth + waiting for a node when none is free.
    // Any healthy node will do: the job's hot spares or the cluster's idle nodes, which the scheduler swaps
    // in during the relaunch (Llama 3 §3.3.4: of 419 interruptions only three needed significant manual
    // intervention, "the rest ... handled by automation"). Only when both are used up does the job wait.
    r.restart_given = spec.restart_s > 0;
    r.restart_relaunch_s = r.restart_given ? spec.restart_s : relaunch_s;
    r.restart_reload_s = r.restart_given ? 0 : delta;
    r.relaunch_source = r.restart_given ? "failures.restart (relaunch and checkpoint reload together)"
                        : spec.relaunch_s ? "failures.relaunch"
                                          : "assumed 10 min (failures.relaunch); Llama 3 does not publish its restart time";
    r.node_replacement_source = spec.node_replacement_s ? "failures.node_replacement"
                                                        : "assumed 1 h (failures.node_replacement): drain, swap in a "
                                                          "healthy node, health-check it";
    const double node_failures_per_s = node_rate_per_gpu_day * n_gpus / units::kSecondsPerDay;
    const long long free_nodes = static_cast<long long>(spec.hot_spare_nodes) + spec.pool_nodes;
    const double p_no_spare = poisson_tail(node_failures_per_s * node_repair_s,
                                           static_cast<int>(std::min<long long>(free_nodes, std::numeric_limits<int>::max())));
    const double node_share = node_rate_per_gpu_day / rate_per_gpu_day;
    r.node_replacement_s = node_replace_s;
    r.node_wait_fraction = node_share * p_no_spare;
    r.restart_node_wait_s = r.node_wait_fraction * node_replace_s;
    r.restart_s = r.restart_relaunch_s + r.restart_reload_s + r.restart_node_wait_s;

    double tau = spec.checkpoint_interval_s;
    if (tau <= 0) tau = daly_interval_s(delta, mtbf_s);
    r.checkpoint_interval_s = tau;
    const GoodputFractions f = goodput_fractions(mtbf_s, tau, delta, r.restart_s, "failures");
    r.effective_time_fraction = f.effective;
    r.fraction_checkpointing = f.checkpointing;
    r.fraction_lost_work = f.lost_work;
    r.fraction_restarting = f.restarting;
  }

  const double elapsed_s = useful_s / r.effective_time_fraction;
  r.expected_interruptions = r.interruptions_per_day * elapsed_s / units::kSecondsPerDay;
  // Rework, restarts and checkpoint stalls on the job's GPUs, plus the idle hot spares for the whole run.
  const double spare_gpu_hours =
      static_cast<double>(spec.hot_spare_nodes) * gpus_per_node * elapsed_s / units::kSecondsPerHour;
  r.extra_gpu_hours = useful_gpu_hours * (1.0 / r.effective_time_fraction - 1.0) + spare_gpu_hours;
  r.extra_usd = r.extra_gpu_hours * usd_per_gpu_hour;
  return r;
}

}  // namespace moeplan
