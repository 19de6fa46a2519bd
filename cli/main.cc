// moeplan command line: subcommands over the simulator libraries. Exit codes: 0 ok, 1 internal error,
// 2 user error (bad input, impossible plan, missing device for a CUDA-only command).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/cli_context.h"
#include "cli/commands.h"
#include "moeplan/version.h"
#include "sim/units/error.h"

int main(int argc, char** argv) {
  moeplan::cli::CliContext ctx;
  ctx.exe_path = argc > 0 ? argv[0] : "";
  ctx.argv.assign(argv, argv + argc);
  CLI::App app{"moeplan " MOEPLAN_VERSION
               ": cluster simulator and cost/capacity planner for large-model training and serving"};
  app.require_subcommand(1);
  app.add_option("--catalog", ctx.catalog_dir, "Catalog directory (default: scenarios/catalog of this install)");
  app.add_option("--profiles", ctx.profiles_dir, "Calibration profiles directory (default: calibrate/profiles)");
  app.add_option("--catalog-add", ctx.catalog_add,
                 "YAML file of your own gpus/fabrics/models/software entries, merged over the catalog (repeatable)")
      ->type_name("FILE");
  // A data root (an install's share/moeplan, a checkout) for what --catalog and --profiles leave unset.
  app.add_option_function<std::string>(
         "--data-dir", [&ctx](const std::string& dir) { moeplan::cli::use_data_dir(ctx, dir); },
         "Folder holding scenarios/catalog and calibrate/profiles (default: $MOEPLAN_DATA, else found from the "
         "binary's location)")
      ->type_name("DIR");
  // After --catalog/--profiles/--data-dir: CLI11 runs option callbacks in declaration order, so the version text sees them.
  app.set_version_flag("--version", [&ctx] { return moeplan::cli::version_text(ctx); },
                       "Print the version and the data directories in use, then exit");
  moeplan::cli::register_run(app, ctx);
  moeplan::cli::register_memory(app, ctx);
  moeplan::cli::register_model(app, ctx);
  moeplan::cli::register_catalog(app, ctx);
  moeplan::cli::register_calibrate(app, ctx);
  moeplan::cli::register_plan(app, ctx);
  moeplan::cli::register_compare(app, ctx);
  moeplan::cli::register_sweep(app, ctx);
  moeplan::cli::register_serve(app, ctx);
  moeplan::cli::register_validate(app, ctx);
  moeplan::cli::register_diff(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const moeplan::Error& e) {
    std::fprintf(stderr, "moeplan: %s%s\n", e.kind() == moeplan::ErrorKind::kUser ? "error: " : "internal error: ",
                 e.what());
    return e.kind() == moeplan::ErrorKind::kUser ? 2 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "moeplan: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
