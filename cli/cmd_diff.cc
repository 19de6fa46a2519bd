// `moeplan diff A.json B.json`: what changed between two run results, figure by figure.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "cli/cli_context.h"
#include "cli/commands.h"
#include "reports/run_diff.h"
#include "sim/units/error.h"

namespace moeplan::cli {
namespace {

struct DiffArgs {
  std::string a;
  std::string b;
  std::string format = "text";
};

// A report directory (`moeplan run --report DIR`) stands for its results.json.
std::string result_path(const std::string& given) {
  std::error_code ec;
  if (!std::filesystem::is_directory(given, ec)) return given;
  const std::string inside = (std::filesystem::path(given) / "results.json").string();
  if (!std::filesystem::is_regular_file(inside, ec))
    throw_user_error("a directory without results.json",
                     ErrorContext{.file = given, .expected = "a results.json or a `moeplan run --report` directory"});
  return inside;
}

std::string read_result(const std::string& path) {
  std::error_code ec;
  const ErrorContext where{.file = path, .expected = "a results.json written by `moeplan run --format json` or `--report`"};
  if (!std::filesystem::exists(path, ec)) throw_user_error("no such file", where);
  if (!std::filesystem::is_regular_file(path, ec)) throw_user_error("not a regular file", where);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_user_error("cannot read the file", where);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void run(const DiffArgs& a) {
  require_format(a.format, {"text", "json", "md", "csv"});
  const std::string path_a = result_path(a.a), path_b = result_path(a.b);
  const auto doc_a = reports::parse_run_json(read_result(path_a), path_a);
  const auto doc_b = reports::parse_run_json(read_result(path_b), path_b);
  const reports::RunDiff d = reports::diff_runs(doc_a, path_a, doc_b, path_b);
  if (a.format == "json") print(reports::render_diff_json(d));
  else if (a.format == "md") print(reports::render_diff_markdown(d));
  else if (a.format == "csv") print(reports::render_diff_csv(d));
  else print(reports::render_diff_text(d));
}

}  // namespace

void register_diff(CLI::App& app, CliContext&) {
  auto a = std::make_shared<DiffArgs>();
  CLI::App* cmd = app.add_subcommand("diff", "What changed between two run results (results.json), figure by figure");
  cmd->add_option("a", a->a, "First result: `moeplan run --format json` output, a report's results.json, or the report directory")
      ->required()
      ->type_name("FILE|DIR");
  cmd->add_option("b", a->b, "Second result, compared against the first")->required()->type_name("FILE|DIR");
  cmd->add_option("--format", a->format, "Output format on stdout: text | json | md | csv");
  cmd->callback([a] { run(*a); });
}

}  // namespace moeplan::cli
