// Rendering of moeplan::Error messages: "file:line:column: key: message (expected ...) hint".
#include "sim/units/error.h"

#include "sim/units/text.h"

namespace moeplan {

Error::Error(ErrorKind kind, const std::string& message, ErrorContext context)
    : std::runtime_error(render(message, context)),
      kind_(kind),
      message_(message),
      context_(std::move(context)) {}

std::string Error::render(const std::string& message, const ErrorContext& c) {
  std::string out;
  if (!c.file.empty()) {
    out += c.file;
    if (c.line > 0) {
      out += ":" + std::to_string(c.line);
      if (c.column > 0) out += ":" + std::to_string(c.column);
    }
    out += ": ";
  }
  if (!c.key_path.empty()) out += "`" + c.key_path + "`: ";
  out += message;
  if (!c.expected.empty()) out += " (expected " + c.expected + ")";
  if (!c.hint.empty()) out += "; " + c.hint;
  // Keys and values come from users: keep the message on one line and valid UTF-8 whatever they hold.
  return printable(out);
}

Error Error::with_context(const ErrorContext& outer) const {
  ErrorContext merged = context_;
  if (merged.file.empty()) merged.file = outer.file;
  if (merged.line == 0) {
    merged.line = outer.line;
    merged.column = outer.column;
  }
  if (merged.key_path.empty()) merged.key_path = outer.key_path;
  if (merged.expected.empty()) merged.expected = outer.expected;
  if (merged.hint.empty()) merged.hint = outer.hint;
  return Error(kind_, message_, merged);
}

void throw_user_error(const std::string& message, ErrorContext context) {
  throw Error(ErrorKind::kUser, message, std::move(context));
}

void throw_internal_error(const std::string& message) {
  throw Error(ErrorKind::kInternal, message);
}

}  // namespace moeplan
