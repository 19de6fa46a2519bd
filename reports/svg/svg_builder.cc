// SvgBuilder: well-formed, escaped SVG output.
#include "reports/svg/svg_builder.h"

#include <fmt/format.h>

#include <cmath>

#include "reports/markup.h"
#include "sim/units/error.h"

namespace moeplan::reports::svg {

std::string coord(double v) {
  if (!std::isfinite(v)) throw_internal_error("svg: non-finite coordinate");
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

SvgBuilder::SvgBuilder(std::string_view id, std::string_view kind, double width, double height,
                       std::string_view title)
    : id_(id) {
  open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
               {"id", std::string(id)},
               {"class", "chart " + std::string(kind)},
               {"width", width},
               {"height", height},
               {"viewBox", "0 0 " + coord(width) + " " + coord(height)},
               {"role", "img"},
               {"font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"},
               {"font-size", 12}});
  text("title", {}, title);
  leaf("rect", {{"class", "background"}, {"x", 0}, {"y", 0}, {"width", width}, {"height", height},
                {"fill", "#ffffff"}});
}

void SvgBuilder::start_tag(std::string_view tag, const Attr* begin, const Attr* end, bool self_close) {
  out_ += '<';
  out_ += tag;
  for (const Attr* a = begin; a != end; ++a) out_ += fmt::format(" {}=\"{}\"", a->name, xml_escape(a->value));
  out_ += self_close ? "/>\n" : ">";
}

void SvgBuilder::open(std::string_view tag, std::initializer_list<Attr> attrs) {
  start_tag(tag, attrs.begin(), attrs.end(), false);
  out_ += '\n';
  open_.emplace_back(tag);
}

void SvgBuilder::close() {
  if (open_.empty()) throw_internal_error("svg: close() with no open element");
  out_ += "</" + open_.back() + ">\n";
  open_.pop_back();
}

void SvgBuilder::leaf(std::string_view tag, std::initializer_list<Attr> attrs) {
  start_tag(tag, attrs.begin(), attrs.end(), true);
}

void SvgBuilder::leaf(std::string_view tag, const std::vector<Attr>& attrs) {
  start_tag(tag, attrs.data(), attrs.data() + attrs.size(), true);
}

void SvgBuilder::text(std::string_view tag, std::initializer_list<Attr> attrs, std::string_view content) {
  start_tag(tag, attrs.begin(), attrs.end(), false);
  out_ += xml_escape(content);
  out_ += "</" + std::string(tag) + ">\n";
}

std::string SvgBuilder::finish() {
  while (!open_.empty()) close();
  return std::move(out_);
}

}  // namespace moeplan::reports::svg
