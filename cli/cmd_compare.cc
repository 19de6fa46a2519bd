// `moeplan compare SCENARIO --gpus a,b,c`: the same training on several GPU types, each with its best plan.
#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "cli/progress_view.h"
#include "cli/commands.h"
#include "reports/plan_report.h"
#include "reports/scale_out_compare_report.h"
#include "sim/plan/capacity.h"
#include "sim/plan/compare.h"
#include "sim/plan/scale_out_compare.h"
#include "sim/units/units.h"

namespace moeplan::cli {
namespace {

struct CompareArgs {
  std::string scenario;
  std::string gpus = "h800-sxm,h100-sxm,h200,b200,rtx-4090,rtx-5090";
  std::string objective = "time";
  std::string deadline;
  std::string budget;
  std::string min_headroom = "5%";
  std::string sizes;
  int des = 8;
  int threads = 0;
  CommonOptions common;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void run(CliContext& ctx, const CompareArgs& a) {
  require_format(a.common.format, {"text", "json", "md", "csv"});
  const Scenario s = ctx.load(a.scenario, a.common);
  refuse_mixed_pools(s, "compare");
  if (!s.compare.empty()) {
    // A scale-out comparison: the options the file's `compare:` list names, side by side.
    const ScaleOutComparison c = compare_scale_out(a.scenario, ctx.catalog(),
                                                   [&ctx](const Scenario& g) { return ctx.calibration_for(g); },
                                                   a.common.overrides());
    const std::string& f = a.common.format;
    if (f == "json") print(reports::render_scale_out_compare_json(c));
    else if (f == "md") print(reports::render_scale_out_compare_markdown(c));
    else if (f == "csv") print(reports::render_scale_out_compare_csv(c));
    else print(reports::render_scale_out_compare_text(c, a.common.table_width()));
    return;
  }
  CliContext::require_one_cluster(s, "compare --gpus");
  CompareOptions o;
  o.gpus = split_list(a.gpus);
  o.search.objective = parse_objective(a.objective);
  o.search.top_n = 1;
  o.search.des_rerank = a.des;
  o.search.threads = a.threads;
  o.search.min_headroom = parse_min_headroom(a.min_headroom);
  o.deadline_days = a.deadline.empty() ? 0 : units::parse_duration(a.deadline) / units::kSecondsPerDay;
  o.budget_usd = a.budget.empty() ? 0 : units::parse_usd(a.budget);
  if (!a.sizes.empty()) {
    o.gpu_counts = parse_gpu_counts(a.sizes, s.cluster.gpus_per_node);
  } else if (o.deadline_days > 0 || o.budget_usd > 0) {
    // A deadline picks the size: from an eighth to four times the scenario's cluster, doubling.
    const int n = s.cluster.n_gpus(), node = s.cluster.gpus_per_node;
    for (long long g = std::max(node, n / 8); g <= 4LL * n; g *= 2)
      if (g % node == 0) o.gpu_counts.push_back(static_cast<int>(g));
  }
  StderrProgress shown(a.common.quiet);
  o.search.progress = shown.progress();
  const CompareResult r = compare_gpus(s, ctx.catalog(), [&ctx](const Scenario& g) { return ctx.calibration_for(g); }, o);
  shown.finish();
  const std::string& f = a.common.format;
  if (f == "json") print(reports::render_compare_json(r));
  else if (f == "md") print(reports::render_compare_markdown(r));
  else if (f == "csv") print(reports::render_compare_csv(r));
  else print(reports::render_compare_text(r, a.common.table_width()));
}

}  // namespace

void register_compare(CLI::App& app, CliContext& ctx) {
  auto a = std::make_shared<CompareArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "The same training on several GPU types, each with its best plan; or a scenario's `compare:` options "
                 "(scale-out: sites, WAN links, dp_sync) side by side");
  cmd->add_option("scenario", a->scenario, "Scenario YAML file")->required();
  cmd->add_option("--gpus", a->gpus, "Comma-separated catalog GPU names");
  cmd->add_option("--objective", a->objective, "time | cost | energy (default time)");
  cmd->add_option("--deadline", a->deadline, "Choose each GPU's cluster size to finish within this, e.g. 60d");
  cmd->add_option("--min-headroom", a->min_headroom,
                  "Least free HBM a listed plan leaves on its fullest GPU: 5% (default) or 0.05");
  cmd->add_option("--budget", a->budget, "Dollar limit when choosing sizes, e.g. 6M$");
  cmd->add_option("--sizes", a->sizes, "Cluster sizes tried with --deadline/--budget: 512..8192 or a list");
  cmd->add_option("--des", a->des, "Best analytic plans re-timed with the discrete-event step per GPU (default 8)");
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)");
  add_common_options(*cmd, a->common, false);
  cmd->callback([&ctx, a] { run(ctx, *a); });
}

}  // namespace moeplan::cli
