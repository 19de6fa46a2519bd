// Shared CLI plumbing (see cli_context.h).
#include "cli/cli_context.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <cstdio>
#include <ctime>

#include "moeplan/version.h"
#include "reports/table.h"
#include "sim/calib/profile_calibration.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/suggest.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan::cli {
namespace {

// "2026-12": the month a catalog price's age is judged against (UTC).
std::string current_month() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];  // room for any int year, so the formatting cannot truncate
  std::snprintf(buf, sizeof buf, "%04d-%02d", utc.tm_year + 1900, utc.tm_mon + 1);
  return buf;
}

}  // namespace

const io::Catalog& CliContext::catalog() {
  if (!catalog_) {
    if (catalog_dir.empty()) catalog_dir = io::find_catalog_dir(exe_path);
    catalog_ = std::make_unique<io::Catalog>(io::Catalog::load(catalog_dir));
    for (const std::string& file : catalog_add) catalog_->add_file(file);
  }
  return *catalog_;
}

std::string CliContext::validation_dir() {
  catalog();  // finds catalog_dir when it was not given
  return (std::filesystem::path(catalog_dir).parent_path() / "validation").string();
}

Scenario CliContext::load(const std::string& path, const CommonOptions& opts) {
  Scenario s = io::load_scenario(path, catalog(), opts.overrides());
  // --gpu asks for another GPU: a profile the scenario pins describes its own GPU, so the new GPU gets its
  // default profile unless --set calibration=... names one.
  const bool calibration_set = std::any_of(opts.sets.begin(), opts.sets.end(),
                                           [](const std::string& kv) { return kv.rfind("calibration=", 0) == 0; });
  if (!opts.gpu.empty() && !calibration_set) s.calibration.clear();
  // Likewise a rental price the scenario pins was set for its own GPU: the new GPU is priced at its catalog
  // quote (or has no price), and the report says so, unless --set price.usd_per_gpu_hour=... gives one.
  const bool price_set = std::any_of(opts.sets.begin(), opts.sets.end(), [](const std::string& kv) {
    return kv.rfind("price.usd_per_gpu_hour=", 0) == 0;
  });
  if (!opts.gpu.empty() && !price_set && s.price.usd_per_gpu_hour > 0 && !is_catalog_rental(s.price, s.cluster.gpu)) {
    const std::string old_price = units::format_usd(s.price.usd_per_gpu_hour) + "/GPU-h" +
                                  (s.price.source.empty() ? "" : " (" + s.price.source + ")");
    use_catalog_rental(s.price, s.cluster.gpu);
    s.price.note = "--gpu " + opts.gpu + ": the scenario's price " + old_price +
                   " was set for its own GPU and is dropped; " +
                   (s.price.usd_per_gpu_hour > 0 ? "the catalog's " + s.cluster.gpu.name + " quote is used instead"
                                                 : "the catalog has no quote for " + s.cluster.gpu.name +
                                                       ", so the run has no price");
  }
  s.price.as_of = current_month();
  return s;
}

std::unique_ptr<Calibration> CliContext::calibration_for(const Scenario& s) {
  if (profiles_dir.empty()) profiles_dir = find_profiles_dir(exe_path);
  const std::string path = scenario_profile_path(s.calibration, s.file, s.cluster.gpu, profiles_dir);
  // A profile named by a bare name that is not there: say which names exist.
  const std::filesystem::path key(s.calibration);
  std::error_code ec;
  if (!s.calibration.empty() && !key.has_parent_path() && key.extension() != ".yaml" &&
      !std::filesystem::exists(path, ec)) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(profiles_dir, ec))
      if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    ErrorContext c;
    c.file = s.file;
    c.key_path = "calibration";
    c.expected = "a profile name in " + profiles_dir + " or a profile path";
    c.hint = io::did_you_mean(s.calibration, names);
    throw_user_error("no calibration profile named `" + s.calibration + "`", c);
  }
  return load_calibration(path, s.cluster.gpu);
}

void refuse_mixed_pools(const Scenario& s, const std::string& command) {
  if (!s.cluster.pools.enabled()) return;
  throw_user_error("`moeplan " + command + "` takes one GPU type; this cluster mixes GPU pools",
                   ErrorContext{.file = s.file,
                                .key_path = "cluster.pools",
                                .hint = "`moeplan run` simulates the pools; give cluster.gpu and nodes to " + command});
}

