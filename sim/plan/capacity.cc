// Capacity planning (see capacity.h).
#include "sim/plan/capacity.h"

#include <algorithm>
#include <cstdio>

#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

int parse_int(const std::string& text) {
  double v = 0;
  try {
    v = units::parse_count(text);
  } catch (const Error&) {
    v = 0;
  }
  if (v < 1 || v > 1e7 || v != static_cast<double>(static_cast<long long>(v)))
    throw_user_error("bad GPU count `" + text + "`",
                     ErrorContext{.key_path = "--gpus", .expected = "a GPU count, a list 512,1024 or a range 512..4096"});
  return static_cast<int>(v);
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  const size_t b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Whether `c` meets the deadline and budget (0 = none), with the sentence saying so.
bool meets(const PlanCandidate& c, double deadline_days, double budget_usd, std::string* verdict) {
  std::string why;
  bool ok = true;
  if (deadline_days > 0) {
    const bool met = c.days <= deadline_days;
    ok = ok && met;
    why += std::string(met ? "meets" : "misses") + " the deadline (" + fixed(c.days, 1) + " days " +
           (met ? "<= " : "> ") + fixed(deadline_days, 1) + ")";
  }
  if (budget_usd > 0 && !c.has_price) {
    ok = false;  // an unpriced plan cannot be shown to fit a budget
    why += std::string(why.empty() ? "" : ", ") + "no price to check the budget against";
  } else if (budget_usd > 0) {
    const bool met = c.cost_usd > 0 && c.cost_usd <= budget_usd;
    ok = ok && met;
    why += std::string(why.empty() ? "" : ", ") + (met ? "within" : "over") + " the budget (" +
           units::format_usd(c.cost_usd) + (met ? " <= " : " > ") + units::format_usd(budget_usd) + ")";
  }
  *verdict = why.empty() ? "no constraint" : why;
  return ok;
}

}  // namespace

std::vector<int> parse_gpu_counts(const std::string& text, int gpus_per_node) {
  std::vector<int> out;
  const size_t dots = text.find("..");
  if (dots != std::string::npos) {
    const int lo = parse_int(trim(text.substr(0, dots)));
    const int hi = parse_int(trim(text.substr(dots + 2)));
    if (hi < lo)
      throw_user_error("empty GPU range `" + text + "`", ErrorContext{.key_path = "--gpus", .hint = "write LOW..HIGH"});
    for (long long n = lo; n < hi; n *= 2) out.push_back(static_cast<int>(n));
    out.push_back(hi);
  } else {
    size_t start = 0;
    while (start <= text.size()) {
      const size_t comma = text.find(',', start);
      const std::string item = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      out.push_back(parse_int(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  for (int n : out)
    if (n % gpus_per_node != 0)
      throw_user_error(std::to_string(n) + " GPUs is not a whole number of " + std::to_string(gpus_per_node) +
                           "-GPU nodes",
                       ErrorContext{.key_path = "--gpus", .hint = "use multiples of " + std::to_string(gpus_per_node)});
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Scenario with_gpu_count(const Scenario& s, int n_gpus) {
  Scenario out = s;
  out.cluster.n_nodes = n_gpus / s.cluster.gpus_per_node;
  const int tp_pp = s.parallel.tp * s.parallel.cp * s.parallel.pp;
  if (n_gpus % tp_pp == 0) out.parallel.dp = n_gpus / tp_pp;
  for (TrainingPhase& ph : out.training.phases) {
    const int phase_tp_pp = ph.parallel.tp * ph.parallel.cp * ph.parallel.pp;
    if (ph.parallel_overridden && n_gpus % phase_tp_pp == 0) ph.parallel.dp = n_gpus / phase_tp_pp;
  }
  return out;
}

std::string infeasible_reason(const PlanResult& r, const Scenario& s) {
  if (!r.top.empty()) return "";
  if (r.min_memory_bytes > 0)
    return r.model + " needs " + units::format_bytes(r.min_memory_bytes) + " per GPU at best (" + r.min_memory_plan +
           "); " + s.cluster.gpu.name + " has " + units::format_bytes(s.cluster.gpu.hbm_bytes) +
           (r.min_memory_bytes <= s.cluster.gpu.hbm_bytes ? ", short of the " + fixed(100 * r.min_headroom, 0) +
                                                                "% headroom a plan must leave"
                                                          : "");
  if (!r.invalid_reasons.empty())
    return "no valid plan on " + std::to_string(r.n_gpus) + " GPUs; most common reason: " +
           r.invalid_reasons.front().reason;
  return "no plan was enumerated for " + std::to_string(r.n_gpus) + " GPUs";
}

CapacityResult plan_capacity(const Scenario& s, const Calibration& calib, const std::vector<int>& gpu_counts,
                             double deadline_days, double budget_usd, const PlanSearchOptions& options) {
  CapacityResult out;
  out.objective = options.objective;
  out.deadline_days = deadline_days;
  out.budget_usd = budget_usd;
  // Every size gets the full search, DES re-rank included: the sizes must be compared at the fidelity
  // their winners are reported at, or a closed-form optimism at one size would choose it.
  std::vector<PlanResult> searches;
  for (size_t i = 0; i < gpu_counts.size(); ++i) {
    const int n = gpu_counts[i];
    const Scenario sized = with_gpu_count(s, n);
    PlanSearchOptions sized_options = options;
    sized_options.progress = options.progress.nested(std::to_string(n) + " GPUs (size " + std::to_string(i + 1) +
                                                     "/" + std::to_string(gpu_counts.size()) + ")");
    searches.push_back(search_plans(sized, calib, sized_options));
    const PlanResult& r = searches.back();
    CapacityOption opt;
    opt.n_gpus = n;
    opt.n_nodes = sized.cluster.n_nodes;
    opt.feasible = !r.top.empty();
    if (!opt.feasible) {
      opt.verdict = infeasible_reason(r, sized);
    } else {
      opt.best = r.top.front();
      opt.meets_constraints = meets(opt.best, deadline_days, budget_usd, &opt.verdict);
    }
    out.options.push_back(opt);
  }
  for (size_t i = 0; i < out.options.size(); ++i) {
    const CapacityOption& o = out.options[i];
    if (o.meets_constraints && (out.chosen < 0 || o.best.objective_value < out.options[out.chosen].best.objective_value))
      out.chosen = static_cast<int>(i);
  }
  if (out.chosen >= 0) out.chosen_search = std::move(searches[out.chosen]);
  return out;
}

}  // namespace moeplan
