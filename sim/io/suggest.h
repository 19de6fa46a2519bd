// "Did you mean ...?" hints: the closest valid name to a misspelled key or catalog entry.
//
// Used by every loader so that an unknown key, GPU, fabric, model or enum value names its likely
// intended spelling instead of only failing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace moeplan::io {

// Levenshtein distance (insertions, deletions, substitutions each cost 1), case-sensitive.
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, or "" when none is close enough to be a plausible misspelling
// (distance at most max(2, |word| / 3), or `word` being a prefix/extension of the candidate).
std::string closest_name(std::string_view word, const std::vector<std::string>& candidates);

// "did you mean `h800-sxm`?" or "" when closest_name finds nothing.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" — the candidates joined for an "expected one of ..." message.
std::string join_names(const std::vector<std::string>& names, std::string_view separator = ", ");

}  // namespace moeplan::io
