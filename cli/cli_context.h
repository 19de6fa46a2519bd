// What every subcommand shares: where the catalog and profiles are, the common options (--set, --gpu,
// --format, --report) and the loading of a scenario with its calibration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/calib/calibration.h"
#include "sim/io/catalog.h"
#include "sim/spec/scenario.h"

namespace CLI {
class App;
}

namespace moeplan::cli {

struct CommonOptions {
  std::vector<std::string> sets;   // --set key=value (repeatable)
  std::string gpu;                 // --gpu NAME, shorthand for --set cluster.gpu=NAME
  std::string seed;                // --seed N, shorthand for --set seed=N
  bool quiet = false;              // --quiet: no progress or other chatter on stderr (results and errors only)
  bool wide = false;               // --wide: text tables as wide as their contents, not fitted to 120 columns
  std::string fidelity;            // --fidelity analytic|des|des-full
  std::string format = "text";     // --format text|json|md|csv
  std::string report_dir;          // --report DIR (alias --out DIR)

  // The scenario overrides these options stand for, in the order applied: --gpu, --fidelity, --seed, then
  // each --set (so an explicit --set wins).
  std::vector<std::string> overrides() const;
  // The width text tables are fitted to: reports::kTextWidth, or 0 (no limit) under --wide.
  int table_width() const;
};

struct CliContext {
  std::string exe_path;
  std::vector<std::string> argv;   // the command line as given (moeplan-full is started with the same)
  std::string catalog_dir;         // --catalog DIR, else found next to the binary or the sources
  std::string profiles_dir;        // --profiles DIR, likewise
  std::vector<std::string> catalog_add;  // --catalog-add FILE (repeatable): a user's entries over the catalog

  const io::Catalog& catalog();
  // scenarios/validation beside the catalog: the published runs and the residuals file bands come from.
  std::string validation_dir();
  Scenario load(const std::string& path, const CommonOptions& opts);
  // A user error for commands that model one cluster only, when the scenario lists `sites:`.
  static void require_one_cluster(const Scenario& s, const std::string& command);
  std::unique_ptr<Calibration> calibration_for(const Scenario& s);

 private:
  std::unique_ptr<io::Catalog> catalog_;
};

// Throws a user Error when the scenario's cluster mixes GPU pools: `command` searches or compares one GPU type.
void refuse_mixed_pools(const Scenario& s, const std::string& command);
// --data-dir DIR: the catalog and profiles under DIR, for whichever of --catalog and --profiles was not given.
// Throws a user Error (key `--data-dir`) when DIR has no scenarios/catalog.
void use_data_dir(CliContext& ctx, const std::string& dir);

// Adds --set/--gpu/--seed/--fidelity/--format/--quiet/--report to a subcommand.
void add_common_options(CLI::App& cmd, CommonOptions& opts, bool with_report = true);

// What `moeplan --version` prints: the version, then the catalog and profiles directories this invocation
// uses (--catalog/--profiles, else the lookup a command would do), or why one was not found.
std::string version_text(const CliContext& ctx);

// Writes `text` to stdout (no trailing newline added when it already ends with one).
void print(const std::string& text);

// Checks --format against the allowed values; throws a user Error naming them.
void require_format(const std::string& format, const std::vector<std::string>& allowed);

}  // namespace moeplan::cli
