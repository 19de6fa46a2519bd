// Escaping for the markup languages reports write (XML/SVG/HTML, CSV, Markdown).
#pragma once

#include <string>
#include <string_view>

namespace moeplan::reports {

// Escapes & < > " ' so the text is safe in XML/HTML element content and attribute values. Control
// characters that XML 1.0 forbids are dropped.
std::string xml_escape(std::string_view text);
// Quotes a CSV field when it contains a comma, quote, CR or LF (RFC 4180), doubling inner quotes.
std::string csv_field(std::string_view text);
// Escapes characters that would break a Markdown table cell ('|', newlines).
std::string markdown_cell(std::string_view text);

}  // namespace moeplan::reports
