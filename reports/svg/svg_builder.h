// SvgBuilder: writes well-formed SVG markup with escaped text and attribute values.
//
// Charts build their SVG through this class only, so every element is closed in order and every piece of
// text (titles, labels from scenario files) is XML-escaped.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace moeplan::reports::svg {

// Coordinates and lengths as short text: at most 2 decimals, trailing zeros dropped ("12.5", "40").
std::string coord(double v);

struct Attr {
  Attr(std::string n, std::string v) : name(std::move(n)), value(std::move(v)) {}
  Attr(std::string n, const char* v) : name(std::move(n)), value(v) {}
  Attr(std::string n, double v) : name(std::move(n)), value(coord(v)) {}
  Attr(std::string n, int v) : name(std::move(n)), value(std::to_string(v)) {}
  std::string name;
  std::string value;  // unescaped; the builder escapes it
};

class SvgBuilder {
 public:
  // Opens the root <svg> with the namespace, size, viewBox, id and class "chart <kind>", and a <title>.
  SvgBuilder(std::string_view id, std::string_view kind, double width, double height, std::string_view title);

  void open(std::string_view tag, std::initializer_list<Attr> attrs = {});
  void close();  // closes the most recently opened element
  void leaf(std::string_view tag, std::initializer_list<Attr> attrs);  // <tag .../>
  void text(std::string_view tag, std::initializer_list<Attr> attrs, std::string_view content);
  void leaf(std::string_view tag, const std::vector<Attr>& attrs);

  // Closes every open element (the root included) and returns the document. Call once.
  std::string finish();

  const std::string& id() const { return id_; }

 private:
  void start_tag(std::string_view tag, const Attr* begin, const Attr* end, bool self_close);

  std::string id_;
  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace moeplan::reports::svg
