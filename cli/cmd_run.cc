// `moeplan run SCENARIO`: simulate a training scenario end to end and print or write its report.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>

#include "cli/cli_context.h"
#include "cli/progress_view.h"
#include "cli/commands.h"
#include "moeplan/version.h"
#include "reports/csv_report.h"
#include "reports/json_report.h"
#include "reports/markdown_report.h"
#include "reports/report_writer.h"
#include "reports/text_report.h"
#include "reports/trace_json.h"
#include "sim/io/input_file.h"
#include "sim/train/multi_site_run.h"
#include "sim/train/training_run.h"
#include "sim/validate/run_bands.h"
#include "sim/units/error.h"

namespace moeplan::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::string trace_file;
  bool allow_oom = false;
  bool detail = false;
  CommonOptions common;
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw_user_error("cannot write `" + path + "`", ErrorContext{.key_path = "--trace"});
  f << text;
  if (!f) throw_user_error("failed writing `" + path + "`", ErrorContext{.key_path = "--trace"});
}

// The error bands of a run, from the residuals file that `moeplan validate --residuals` writes next to the
// validation scenarios (scenarios/validation/residuals.csv beside the catalog).
ErrorBands bands_for(CliContext& ctx, const Scenario& s, const Calibration& calib, const RunResult& result) {
  const std::filesystem::path file = std::filesystem::path(ctx.validation_dir()) / "residuals.csv";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    ErrorBands none;
    none.why_absent = "no validation residuals at " + file.string();
    return none;
  }
  const std::string text = io::read_input_file(file.string(), "validation residuals");
  const std::vector<Residual> residuals = parse_residuals_csv(text, file.string());
  return error_bands_for(result, residuals, band_key_of(s, calib.info()), file.string());
}

void run(CliContext& ctx, const RunArgs& args) {
  require_format(args.common.format, {"text", "json", "md", "csv"});
  const Scenario s = ctx.load(args.scenario, args.common);
  const auto calib = ctx.calibration_for(s);
  RunOptions options;
  options.moeplan_version = MOEPLAN_VERSION;
  options.want_timeline = !args.trace_file.empty() || !args.common.report_dir.empty();
  options.calibration_for = [&ctx](const Scenario& pool) { return ctx.calibration_for(pool); };
  // A plan that does not fit is a user error: stop before simulating it (the main plan's memory is cheap to
  // check) and again after (phases with their own plan), unless --allow-oom asks for the figures anyway.
  auto refuse = [&](const RunResult& r) {
    if (r.memory_fits || args.allow_oom) return;
    throw_user_error("the plan does not fit in GPU memory: " + r.does_not_fit,
                     ErrorContext{.key_path = "parallel",
                                  .expected = "a plan whose every stage fits in HBM",
                                  .hint = "lower micro_batch, use recompute: full, a higher zero stage or more "
                                          "pp/tp (`moeplan plan` finds one), or pass --allow-oom to simulate anyway"});
  };
  StderrProgress shown(args.common.quiet);
  options.progress = shown.progress();
  RunResult result;
  if (s.sites.enabled()) {
    // Each site on its own GPUs, with its own profile.
    std::vector<std::unique_ptr<Calibration>> owned;
    std::vector<const Calibration*> calibs;
    for (size_t i = 0; i < s.sites.sites.size(); ++i) {
      const Scenario site = site_scenario(s, i);
      refuse(evaluate_memory(site));
      owned.push_back(ctx.calibration_for(site));
      calibs.push_back(owned.back().get());
    }
    result = run_multi_site(s, calibs, options);
    shown.finish();
    refuse(result);
  } else {
    if (!s.cluster.pools.enabled()) refuse(evaluate_memory(s));  // mixed pools: checked per pool by run_training
    result = run_training(s, *calib, options);
    shown.finish();
    refuse(result);
  }
  if (s.cluster.pools.enabled()) {
    // Published runs are on one GPU type: no residuals describe a mix, so no band is drawn from them.
    result.bands.why_absent = "no validation runs on mixed GPU pools";
  } else {
    result.bands = bands_for(ctx, s, *calib, result);
  }

  const std::string& f = args.common.format;
  if (f == "json") print(reports::render_json_report(result));
  else if (f == "md") print(reports::render_markdown_report(result));
  else if (f == "csv") print(reports::render_csv_report(result));
  else print(reports::render_text_report(result, 100, {.table_width = args.common.table_width(), .detail = args.detail}));

  const std::string trace = result.timeline.events.empty() ? std::string() : reports::render_trace_json(result);
  if (!args.trace_file.empty()) {
    if (trace.empty())
      throw_user_error("no timeline to trace at fidelity `" + std::string(to_string(s.fidelity)) + "`",
                       ErrorContext{.key_path = "--trace", .hint = "use --fidelity des"});
    write_file(args.trace_file, trace);
  }
  if (!args.common.report_dir.empty()) reports::write_report_dir(args.common.report_dir, result, trace);
}

}  // namespace

void register_run(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Simulate a training scenario: step time, MFU, memory, GPU-hours, cost");
  cmd->add_option("scenario", args->scenario, "Scenario YAML file")->required();
  cmd->add_option("--trace", args->trace_file, "Write a Chrome/Perfetto trace of one step to FILE");
  cmd->add_flag("--allow-oom", args->allow_oom,
                "Simulate a plan that does not fit in memory (the report then opens with DOES NOT FIT)");
  cmd->add_flag("--detail", args->detail, "Text output: add the op-level time of each layer kind");
  add_common_options(*cmd, args->common);
  cmd->callback([&ctx, args] { run(ctx, *args); });
}

}  // namespace moeplan::cli
