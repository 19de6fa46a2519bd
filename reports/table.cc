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

namespace {

// Display width in code points, so UTF-8 text such as "×" pads like one character.
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad(const std::string& s, std::size_t width, Align align) {
  std::size_t w = display_width(s);
  std::string fill(width > w ? width - w : 0, ' ');
  return align == Align::kRight ? fill + s : s + fill;
}

}  // namespace

std::string render_table_text(const Table& table) {
  const auto& cols = table.columns();
  std::vector<std::size_t> width(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) width[c] = display_width(column_header(cols[c]));
  for (const auto& row : table.rows())
    for (std::size_t c = 0; c < cols.size(); ++c) width[c] = std::max(width[c], display_width(row[c].text));

  auto line = [&](auto cell_text) {
    std::string out;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (c) out += "  ";
      out += pad(cell_text(c), width[c], cols[c].align);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = table.title() + "\n";
  out += line([&](std::size_t c) { return column_header(cols[c]); });
  out += line([&](std::size_t c) { return std::string(width[c], '-'); });
  for (const auto& row : table.rows()) out += line([&](std::size_t c) { return row[c].text; });
  return out;
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
