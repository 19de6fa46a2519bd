// Balancing work over members of different speeds (see hetero_balance.h).
#include "sim/workload/hetero_balance.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <utility>

#include "sim/units/error.h"

namespace moeplan {
namespace {

double fixed_of(const std::vector<double>& fixed_s, std::size_t i) {
  return i < fixed_s.size() ? fixed_s[i] : 0.0;
}

void check_rates(const std::vector<double>& per_unit_s, const std::vector<double>& fixed_s) {
  if (per_unit_s.empty()) throw_internal_error("balance: no members");
  if (!fixed_s.empty() && fixed_s.size() != per_unit_s.size())
    throw_internal_error("balance: " + std::to_string(fixed_s.size()) + " fixed times for " +
                         std::to_string(per_unit_s.size()) + " members");
  for (double t : per_unit_s)
    if (!(t > 0) || !std::isfinite(t)) throw_internal_error("balance: a member's time per unit is not positive");
  for (double f : fixed_s)
    if (!(f >= 0) || !std::isfinite(f)) throw_internal_error("balance: a member's fixed time is negative");
}

// Fills time_s, slowest, max_time_s and idle_s from counts and the per-member times.
void finish(BalancedSplit& b) {
  b.slowest = 0;
  for (std::size_t i = 1; i < b.time_s.size(); ++i)
    if (b.time_s[i] > b.time_s[static_cast<std::size_t>(b.slowest)]) b.slowest = static_cast<int>(i);
  b.max_time_s = b.time_s.at(static_cast<std::size_t>(b.slowest));
  b.idle_s.clear();
  for (double t : b.time_s) b.idle_s.push_back(b.max_time_s - t);
}

}  // namespace

double BalancedSplit::idle_fraction() const {
  if (idle_s.empty() || max_time_s <= 0) return 0;
  double idle = 0;
  for (double x : idle_s) idle += x;
  return idle / (static_cast<double>(idle_s.size()) * max_time_s);
}

BalancedSplit evaluate_counts(const std::vector<double>& per_unit_s, const std::vector<double>& fixed_s,
                              const std::vector<int>& counts) {
  check_rates(per_unit_s, fixed_s);
  if (counts.size() != per_unit_s.size())
    throw_internal_error("balance: " + std::to_string(counts.size()) + " counts for " +
                         std::to_string(per_unit_s.size()) + " members");
  BalancedSplit b;
  b.counts = counts;
  for (std::size_t i = 0; i < counts.size(); ++i) b.time_s.push_back(fixed_of(fixed_s, i) + counts[i] * per_unit_s[i]);
  finish(b);
  return b;
}

BalancedSplit balance_counts(const std::vector<double>& per_unit_s, const std::vector<double>& fixed_s, int total,
                             int min_each) {
  check_rates(per_unit_s, fixed_s);
  const long long members = static_cast<long long>(per_unit_s.size());
  if (min_each < 0 || static_cast<long long>(total) < members * min_each)
    throw_user_error(std::to_string(total) + " units cannot give each of " + std::to_string(members) +
                     " members at least " + std::to_string(min_each));
  std::vector<int> counts(per_unit_s.size(), min_each);
  // Each member's finish time if it took one more unit; the smallest takes the next unit (ties: lowest index).
  using Next = std::pair<double, std::size_t>;
  std::priority_queue<Next, std::vector<Next>, std::greater<>> next;
  for (std::size_t i = 0; i < per_unit_s.size(); ++i)
    next.emplace(fixed_of(fixed_s, i) + (min_each + 1) * per_unit_s[i], i);
  for (long long left = total - members * min_each; left > 0; --left) {
    const std::size_t i = next.top().second;
    next.pop();
    ++counts[i];
    next.emplace(fixed_of(fixed_s, i) + (counts[i] + 1) * per_unit_s[i], i);
  }
  return evaluate_counts(per_unit_s, fixed_s, counts);
}

BalancedSplit balance_stage_layers(const std::vector<std::vector<double>>& layer_s, const std::vector<double>& fixed_s,
                                   int min_layers) {
  const std::size_t n_stages = layer_s.size();
  if (n_stages == 0) throw_internal_error("balance: no stages");
  const std::size_t n_layers = layer_s[0].size();
  for (const auto& row : layer_s) {
    if (row.size() != n_layers) throw_internal_error("balance: stages see different layer counts");
    for (double t : row)
      if (!(t >= 0) || !std::isfinite(t)) throw_internal_error("balance: a layer time is negative");
  }
  if (!fixed_s.empty() && fixed_s.size() != n_stages) throw_internal_error("balance: fixed times per stage");
  const std::size_t min_l = static_cast<std::size_t>(std::max(0, min_layers));
  if (n_layers < n_stages * min_l)
    throw_user_error(std::to_string(n_layers) + " layers cannot give each of " + std::to_string(n_stages) +
                     " pipeline stages at least " + std::to_string(min_l));

  // prefix[s][l]: the first l layers' time on stage s's GPU.
  std::vector<std::vector<double>> prefix(n_stages, std::vector<double>(n_layers + 1, 0.0));
  for (std::size_t s = 0; s < n_stages; ++s)
    for (std::size_t l = 0; l < n_layers; ++l) prefix[s][l + 1] = prefix[s][l] + layer_s[s][l];
  auto stage_time = [&](std::size_t s, std::size_t from, std::size_t to) {
    return fixed_of(fixed_s, s) + prefix[s][to] - prefix[s][from];
  };

  // best[s][l]: (largest stage time, sum of stage times) of stages 0..s holding layers [0, l); cut[s][l]
  // where stage s starts. The sum breaks ties: a 1F1B step is about (m - 1) x the slowest stage plus one
  // pass through every stage, so among cuts with the same slowest stage the smaller sum is the faster step.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  using Cost = std::pair<double, double>;
  std::vector<std::vector<Cost>> best(n_stages, std::vector<Cost>(n_layers + 1, {kInf, kInf}));
  std::vector<std::vector<std::size_t>> cut(n_stages, std::vector<std::size_t>(n_layers + 1, 0));
  for (std::size_t l = min_l; l <= n_layers; ++l) {
    const double t = stage_time(0, 0, l);
    best[0][l] = {t, t};
  }
  for (std::size_t s = 1; s < n_stages; ++s)
    for (std::size_t l = (s + 1) * min_l; l <= n_layers; ++l)
      for (std::size_t k = s * min_l; k + min_l <= l; ++k) {
        const Cost& before = best[s - 1][k];
        if (before.first == kInf) continue;
        const double t = stage_time(s, k, l);
        const Cost c{std::max(before.first, t), before.second + t};
        if (c < best[s][l]) {
          best[s][l] = c;
          cut[s][l] = k;
        }
      }

  std::vector<int> counts(n_stages, 0);
  std::size_t end = n_layers;
  for (std::size_t s = n_stages; s-- > 0;) {
    const std::size_t start = s == 0 ? 0 : cut[s][end];
    counts[s] = static_cast<int>(end - start);
    end = start;
  }
  BalancedSplit b;
  b.counts = counts;
  std::size_t from = 0;
  for (std::size_t s = 0; s < n_stages; ++s) {
    b.time_s.push_back(stage_time(s, from, from + static_cast<std::size_t>(counts[s])));
    from += static_cast<std::size_t>(counts[s]);
  }
  finish(b);
  return b;
}

}  // namespace moeplan
