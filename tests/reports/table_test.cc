// Table abstraction and number formatting shared by every report renderer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/summary_views.h"

#include "reports/format.h"
#include "reports/markup.h"
#include "reports/table.h"
#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan::reports {
namespace {

Table sample_table() {
  Table t("t", "Sample", {{"name", "name", "", Align::kLeft}, {"time_s", "time", "ms", Align::kRight}});
  t.add_row({Cell::of_text("alpha"), Cell::of_number(0.0132, "13.2")});
  t.add_row({Cell::of_text("b|c, \"d\""), Cell::of_number(2.5, "2500.0")});
  return t;
}

TEST(Table, TextIsAligned) {
  EXPECT_EQ(render_table_text(sample_table()),
            "Sample\n"
            "name      time [ms]\n"
            "--------  ---------\n"
            "alpha          13.2\n"
            "b|c, \"d\"     2500.0\n");
}

// Lines of `text` (without the newlines) and their widths in code points.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

TEST(Table, TextWithinTheLimitIsLeftAsItIs) {
  EXPECT_EQ(render_table_text(sample_table(), 20), render_table_text(sample_table(), 0));
}

TEST(Table, TooWideNumbersStackTheirHeaders) {
  // 3 columns whose headers are far wider than their numbers: 16 + 2 + 17 + 2 + 13 = 50 columns as they come.
  Table t("m", "Memory", {{"stage", "stage", "", Align::kRight},
                          {"weights", "weights of a stage", "GiB", Align::kRight},
                          {"act", "activations", "GiB", Align::kRight}});
  t.add_row({Cell::of_number(0, "0"), Cell::of_number(9.2, "9.2"), Cell::of_number(42.6, "42.6")});
  EXPECT_EQ(render_table_text(t, 0),
            "Memory\n"
            "stage  weights of a stage [GiB]  activations [GiB]\n"
            "-----  ------------------------  -----------------\n"
            "    0                       9.2               42.6\n");
  // Fitted to 30: each header's words stack, bottom-aligned over the rule, units on their own line.
  EXPECT_EQ(render_table_text(t, 30),
            "Memory\n"
            "       weights\n"
            "          of a\n"
            "         stage  activations\n"
            "stage    [GiB]        [GiB]\n"
            "-----  -------  -----------\n"
            "    0      9.2         42.6\n");
}

TEST(Table, TooWideTextWrapsByWordsAndKeepsEveryWord) {
  Table t("n", "Notes", {{"index", "#", "", Align::kRight}, {"note", "note", "", Align::kLeft}});
  const std::string note =
      "GPU speed spread 8.0% (Sinha et al. SC'22: 8% average variation): the slowest of the 2048 GPUs computes "
      "4.0% slower than the median one; every stage runs at its slowest GPU's speed";
  t.add_row({Cell::of_number(1, "1"), Cell::of_text(note)});
  t.add_row({Cell::of_number(2, "2"), Cell::of_text("short")});
  const std::string text = render_table_text(t, 60);
  std::string words;
  for (const std::string& line : lines_of(text)) {
    EXPECT_LE(line.size(), 60u) << line;
    if (line.size() > 3 && line.substr(0, 3) != "---" && line != "Notes" && line.find("note") != 0)
      words += (words.empty() ? "" : " ") + line.substr(3);
  }
  EXPECT_EQ(words.substr(words.find("GPU speed")), note + " short") << text;
  // Continuation lines leave the number column blank; the next row starts with its number.
  EXPECT_NE(text.find("\n1  GPU speed spread"), std::string::npos) << text;
  EXPECT_NE(text.find("\n2  short\n"), std::string::npos) << text;
}

TEST(Table, AWordLongerThanTheColumnIsCutNotLost) {
  Table t("p", "Paths", {{"k", "key", "", Align::kLeft}, {"v", "value", "", Align::kLeft}});
  const std::string path = "/a/very/long/path/that/has/no/spaces/in/it/at/all/and/goes/on/and/on/profile.yaml";
  t.add_row({Cell::of_text("profile"), Cell::of_text(path)});
  const std::string text = render_table_text(t, 40);
  std::string joined;
  for (const std::string& line : lines_of(text)) {
    EXPECT_LE(line.size(), 40u) << line;
    if (line.rfind("profile", 0) == 0 || line.rfind("         ", 0) == 0) joined += line.substr(9);
  }
  EXPECT_EQ(joined, path) << text;
}

TEST(Table, ATextColumnBesideManyNumbersWrapsButKeepsItsWords) {
  // The numbers alone are 118 columns: the excess is larger than the text column. It narrows to its longest word
  // (cutting words would not make the table fit) and wraps.
  std::vector<Column> cols{{"plan", "plan", "", Align::kLeft}};
  for (int i = 0; i < 10; ++i) cols.push_back({"c" + std::to_string(i), "c", "", Align::kRight});
  Table t("w", "Wide", cols);
  std::vector<Cell> row{Cell::of_text("TP1 PP16 DP128 EP64 ZeRO-1 dualpipe mb=1 recompute=selective")};
  for (int i = 0; i < 10; ++i) row.push_back(Cell::of_number(1.0, "1234567890"));
  t.add_row(row);
  const std::string text = render_table_text(t, 80);
  EXPECT_NE(text.find("\nTP1 PP16 DP128 EP64  1234567890"), std::string::npos) << text;
  EXPECT_NE(text.find("\n-------------------  ---"), std::string::npos) << text;
  EXPECT_NE(text.find("\nrecompute=selective\n"), std::string::npos) << text;
}

TEST(Table, NumbersAloneThatCannotFitArePrintedWhole) {
  std::vector<Column> cols;
  for (int i = 0; i < 12; ++i) cols.push_back({"c" + std::to_string(i), "c", "", Align::kRight});
  Table t("w", "Wide", cols);
  std::vector<Cell> row;
  for (int i = 0; i < 12; ++i) row.push_back(Cell::of_number(1.0, "1234567890"));
  t.add_row(row);
  EXPECT_NE(render_table_text(t, 40).find(std::string("1234567890  1234567890")), std::string::npos);
}

TEST(Table, MarkdownEscapesPipes) {
  EXPECT_EQ(render_table_markdown(sample_table()),
            "### Sample\n\n| name | time [ms] |\n| --- | ---: |\n| alpha | 13.2 |\n| b\\|c, \"d\" | 2500.0 |\n");
}

TEST(Table, CsvUsesRawValuesAndQuotes) {
  EXPECT_EQ(render_table_csv(sample_table()), "name,time_s\nalpha,0.0132\n\"b|c, \"\"d\"\"\",2.5\n");
}

TEST(Table, HtmlEscapes) {
  Table t("x", "a<b", {{"k", "k", "", Align::kLeft}});
  t.add_row({Cell::of_text("<script>&")});
  std::string html = render_table_html(t);
  EXPECT_NE(html.find("<caption>a&lt;b</caption>"), std::string::npos);
  EXPECT_NE(html.find("<td>&lt;script&gt;&amp;</td>"), std::string::npos);
}

TEST(Table, WrongRowWidthIsAnInternalError) {
  Table t("x", "x", {{"a", "a", "", Align::kLeft}, {"b", "b", "", Align::kLeft}});
  try {
    t.add_row({Cell::of_text("only one")});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
  }
}

TEST(Format, ReferenceFigures) {
  // DeepSeek-V3 technical report (arXiv:2412.19437) Table 1: 2.788M H800 GPU-hours, $5.576M at $2/GPU-h;
  // 2664K GPU-h / 2048 GPUs / 24 h = 54.2 days of pre-training (shared/reference/published-numbers.md).
  EXPECT_EQ(gpu_hours(2.788e6), "2.79 M GPU-h");
  EXPECT_EQ(usd(5.576e6), "$5.58 M");
  EXPECT_EQ(usd_per_gpu_hour(2), "$2.00/GPU-h");
  EXPECT_EQ(days(2664e3 / 2048 / 24), "54.2 days");
  EXPECT_EQ(bytes(71.3 * units::kGiB), "71.3 GiB");
  EXPECT_EQ(percent(0.4321), "43.2%");
  EXPECT_EQ(sig3(0.365), "0.365");
  EXPECT_EQ(sig3(671), "671");
  EXPECT_EQ(gib(64.5 * units::kGiB), "64.5");
}

TEST(Markup, Escapes) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(xml_escape(std::string("x\x01y")), "xy");  // control characters are not XML
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(markdown_cell("a|b\nc"), "a\\|b c");
}

