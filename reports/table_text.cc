// A Table as aligned plain text, fitted to a line width (see render_table_text in table.h).
//
// Fitting goes in the order that loses the least: first the headers stack (a header is often the widest cell
// of a numeric column: "activations [GiB]" over "42.6"), then the widest left-aligned text columns (plans,
// notes, sources, dated prices) wrap their cells by words onto continuation lines. A column is never narrowed
// below 16 columns, so numbers are never wrapped or cut.
#include <algorithm>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "reports/table.h"

namespace moeplan::reports {
namespace {

constexpr std::size_t kGap = 2;          // spaces between columns
constexpr std::size_t kMinWrapWidth = 16;  // a wrapped text column keeps at least this many columns

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

// The first `n` code points of `s` (by bytes: the offset after them).
std::size_t prefix_bytes(const std::string& s, std::size_t n) {
  std::size_t i = 0, seen = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == n) break;
      ++seen;
    }
    ++i;
  }
  return i;
}

// `text` broken at spaces into lines of at most `width` code points; a word longer than that is cut.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::istringstream words(text);
  std::string word, line;
  while (words >> word) {
    while (display_width(word) > width) {
      if (!line.empty()) lines.push_back(std::move(line)), line.clear();
      const std::size_t cut = prefix_bytes(word, width);
      lines.push_back(word.substr(0, cut));
      word.erase(0, cut);
    }
    if (word.empty()) continue;
    if (!line.empty() && display_width(line) + 1 + display_width(word) > width) {
      lines.push_back(std::move(line));
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::size_t longest_word(const std::string& text) {
  std::istringstream words(text);
  std::string word;
  std::size_t n = 0;
  while (words >> word) n = std::max(n, display_width(word));
  return n;
}

std::size_t total_width(const std::vector<std::size_t>& width) {
  return std::accumulate(width.begin(), width.end(), std::size_t{0}) + kGap * (width.empty() ? 0 : width.size() - 1);
}

}  // namespace

std::string render_table_text(const Table& table, int max_width) {
  const auto& cols = table.columns();
  const std::size_t n = cols.size();
  std::vector<std::size_t> cells(n, 0), width(n);
  for (const auto& row : table.rows())
    for (std::size_t c = 0; c < n; ++c) cells[c] = std::max(cells[c], display_width(row[c].text));
  for (std::size_t c = 0; c < n; ++c) width[c] = std::max(cells[c], display_width(column_header(cols[c])));
  const std::size_t limit = max_width > 0 ? static_cast<std::size_t>(max_width) : 0;

  // Headers as lines: one line when the table fits as it is, else title words wrapped to the column and the
  // unit on a line of its own.
  std::vector<std::vector<std::string>> header(n);
  const bool stack = limit > 0 && total_width(width) > limit;
  if (!stack) {
    for (std::size_t c = 0; c < n; ++c) header[c] = {column_header(cols[c])};
  } else {
    for (std::size_t c = 0; c < n; ++c) {
      const std::string unit = cols[c].unit.empty() ? "" : "[" + cols[c].unit + "]";
      width[c] = std::max({cells[c], longest_word(cols[c].title), display_width(unit)});
    }
    // Still too wide: narrow the widest column, repeatedly, never below its header's longest word or
    // kMinWrapWidth (so short numbers are never touched; a long right-aligned text such as a dated price wraps). The first pass also keeps every cell's longest word whole (names, plans, paths); only a
    // table that still does not fit cuts words.
    std::vector<std::size_t> whole(n, 0);
    for (const auto& row : table.rows())
      for (std::size_t c = 0; c < n; ++c) whole[c] = std::max(whole[c], longest_word(row[c].text));
    for (bool keep_words : {true, false}) {
      auto floor_of = [&](std::size_t c) {
        const std::size_t f = std::max(kMinWrapWidth, longest_word(cols[c].title));
        return keep_words ? std::max(f, whole[c]) : f;
      };
      // Cutting words is only worth it when it makes the table fit.
      std::vector<std::size_t> floors(n);
      for (std::size_t c = 0; c < n; ++c) floors[c] = std::min(width[c], floor_of(c));
      if (!keep_words && total_width(floors) > limit) break;
      while (total_width(width) > limit) {
        std::size_t widest = n;
        for (std::size_t c = 0; c < n; ++c)
          if (width[c] > floor_of(c) && (widest == n || width[c] > width[widest]))
            widest = c;
        if (widest == n) break;  // nothing left to narrow in this pass
        std::size_t second = 0;  // shrink to the next widest column at most, so wide columns share the cut
        for (std::size_t c = 0; c < n; ++c)
          if (c != widest) second = std::max(second, width[c]);
        const std::size_t excess = total_width(width) - limit;
        const std::size_t cut_to = width[widest] > excess ? width[widest] - excess : 0;
        width[widest] = std::max({floor_of(widest), cut_to, std::min(second, width[widest] - 1)});
      }
    }
    for (std::size_t c = 0; c < n; ++c) {
      header[c] = wrap(cols[c].title, width[c]);
      if (!cols[c].unit.empty()) header[c].push_back("[" + cols[c].unit + "]");
    }
  }

  // One table row as text lines: the cells' lines side by side, each cell's lines top-aligned (`bottom`:
  // bottom-aligned, for headers, so units sit on the rule).
  auto emit = [&](const std::vector<std::vector<std::string>>& parts, bool bottom) {
    std::size_t height = 1;
    for (const auto& p : parts) height = std::max(height, p.size());
    std::string out;
    for (std::size_t l = 0; l < height; ++l) {
      std::string line;
      for (std::size_t c = 0; c < n; ++c) {
        if (c) line += std::string(kGap, ' ');
        const std::size_t offset = bottom ? height - parts[c].size() : 0;
        const std::string& text = l >= offset && l - offset < parts[c].size() ? parts[c][l - offset] : std::string();
        line += pad(text, width[c], cols[c].align);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  };

  std::string out = table.title() + "\n";
  out += emit(header, true);
  std::vector<std::vector<std::string>> rule(n);
  for (std::size_t c = 0; c < n; ++c) rule[c] = {std::string(width[c], '-')};
  out += emit(rule, false);
  for (const auto& row : table.rows()) {
    std::vector<std::vector<std::string>> parts(n);
    for (std::size_t c = 0; c < n; ++c)
      parts[c] = display_width(row[c].text) <= width[c] ? std::vector<std::string>{row[c].text}
                                                         : wrap(row[c].text, width[c]);
    out += emit(parts, false);
  }
  return out;
}

std::string fit_lines(const std::string& text, int width, int hang) {
  if (width <= 0) return text;
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    const bool has_nl = nl != std::string::npos;
    if (!has_nl) nl = text.size();
    const std::string line = text.substr(start, nl - start);
    start = nl + 1;
    if (display_width(line) <= static_cast<std::size_t>(width)) {
      out += line + (has_nl ? "\n" : "");
      continue;
    }
    const std::size_t indent = line.find_first_not_of(' ');
    const std::string lead(indent == std::string::npos ? 0 : indent, ' ');
    const std::string cont(lead.size() + static_cast<std::size_t>(std::max(hang, 0)), ' ');
    const std::size_t room = static_cast<std::size_t>(width) > cont.size() + kMinWrapWidth
                                 ? static_cast<std::size_t>(width) - cont.size()
                                 : kMinWrapWidth;
    // The first line has the lead's room; the rest the continuation's.
    const std::vector<std::string> first = wrap(line, static_cast<std::size_t>(width) - lead.size());
    out += lead + first.front() + "\n";
    std::string remainder;
    for (std::size_t i = 1; i < first.size(); ++i) remainder += (remainder.empty() ? "" : " ") + first[i];
    if (!remainder.empty())
      for (const std::string& l : wrap(remainder, room)) out += cont + l + "\n";
    if (!has_nl) out.pop_back();
  }
  return out;
}

Table without_column(const Table& table, const std::string& key) {
  const auto& cols = table.columns();
  std::size_t skip = cols.size();
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (cols[c].key == key) skip = c;
  if (skip == cols.size()) return table;
  std::vector<Column> kept;
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (c != skip) kept.push_back(cols[c]);
  Table out(table.id(), table.title(), kept);
  for (const auto& row : table.rows()) {
    std::vector<Cell> cells;
    for (std::size_t c = 0; c < row.size(); ++c)
      if (c != skip) cells.push_back(row[c]);
    out.add_row(std::move(cells));
  }
  return out;
}

}  // namespace moeplan::reports
