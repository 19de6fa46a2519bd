// `moeplan sweep FILE`: run every point of a scenario's sweep axes into a resumable SQLite results file,
// on all local cores, or split across MPI ranks under mpirun.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "cli/cli_context.h"
#include "cli/commands.h"
#include "cli/full_binary.h"
#include "moeplan/version.h"
#include "reports/plan_report.h"
#include "sim/calib/profile_calibration.h"
#include "sim/plan/mpi_world.h"
#include "sim/plan/sweep_runner.h"

namespace moeplan::cli {
namespace {

struct SweepArgs {
  std::string scenario;
  std::string db;
  int jobs = 0;
  std::uint64_t max_points = kDefaultMaxSweepPoints;
  CommonOptions common;
};

// "[#########-----------]  9/20  1 error  ETA 12 s" on one stderr line, redrawn in place.
void draw_progress(const SweepProgress& p) {
  constexpr int kWidth = 30;
  const int filled = p.total > 0 ? static_cast<int>(kWidth * p.done / p.total) : kWidth;
  std::string bar(filled, '#');
  bar += std::string(kWidth - filled, '-');
  std::fprintf(stderr, "\r[%s] %zu/%zu  %zu error%s  elapsed %.0f s  ETA %.0f s ", bar.c_str(), p.done, p.total,
               p.failed, p.failed == 1 ? "" : "s", p.elapsed_s, p.eta_s);
  if (p.done == p.total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

void run(CliContext& ctx, const SweepArgs& a) {
  require_format(a.common.format, {"text", "json", "md", "csv"});
  // This binary loads no MPI library; under a launcher moeplan-full runs the rank instead.
  if (launched_by_mpi() && !MpiWorld::available()) exec_full_binary(ctx, "sweep under an MPI launcher");
  MpiWorld world;
  SweepOptions o;
  o.db_path = a.db.empty() ? std::filesystem::path(a.scenario).replace_extension(".results.sqlite").string() : a.db;
  o.jobs = a.jobs;
  o.max_points = a.max_points;
  o.rank = world.rank();
  o.n_ranks = world.size();
  o.moeplan_version = MOEPLAN_VERSION;
  o.overrides = a.common.overrides();
  if (!a.common.quiet && world.rank() == 0) o.progress = draw_progress;
  const io::Catalog& catalog = ctx.catalog();
  // Everything a point reads besides the scenario: its rows are recomputed when any of it changes.
  if (ctx.profiles_dir.empty()) ctx.profiles_dir = find_profiles_dir(ctx.exe_path);
  o.input_paths = {ctx.catalog_dir, ctx.profiles_dir};
  o.input_paths.insert(o.input_paths.end(), ctx.catalog_add.begin(), ctx.catalog_add.end());
  if (world.rank() == 0) o.notice = [](const std::string& text) { std::fprintf(stderr, "moeplan: %s\n", text.c_str()); };
  SweepResult r = run_sweep(a.scenario, catalog, [&ctx](const Scenario& s) { return ctx.calibration_for(s); }, o);
  if (world.active()) {
    world.barrier();  // every rank's points are committed before rank 0 reads the table
    if (world.rank() != 0) return;
    const std::size_t mine = r.computed_now;
    r = read_sweep(a.scenario, catalog, o);
    r.computed_now = mine;
    r.n_ranks = world.size();
  }
  const std::string& f = a.common.format;
  if (f == "json") print(reports::render_sweep_json(r));
  else if (f == "md") print(reports::render_sweep_markdown(r));
  else if (f == "csv") print(reports::render_sweep_csv(r));
  else print(reports::render_sweep_text(r, a.common.table_width()));
}

}  // namespace

void register_sweep(CLI::App& app, CliContext& ctx) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run a scenario's sweep axes into a resumable SQLite results file");
  cmd->add_option("scenario", a->scenario, "Scenario YAML file with a sweep: section")->required();
  cmd->add_option("--db", a->db, "Results file (default: FILE with extension .results.sqlite)");
  cmd->add_option("--jobs,-j", a->jobs, "Worker threads (default: all cores)");
  cmd->add_option("--max-points", a->max_points, "Refuse sweeps with more points than this (default 1048576)");
  add_common_options(*cmd, a->common, false);
  cmd->callback([&ctx, a] { run(ctx, *a); });
}

}  // namespace moeplan::cli
