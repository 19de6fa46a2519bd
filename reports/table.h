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

// Aligned plain text: title line, header, dashed rule, rows; columns padded to their widest cell.
std::string render_table_text(const Table& table);
// GitHub-flavoured Markdown table preceded by "### title"; '|' in cells is escaped.
std::string render_table_markdown(const Table& table);
// RFC 4180 CSV: header of column keys, then rows; numeric cells print their raw value (shortest
// round-trip form), text cells their text. Lines end in "\n".
std::string render_table_csv(const Table& table);
// <table class="report-table" id="table-<id>"> with <caption>, <thead>, <tbody>; text HTML-escaped.
std::string render_table_html(const Table& table);

}  // namespace moeplan::reports
