// Registration of each subcommand on the CLI11 app. Each returns after adding its options and a callback
// that runs the command; errors propagate as moeplan::Error to main(), which maps them to exit codes.
#pragma once

namespace CLI {
class App;
}

namespace moeplan::cli {

struct CliContext;

void register_run(CLI::App& app, CliContext& ctx);
void register_memory(CLI::App& app, CliContext& ctx);
void register_model(CLI::App& app, CliContext& ctx);
void register_catalog(CLI::App& app, CliContext& ctx);
void register_calibrate(CLI::App& app, CliContext& ctx);
void register_plan(CLI::App& app, CliContext& ctx);
void register_compare(CLI::App& app, CliContext& ctx);
void register_sweep(CLI::App& app, CliContext& ctx);
void register_serve(CLI::App& app, CliContext& ctx);
void register_validate(CLI::App& app, CliContext& ctx);
void register_diff(CLI::App& app, CliContext& ctx);

}  // namespace moeplan::cli
