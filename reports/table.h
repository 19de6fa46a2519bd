// Table: the small tabular value every report renderer shares.
//
// A report section is a Table of typed columns (a key for machines, a title and unit for people) and rows
// of cells. Each cell carries the text a person reads ("13.2") and, when it is a number, the raw value a
// machine reads (0.01318...). The same Table renders to aligned text, Markdown, CSV and HTML, so a renderer
// for a new result value only has to build Tables.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace moeplan::reports {

enum class Align { kLeft, kRight };

struct Column {
  std::string key;    // machine name, used as the CSV header ("step_time_s")
  std::string title;  // human header ("step time")
  std::string unit;   // unit of the displayed text ("GiB", "s", "%"); empty for none
  Align align = Align::kLeft;
};

struct Cell {
  std::string text;                // what a person reads
  std::optional<double> value;     // raw value in base units, for CSV; absent for text cells

  static Cell of_text(std::string text) { return Cell{std::move(text), std::nullopt}; }
  static Cell of_number(double value, std::string text) { return Cell{std::move(text), value}; }
};

class Table {
 public:
  Table(std::string id, std::string title, std::vector<Column> columns);

  // Throws an internal Error when the row does not have one cell per column.
  void add_row(std::vector<Cell> cells);

  const std::string& id() const { return id_; }
  const std::string& title() const { return title_; }
  const std::vector<Column>& columns() const { return columns_; }
  const std::vector<std::vector<Cell>>& rows() const { return rows_; }
  bool empty() const { return rows_.empty(); }

 private:
  std::string id_;
  std::string title_;
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

// Header text shown to people: "title [unit]" or "title".
std::string column_header(const Column& column);

// The widest line plain-text output aims for unless asked for everything (--wide).
inline constexpr int kTextWidth = 120;

// Aligned plain text: title line, header, dashed rule, rows; columns padded to their widest cell. A table
// wider than `max_width` columns (<= 0: no limit) is fitted (table_text.cc): its headers stack over two or
// more lines ("time" over "[ms]"), then its widest text columns wrap their cells onto continuation lines.
// A table of numbers alone that still does not fit is printed as it is.
std::string render_table_text(const Table& table, int max_width = kTextWidth);

// `text` with every line longer than `width` (<= 0: no limit) broken at spaces; a continuation line is indented
// like its line plus `hang` spaces.
std::string fit_lines(const std::string& text, int width, int hang = 2);

// A copy of `table` without the column whose key is `key` (the same table when there is none).
Table without_column(const Table& table, const std::string& key);
// GitHub-flavoured Markdown table preceded by "### title"; '|' in cells is escaped.
std::string render_table_markdown(const Table& table);
// RFC 4180 CSV: header of column keys, then rows; numeric cells print their raw value (shortest
// round-trip form), text cells their text. Lines end in "\n".
std::string render_table_csv(const Table& table);
// <table class="report-table" id="table-<id>"> with <caption>, <thead>, <tbody>; text HTML-escaped.
std::string render_table_html(const Table& table);

}  // namespace moeplan::reports
