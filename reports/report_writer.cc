// Report directory writer.
#include "reports/report_writer.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "reports/csv_report.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/markdown_report.h"
#include "reports/run_charts.h"
#include "sim/units/error.h"

namespace moeplan::reports {
namespace {

void make_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw_user_error("cannot create report directory '" + dir.string() + "'" + (ec ? ": " + ec.message() : ""),
                     ErrorContext{.file = dir.string(), .expected = "a writable directory path"});
}

}  // namespace

void write_text_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (out) out.close();
  if (!out)
    throw_user_error("cannot write '" + path + "'",
                     ErrorContext{.file = path, .expected = "a writable file path", .hint = "check the directory exists and is writable"});
}

void write_report_dir(const std::string& dir, const RunResult& result, const std::string& trace_json) {
  std::filesystem::path root(dir);
  make_dir(root);
  write_text_file((root / "report.html").string(), render_html_report(result));
  write_text_file((root / "report.md").string(), render_markdown_report(result));
  write_text_file((root / "results.csv").string(), render_csv_report(result));
  write_text_file((root / "results.json").string(), render_json_report(result));
  make_dir(root / "charts");
  for (const auto& chart : render_run_charts(result))
    write_text_file((root / "charts" / (chart.id + ".svg")).string(),
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart.svg);
  if (!trace_json.empty()) write_text_file((root / "trace.json").string(), trace_json);
}

}  // namespace moeplan::reports
