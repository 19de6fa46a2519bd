// `moeplan serve SCENARIO`: size and cost a disaggregated prefill/decode deployment under its load and SLOs.
#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "cli/progress_view.h"
#include "cli/commands.h"
#include "sim/calib/profile_calibration.h"
#include "sim/infer/serve_plan.h"
#include "sim/infer/serve_plan_report.h"
#include "sim/infer/serve_report.h"
#include "sim/infer/serve_scenario.h"
#include "sim/infer/serving_run.h"

namespace moeplan::cli {

void register_serve(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string scenario;
    std::vector<std::string> sets;
    std::string seed;
    std::string format = "text";
    bool plan = false;
    bool quiet = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("serve", "Serving: nodes per pool, throughput, latency percentiles, $ per day and per M tokens");
  cmd->add_option("scenario", args->scenario, "Serving scenario YAML file")->required();
  cmd->add_option("--set", args->sets, "Override a scenario key: --set serving.decode.nodes=18 (repeatable)");
  cmd->add_option("--seed", args->seed, "Shorthand for --set seed=N: the RNG seed of the request arrivals")->type_name("N");
  cmd->add_option("--format", args->format, "text | json");
  cmd->add_flag("--quiet,-q", args->quiet, "Nothing on stderr but errors: no progress bar or other chatter");
  cmd->add_flag("--plan", args->plan,
                "Search layouts (unit nodes, EP, attention TP x DP, batch) per GPU: the scenario's and its compare list");
  cmd->callback([&ctx, args] {
    require_format(args->format, {"text", "json"});
    // --seed goes first so that an explicit --set seed=N wins, as on the training commands.
    std::vector<std::string> overrides;
    if (!args->seed.empty()) overrides.push_back("seed=" + args->seed);
    overrides.insert(overrides.end(), args->sets.begin(), args->sets.end());
    const ServeScenario s = load_serve_scenario(args->scenario, ctx.catalog(), overrides);
    // The global --profiles names where this GPU's and the compared GPUs' profiles are.
    if (ctx.profiles_dir.empty()) ctx.profiles_dir = find_profiles_dir(ctx.exe_path);
    if (args->plan) {
      const std::vector<GpuPlan> plans = plan_serving(s, ctx.profiles_dir);
      print(args->format == "json" ? render_serve_plan_json(plans) : render_serve_plan_text(plans));
      return;
    }
    StderrProgress shown(args->quiet);
    const ServeResult r = run_serving(s, ctx.profiles_dir, shown.progress());
    shown.finish();
    print(args->format == "json" ? render_serve_json(r) : render_serve_text(r));
  });
}

}  // namespace moeplan::cli
