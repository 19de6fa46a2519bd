// Edit distance and closest-name hints for loader error messages.
#include "sim/io/suggest.h"

#include <algorithm>
#include <cctype>

namespace moeplan::io {

int edit_distance(std::string_view a, std::string_view b) {
  // Two-row dynamic programme over prefixes of a and b.
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::string closest_name(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty()) return "";
  const std::string w = lower(word);
  std::string best;
  double best_score = 1e9;
  for (const std::string& c : candidates) {
    const std::string lc = lower(c);
    double score = edit_distance(w, lc);
    // "h800" for "h800-sxm": one name starting the other beats an equally short edit ("a800").
    const bool prefix = lc.rfind(w, 0) == 0 || w.rfind(lc, 0) == 0;
    if (prefix && std::min(w.size(), lc.size()) >= 2) score = std::min(score, 0.5);
    // Ties go to the candidate with the same first letter ("epp" -> "ep", not "pp").
    if (!lc.empty() && lc[0] == w[0]) score -= 0.1;
    if (score < best_score) {
      best_score = score;
      best = c;
    }
  }
  const double limit = std::max<double>(2, static_cast<double>(w.size() / 3));
  return best_score <= limit ? best : "";
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string best = closest_name(word, candidates);
  return best.empty() ? "" : "did you mean `" + best + "`?";
}

std::string join_names(const std::vector<std::string>& names, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += separator;
    out += names[i];
  }
  return out;
}

}  // namespace moeplan::io
