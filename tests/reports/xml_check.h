// A small XML well-formedness checker and tree for the report tests.
//
// Parses the subset reports emit (and Chromium's DOM serialisation of inline SVG): an optional <?xml ?>
// declaration, comments, elements with quoted attributes, self-closing tags, text with the five predefined
// entities and numeric character references. It rejects mismatched or unclosed tags, duplicate
// attributes, unquoted attributes, bare '&' and '<' in text, and more than one root element.
#pragma once

#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace moeplan::reports::testing {

struct XmlNode {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<XmlNode>> children;
  std::string text;  // concatenated character data directly inside this element

  std::string attr(const std::string& key) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? "" : it->second;
  }
  // True when the whitespace-separated class list contains `cls`.
  bool has_class(const std::string& cls) const {
    std::istringstream in(attr("class"));
    std::string token;
    while (in >> token)
      if (token == cls) return true;
    return false;
  }
  // All descendants (this node included) for which `pred` holds, in document order.
  void collect(const std::function<bool(const XmlNode&)>& pred, std::vector<const XmlNode*>& out) const {
    if (pred(*this)) out.push_back(this);
    for (const auto& c : children) c->collect(pred, out);
  }
  std::vector<const XmlNode*> find_all(const std::function<bool(const XmlNode&)>& pred) const {
    std::vector<const XmlNode*> out;
    collect(pred, out);
    return out;
  }
  std::vector<const XmlNode*> with_class(const std::string& cls) const {
    return find_all([&](const XmlNode& n) { return n.has_class(cls); });
  }
  // Text of this element and all its descendants.
  std::string all_text() const {
    std::string s = text;
    for (const auto& c : children) s += c->all_text();
    return s;
  }
};

class XmlParser {
 public:
  explicit XmlParser(const std::string& text) : s_(text) {}

  // Throws std::runtime_error with the offset of the first problem.
  std::unique_ptr<XmlNode> parse() {
    skip_misc();
    if (!peek('<')) fail("expected the root element");
    auto root = element();
    skip_misc();
    if (i_ != s_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("XML error at offset " + std::to_string(i_) + ": " + why + " near '" +
                             s_.substr(i_ < 20 ? 0 : i_ - 20, 60) + "'");
  }
  bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
  bool starts(const char* p) const { return s_.compare(i_, std::char_traits<char>::length(p), p) == 0; }
  void skip_ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  void skip_until(const char* end) {
    auto pos = s_.find(end, i_);
    if (pos == std::string::npos) fail(std::string("unterminated construct, missing ") + end);
    i_ = pos + std::char_traits<char>::length(end);
  }
  void skip_misc() {
    for (;;) {
      skip_ws();
      if (starts("<?")) skip_until("?>");
      else if (starts("<!--")) skip_until("-->");
      else if (starts("<!DOCTYPE") || starts("<!doctype")) skip_until(">");
      else return;
    }
  }
  std::string name() {
    std::size_t b = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '_' ||
                              s_[i_] == ':' || s_[i_] == '.'))
      ++i_;
    if (b == i_) fail("expected a name");
    return s_.substr(b, i_ - b);
  }
  std::string decode(const std::string& raw) {
    std::string out;
    for (std::size_t k = 0; k < raw.size(); ++k) {
      char c = raw[k];
      if (c == '<') fail("'<' in character data");
      if (c != '&') {
        out += c;
        continue;
      }
      auto semi = raw.find(';', k);
      if (semi == std::string::npos) fail("bare '&'");
      std::string ent = raw.substr(k + 1, semi - k - 1);
      if (ent == "amp") out += '&';
      else if (ent == "lt") out += '<';
      else if (ent == "gt") out += '>';
      else if (ent == "quot") out += '"';
      else if (ent == "apos") out += '\'';
      else if (ent == "nbsp") out += ' ';  // Chromium's DOM dump uses it
      else if (ent.size() > 1 && ent[0] == '#') {
        bool hex = ent[1] == 'x';
        std::string digits = ent.substr(hex ? 2 : 1);
        if (digits.empty() ||
            digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
          fail("bad character reference &" + ent + ";");
        long code = std::stol(digits, nullptr, hex ? 16 : 10);
        out += code < 128 ? static_cast<char>(code) : '?';
      } else {
        fail("unknown entity &" + ent + ";");
      }
      k = semi;
    }
    return out;
  }
  std::unique_ptr<XmlNode> element() {
    ++i_;  // '<'
    auto node = std::make_unique<XmlNode>();
    node->name = name();
    for (;;) {
      skip_ws();
      if (starts("/>")) {
        i_ += 2;
        return node;
      }
      if (peek('>')) {
        ++i_;
        break;
      }
      std::string key = name();
      skip_ws();
      if (!peek('=')) fail("attribute '" + key + "' without a value");
      ++i_;
      skip_ws();
      if (!peek('"') && !peek('\'')) fail("unquoted attribute '" + key + "'");
      char q = s_[i_++];
      auto end = s_.find(q, i_);
      if (end == std::string::npos) fail("unterminated attribute");
      std::string value = decode(s_.substr(i_, end - i_));
      i_ = end + 1;
      if (!node->attrs.emplace(key, value).second) fail("duplicate attribute '" + key + "'");
    }
    for (;;) {
      if (i_ >= s_.size()) fail("unclosed element <" + node->name + ">");
      if (starts("<!--")) {
        skip_until("-->");
      } else if (starts("</")) {
        i_ += 2;
        std::string closing = name();
        if (closing != node->name) fail("</" + closing + "> closes <" + node->name + ">");
        skip_ws();
        if (!peek('>')) fail("expected '>'");
        ++i_;
        return node;
      } else if (peek('<')) {
        node->children.push_back(element());
      } else {
        auto next = s_.find('<', i_);
        if (next == std::string::npos) next = s_.size();
        node->text += decode(s_.substr(i_, next - i_));
        i_ = next;
      }
    }
  }

  const std::string& s_;
  std::size_t i_ = 0;
};

inline std::unique_ptr<XmlNode> parse_xml(const std::string& text) { return XmlParser(text).parse(); }

}  // namespace moeplan::reports::testing
