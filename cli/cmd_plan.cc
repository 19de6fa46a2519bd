// `moeplan plan SCENARIO`: search the parallel layouts of a scenario's cluster and rank them; with --gpus,
// --deadline or --budget, also choose the cluster size (capacity planning).
#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "cli/progress_view.h"
#include "cli/commands.h"
#include "reports/plan_report.h"
#include "sim/plan/capacity.h"
#include "sim/plan/plan_search.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan::cli {
namespace {

struct PlanArgs {
  std::string scenario;
  std::string objective = "time";
  int top = 10;
  int des = -1;
  int threads = 0;
  std::string gpus;
  std::string deadline;
  std::string budget;
  std::string min_headroom = "5%";
  CommonOptions common;
};

// Sizes tried when only a deadline or budget is given: a quarter to four times the scenario's cluster.
std::vector<int> default_sizes(const Scenario& s) {
  const int n = s.cluster.n_gpus(), node = s.cluster.gpus_per_node;
  std::vector<int> out;
  for (long long g = std::max(node, n / 4); g <= 4LL * n; g *= 2)
    if (g % node == 0) out.push_back(static_cast<int>(g));
  return out;
}

void run(CliContext& ctx, const PlanArgs& a) {
  require_format(a.common.format, {"text", "json", "md", "csv"});
  const Scenario s = ctx.load(a.scenario, a.common);
  refuse_mixed_pools(s, "plan");
  CliContext::require_one_cluster(s, "plan");
  const auto calib = ctx.calibration_for(s);
  PlanSearchOptions o;
  o.objective = parse_objective(a.objective);
  o.top_n = a.top;
  o.des_rerank = a.des;
  o.threads = a.threads;
  o.min_headroom = parse_min_headroom(a.min_headroom);
  StderrProgress shown(a.common.quiet);
  o.progress = shown.progress();
  const double deadline_days = a.deadline.empty() ? 0 : units::parse_duration(a.deadline) / units::kSecondsPerDay;
  const double budget_usd = a.budget.empty() ? 0 : units::parse_usd(a.budget);
  const std::string& f = a.common.format;
  if (!a.gpus.empty() || deadline_days > 0 || budget_usd > 0) {
    const std::vector<int> sizes =
        a.gpus.empty() ? default_sizes(s) : parse_gpu_counts(a.gpus, s.cluster.gpus_per_node);
    const CapacityResult r = plan_capacity(s, *calib, sizes, deadline_days, budget_usd, o);
    shown.finish();
    if (f == "json") print(reports::render_capacity_json(r));
    else if (f == "md") print(reports::render_capacity_markdown(r));
    else if (f == "csv") print(reports::render_table_csv(reports::capacity_table(r)));
    else print(reports::render_capacity_text(r, a.common.table_width()));
    return;
  }
  const PlanResult r = search_plans(s, *calib, o);
  shown.finish();
  if (f == "json") print(reports::render_plan_json(r));
  else if (f == "md") print(reports::render_plan_markdown(r));
  else if (f == "csv") print(reports::render_plan_csv(r));
  else print(reports::render_plan_text(r, a.common.table_width()));
}

}  // namespace

void register_plan(CLI::App& app, CliContext& ctx) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App* cmd = app.add_subcommand("plan", "Search parallel plans (and cluster sizes) for a training scenario");
  cmd->add_option("scenario", a->scenario, "Scenario YAML file")->required();
  cmd->add_option("--objective", a->objective, "time | cost | energy (default time)");
  cmd->add_option("--top", a->top, "Plans to show (default 10)");
  cmd->add_option("--des", a->des, "Best analytic plans re-timed with the discrete-event step (default: the larger of --top and 32)");
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)");
  cmd->add_option("--gpus", a->gpus, "Cluster sizes to consider: 2048, 512,1024 or 512..4096 (doubling)");
  cmd->add_option("--deadline", a->deadline, "Wall-clock limit for the whole token budget, e.g. 60d");
  cmd->add_option("--min-headroom", a->min_headroom,
                  "Least free HBM a listed plan leaves on its fullest GPU: 5% (default) or 0.05");
  cmd->add_option("--budget", a->budget, "Dollar limit, e.g. 6M$");
  add_common_options(*cmd, a->common, false);
  cmd->callback([&ctx, a] { run(ctx, *a); });
}

}  // namespace moeplan::cli
