// `moeplan validate [DIR]`: score every published run under DIR (default: the catalog's sibling
// scenarios/validation) and print the runs and the error statistics per group; optionally write the residuals
// file the error bands are drawn from.
#include <CLI/CLI.hpp>
#include <fstream>

#include "cli/cli_context.h"
#include "cli/progress_view.h"
#include "cli/commands.h"
#include "reports/validation_report.h"
#include "sim/calib/profile_calibration.h"
#include "sim/validate/error_band.h"
#include "sim/validate/scale_out_validation.h"
#include "sim/validate/serving_validation.h"
#include "sim/validate/validation_suite.h"
#include "sim/units/error.h"

namespace moeplan::cli {
namespace {

struct ValidateArgs {
  std::string dir;
  std::string format = "text";
  std::string residuals;
  bool quiet = false;
};

void run(CliContext& ctx, const ValidateArgs& args) {
  require_format(args.format, {"text", "json", "md", "csv"});
  const io::Catalog& catalog = ctx.catalog();
  const std::string dir = args.dir.empty() ? ctx.validation_dir() : args.dir;
  if (ctx.profiles_dir.empty()) ctx.profiles_dir = find_profiles_dir(ctx.exe_path);
  StderrProgress shown(args.quiet);
  const ValidationSuite suite = run_validation_suite(dir, catalog, ctx.profiles_dir, shown.progress());
  // Serving runs (DIR/serving/) are scored before anything is printed, so the bar never cuts into the tables.
  const std::vector<ServingValidationRow> serving_rows =
      args.format == "text" ? run_serving_validation(dir, catalog, ctx.profiles_dir, shown.progress())
                            : std::vector<ServingValidationRow>{};
  shown.finish();
  if (args.format == "json") print(reports::render_validation_json(suite));
  else if (args.format == "md") print(reports::render_validation_markdown(suite));
  else if (args.format == "csv") print(reports::render_validation_csv(suite));
  else print(reports::render_validation_text(suite));
  // Serving runs (DIR/serving/): their own table, after the training runs, in the text format.
  if (args.format == "text") {
    const std::string serving = render_serving_validation_text(serving_rows);
    if (!serving.empty()) print(serving);
    // Scale-out runs (DIR/scale-out/): compute utilisations, scored in points.
    const std::string scale_out =
        render_scale_out_validation_text(run_scale_out_validation(dir, catalog, ctx.profiles_dir));
    if (!scale_out.empty()) print(scale_out);
  }
  if (!args.residuals.empty()) {
    std::vector<Residual> residuals;
    for (const ValidationRow& r : suite.rows) residuals.push_back(residual_of(r));
    std::ofstream f(args.residuals, std::ios::binary);
    if (!f) throw_user_error("cannot write `" + args.residuals + "`", ErrorContext{.key_path = "--residuals"});
    f << residuals_csv(residuals);
    if (!f) throw_user_error("failed writing `" + args.residuals + "`", ErrorContext{.key_path = "--residuals"});
  }
}

}  // namespace

void register_validate(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "Score moeplan against every published run in scenarios/validation");
  cmd->add_option("dir", args->dir, "Directory of validation scenarios (default: scenarios/validation)");
  cmd->add_option("--format", args->format, "text | md | csv | json");
  cmd->add_option("--residuals", args->residuals,
                  "Write the residuals file that error bands are drawn from (scenarios/validation/residuals.csv)");
  cmd->add_flag("--quiet,-q", args->quiet, "Nothing on stderr but errors: no progress bar or other chatter");
  cmd->callback([&ctx, args] { run(ctx, *args); });
}

}  // namespace moeplan::cli
