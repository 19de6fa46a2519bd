// The one error type moeplan's libraries throw.
//
// Library code never prints or exits: it throws moeplan::Error, and the CLI maps the kind to an exit code
// (kUser -> 2, kInternal -> 1). A user error carries where it happened (file:line:column and key path when
// known), what was expected, what was found, and a hint; what() renders them as one readable message.
#pragma once

#include <stdexcept>
#include <string>

namespace moeplan {

enum class ErrorKind {
  kUser,      // bad input: malformed file, unknown key, bad unit, impossible or non-fitting plan
  kInternal,  // a bug or broken invariant inside moeplan
};

struct ErrorContext {
  std::string file;      // empty when the input did not come from a file
  int line = 0;          // 1-based; 0 when unknown
  int column = 0;        // 1-based; 0 when unknown
  std::string key_path;  // dotted path such as "parallel.ep"
  std::string expected;  // what a valid value looks like
  std::string hint;      // e.g. "did you mean `ep`?"
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, ErrorContext context = {});

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  const ErrorContext& context() const { return context_; }

  // Returns a copy with context fields filled where this error has none (used by loaders that learn the
  // file and position only after a lower layer has thrown).
  Error with_context(const ErrorContext& outer) const;

 private:
  static std::string render(const std::string& message, const ErrorContext& context);

  ErrorKind kind_;
  std::string message_;
  ErrorContext context_;
};

// Shorthands used throughout the libraries.
[[noreturn]] void throw_user_error(const std::string& message, ErrorContext context = {});
[[noreturn]] void throw_internal_error(const std::string& message);

}  // namespace moeplan