TEST(CatalogView, MemoryInGibAndAMissingPriceIsNoPrice) {
  GpuSpec priced;
  priced.name = "h100-sxm";
  priced.peak_bf16_flops = 989e12;
  priced.hbm_bytes = 80.0 * 1024 * 1024 * 1024;  // 80 GiB, as the memory tables print it
  priced.hbm_Bps = 3.35e12;
  priced.tdp_w = 700;
  priced.rental.usd_per_gpu_hour = 2.45;
  priced.rental.date = "2025-03";
  GpuSpec unpriced = priced;
  unpriced.name = "h20";
  unpriced.rental = PriceQuote{};
  const std::string text = render_gpu_catalog({priced, unpriced}, "text");
  EXPECT_NE(text.find("memory [GiB]"), std::string::npos) << text;
  EXPECT_NE(text.find("80.0"), std::string::npos) << text;
  EXPECT_NE(text.find("no price"), std::string::npos) << text;
  EXPECT_EQ(text.find("0.00"), std::string::npos) << text;  // never a $0.00 rental
  const auto j = nlohmann::json::parse(render_gpu_catalog({priced, unpriced}, "json"));
  EXPECT_DOUBLE_EQ(j[0]["usd_per_gpu_hour"].get<double>(), 2.45);
  EXPECT_TRUE(j[1]["usd_per_gpu_hour"].is_null());
}

}  // namespace
}  // namespace moeplan::reports
