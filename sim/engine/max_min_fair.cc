// Progressive filling with a lazy min-heap of link fair shares (see max_min_fair.h).
//
// Freezing flows at the current minimum share s never lowers another link's share: a link with c spare
// capacity and n unfrozen crossings has c/n >= s, and after giving s to m of them (c - m s)/(n - m) >= s.
// So links can be taken from a min-heap in order, re-pushing a link whenever its share changes and
// skipping stale entries by version number. Cost: O(sum of path lengths x log links) per solve.
#include "sim/engine/max_min_fair.h"

#include <algorithm>

#include "sim/units/error.h"

namespace moeplan::engine {

namespace {
// Below this many links in use a linear scan for the bottleneck beats heap maintenance.
constexpr std::size_t kLinearScanLinks = 512;
// ... and when links^2 stays within this many times the crossings (about the heap's log factor).
constexpr std::size_t kScanPerCrossing = 16;
}  // namespace

std::uint32_t PathPool::add(std::span<const std::uint32_t> path_links) {
  links.insert(links.end(), path_links.begin(), path_links.end());
  offsets.push_back(static_cast<std::uint32_t>(links.size()));
  return static_cast<std::uint32_t>(offsets.size() - 2);
}

void MaxMinSolver::solve(std::span<const double> capacity_Bps, const PathPool& paths,
                         std::span<const std::uint32_t> flow_paths, std::vector<double>& rates_Bps) {
  const std::size_t n_links = capacity_Bps.size();
  const std::size_t n_flows = flow_paths.size();
  rates_Bps.assign(n_flows, 0.0);
  if (n_flows == 0) return;
  if (cap_.size() < n_links) {
    cap_.resize(n_links, 0.0);
    count_.resize(n_links, 0);
    version_.resize(n_links, 0);
    list_begin_.resize(n_links, 0);
    list_len_.resize(n_links, 0);
  }
  touched_.clear();
  // Count crossings per link (with multiplicity).
  for (std::size_t f = 0; f < n_flows; ++f) {
    const auto path = paths.path(flow_paths[f]);
    if (path.empty()) throw_internal_error("max-min solver: a flow has an empty path");
    for (std::uint32_t l : path) {
      if (count_[l]++ == 0) touched_.push_back(l);
    }
  }
  std::sort(touched_.begin(), touched_.end());  // deterministic, cache-friendly order
  // Per-link flow lists, CSR over the touched links (list_begin_ indexed by link id).
  std::uint32_t total = 0;
  for (std::uint32_t l : touched_) {
    list_begin_[l] = total;
    list_len_[l] = count_[l];
    total += count_[l];
    cap_[l] = capacity_Bps[l];
    if (!(cap_[l] > 0)) throw_internal_error("max-min solver: a link has non-positive capacity");
  }
  list_.resize(total);
  {
    // Fill using count_ as a cursor, then restore the counts.
    for (std::size_t f = 0; f < n_flows; ++f) {
      for (std::uint32_t l : paths.path(flow_paths[f])) {
        list_[list_begin_[l] + (--count_[l])] = static_cast<std::uint32_t>(f);
      }
    }
    for (std::size_t f = 0; f < n_flows; ++f)
      for (std::uint32_t l : paths.path(flow_paths[f])) ++count_[l];
  }
  frozen_.assign(n_flows, 0);
  // A flow that shares none of its links with another flow (nor crosses one twice) gets its path's smallest
  // capacity, exactly what progressive filling would give it. Settling those first keeps the solve cheap
  // when most flows run side by side without meeting (pipeline sends of many replicas).
  for (std::size_t f = 0; f < n_flows; ++f) {
    const auto path = paths.path(flow_paths[f]);
    bool alone = true;
    for (std::uint32_t l : path) alone = alone && count_[l] == 1;
    if (!alone) continue;
    double rate = cap_[path[0]];
    for (std::uint32_t l : path) {
      rate = std::min(rate, cap_[l]);
      count_[l] = 0;
    }
    frozen_[f] = 1;
    rates_Bps[f] = rate;
  }
  active_.clear();
  std::size_t crossings = 0;
  for (std::uint32_t l : touched_)
    if (count_[l] > 0) {
      active_.push_back(l);
      crossings += count_[l];
    }
  // Freezes every unfrozen flow crossing link l at l's current fair share; `push` re-queues the links
  // whose share changed (heap variant only).
  const auto later = [](const HeapEntry& a, const HeapEntry& b) {
    return a.share > b.share || (a.share == b.share && a.link > b.link);
  };
  const auto freeze_link = [&](std::uint32_t l, bool push) {
    const double share = std::max(cap_[l], 0.0) / count_[l];
    // The list of link l holds every crossing, including flows already frozen through other links.
    const std::uint32_t begin = list_begin_[l];
    const std::uint32_t list_end = begin + list_len_[l];
    for (std::uint32_t i = begin; i < list_end; ++i) {
      const std::uint32_t f = list_[i];
      if (frozen_[f]) continue;
      frozen_[f] = 1;
      rates_Bps[f] = share;
      for (std::uint32_t l2 : paths.path(flow_paths[f])) {
        cap_[l2] -= share;
        --count_[l2];
        if (push && l2 != l && count_[l2] > 0) {
          heap_.push_back({std::max(cap_[l2], 0.0) / count_[l2], l2, ++version_[l2]});
          std::push_heap(heap_.begin(), heap_.end(), later);
        }
      }
    }
  };
  // The scan costs up to links^2, the heap crossings x log(links): scan only when the links are few
  // against the crossings (an all-to-all on one switch), not when many links each carry a few flows.
  const std::size_t links = active_.size();
  if (links <= kLinearScanLinks && links * links <= crossings * kScanPerCrossing) {
    // Few links, possibly many flows: find the bottleneck by scanning the links, O(links^2 + crossings).
    for (;;) {
      std::uint32_t best = 0xFFFFFFFFu;
      double best_share = 0;
      for (std::uint32_t l : active_) {
        if (count_[l] == 0) continue;
        const double share = std::max(cap_[l], 0.0) / count_[l];
        if (best == 0xFFFFFFFFu || share < best_share) {
          best = l;
          best_share = share;
        }
      }
      if (best == 0xFFFFFFFFu) break;
      freeze_link(best, false);
    }
  } else {
    // Many links: a lazy min-heap of shares, O(crossings x log links).
    heap_.clear();
    for (std::uint32_t l : active_) heap_.push_back({cap_[l] / count_[l], l, ++version_[l]});
    std::make_heap(heap_.begin(), heap_.end(), later);
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), later);
      const HeapEntry top = heap_.back();
      heap_.pop_back();
      if (top.version != version_[top.link] || count_[top.link] == 0) continue;
      freeze_link(top.link, true);
    }
  }
  for (std::uint32_t l : touched_) count_[l] = 0;
}

}  // namespace moeplan::engine
