// Text checks for user input: UTF-8 validity and one-line rendering.
//
// Names from scenarios end up in JSON, HTML and SQLite, which all need valid UTF-8; error messages must stay
// on one line whatever a key or value contains.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace moeplan {

// Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF); npos when `text` is valid.
size_t first_invalid_utf8(std::string_view text);

// `text` with control characters and bytes of invalid UTF-8 written as \xNN, so it prints on one line.
std::string printable(std::string_view text);

}  // namespace moeplan