void CliContext::require_one_cluster(const Scenario& s, const std::string& command) {
  if (!s.sites.enabled()) return;
  throw_user_error("`moeplan " + command + "` models one cluster, and this scenario lists " +
                       std::to_string(s.sites.sites.size()) + " sites",
                   ErrorContext{.file = s.file,
                                .key_path = "sites",
                                .expected = "a scenario with `cluster:`",
                                .hint = "`moeplan run` and `moeplan compare` (with a `compare:` list) take sites; "
                                        "see docs/scale-out.md"});
}

std::vector<std::string> CommonOptions::overrides() const {
  std::vector<std::string> out;
  if (!gpu.empty()) out.push_back("cluster.gpu=" + gpu);
  if (!fidelity.empty()) out.push_back("fidelity=" + fidelity);
  if (!seed.empty()) out.push_back("seed=" + seed);
  out.insert(out.end(), sets.begin(), sets.end());
  return out;
}

void use_data_dir(CliContext& ctx, const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path catalog = fs::path(dir) / "scenarios" / "catalog";
  std::error_code ec;
  if (!fs::is_regular_file(catalog / "gpus.yaml", ec))
    throw_user_error("no catalog under `" + dir + "` (" + catalog.string() + "/gpus.yaml is missing)",
                     ErrorContext{.key_path = "--data-dir",
                                  .expected = "a folder holding scenarios/catalog and calibrate/profiles",
                                  .hint = "an installed moeplan keeps them in <prefix>/share/moeplan"});
  if (ctx.catalog_dir.empty()) ctx.catalog_dir = catalog.string();
  if (ctx.profiles_dir.empty()) ctx.profiles_dir = (fs::path(dir) / "calibrate" / "profiles").string();
}

int CommonOptions::table_width() const { return wide ? 0 : reports::kTextWidth; }

void add_common_options(CLI::App& cmd, CommonOptions& opts, bool with_report) {
  cmd.add_option("--set", opts.sets, "Override a scenario key: --set parallel.pp=8 (repeatable)");
  cmd.add_option("--gpu", opts.gpu, "Shorthand for --set cluster.gpu=NAME");
  cmd.add_option("--seed", opts.seed, "Shorthand for --set seed=N: the RNG seed of routing samples and stragglers")
      ->type_name("N");
  cmd.add_option("--fidelity", opts.fidelity, "analytic | des | des-full (default: the scenario's)");
  cmd.add_option("--format", opts.format, "Output format on stdout: text | json | md | csv");
  cmd.add_flag("--quiet,-q", opts.quiet, "Nothing on stderr but errors: no progress bar or other chatter");
  cmd.add_flag("--wide", opts.wide, "Text tables as wide as their contents (default: fitted to 120 columns)");
  if (with_report) {
    cmd.add_option("--report,--out", opts.report_dir,
                   "Write report.html, report.md, results.csv, results.json (and trace.json) into DIR");
  }
}

std::string version_text(const CliContext& ctx) {
  // The same lookup the commands do, without loading anything; a lookup that fails says so instead of
  // failing the version query.
  auto located = [](const std::string& given, auto find) -> std::string {
    if (!given.empty()) return given + " (given on the command line)";
    try {
      return std::filesystem::absolute(find()).lexically_normal().string();
    } catch (const Error& e) {
      return std::string("not found: ") + e.what();
    }
  };
  std::string out = std::string("moeplan ") + MOEPLAN_VERSION + "\n";
  out += "catalog:  " + located(ctx.catalog_dir, [&] { return io::find_catalog_dir(ctx.exe_path); }) + "\n";
  out += "profiles: " + located(ctx.profiles_dir, [&] { return find_profiles_dir(ctx.exe_path); });
  return out;
}

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (text.empty() || text.back() != '\n') std::fputc('\n', stdout);
}

void require_format(const std::string& format, const std::vector<std::string>& allowed) {
  for (const auto& a : allowed)
    if (a == format) return;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  throw_user_error("unknown output format `" + format + "`", ErrorContext{.key_path = "--format", .expected = list});
}

}  // namespace moeplan::cli
