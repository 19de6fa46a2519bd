// Table rendering to text, Markdown, CSV and HTML.
#include "reports/table.h"

#include <fmt/format.h>

#include <algorithm>

#include "reports/markup.h"
#include "sim/units/error.h"

namespace moeplan::reports {

Table::Table(std::string id, std::string title, std::vector<Column> columns)
    : id_(std::move(id)), title_(std::move(title)), columns_(std::move(columns)) {}

void Table::add_row(std::vector<Cell> cells) {
  if (cells.size() != columns_.size())
    throw_internal_error(fmt::format("table '{}': row has {} cells for {} columns", id_, cells.size(),
                                     columns_.size()));
  rows_.push_back(std::move(cells));
}

std::string column_header(const Column& column) {
  return column.unit.empty() ? column.title : column.title + " [" + column.unit + "]";
}

std::string render_table_markdown(const Table& table) {
  const auto& cols = table.columns();
  std::string out = "### " + markdown_cell(table.title()) + "\n\n|";
  for (const auto& col : cols) out += " " + markdown_cell(column_header(col)) + " |";
  out += "\n|";
  for (const auto& col : cols) out += col.align == Align::kRight ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& row : table.rows()) {
    out += "|";
    for (const auto& cell : row) out += " " + markdown_cell(cell.text) + " |";
    out += "\n";
  }
  return out;
}

std::string render_table_csv(const Table& table) {
  std::string out;
  const auto& cols = table.columns();
  for (std::size_t c = 0; c < cols.size(); ++c) out += (c ? "," : "") + csv_field(cols[c].key);
  out += "\n";
  for (const auto& row : table.rows()) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) out += ",";
      // fmt's "{}" prints the shortest text that reads back to the same double, on every platform.
      out += row[c].value ? fmt::format("{}", *row[c].value) : csv_field(row[c].text);
    }
    out += "\n";
  }
  return out;
}

std::string render_table_html(const Table& table) {
  std::string out = fmt::format("<table class=\"report-table\" id=\"table-{}\">\n<caption>{}</caption>\n<thead><tr>",
                                xml_escape(table.id()), xml_escape(table.title()));
  for (const auto& col : table.columns()) out += "<th>" + xml_escape(column_header(col)) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows()) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const char* cls = table.columns()[c].align == Align::kRight ? " class=\"num\"" : "";
      out += fmt::format("<td{}>{}</td>", cls, xml_escape(row[c].text));
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

}  // namespace moeplan::reports
