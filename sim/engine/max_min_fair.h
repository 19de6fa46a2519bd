// Max-min fair bandwidth sharing by progressive filling.
//
// Every flow crosses a path of links; each link has a capacity. Progressive filling raises all unfrozen
// flows' rates together until some link is full, freezes the flows crossing it at that link's fair share,
// and repeats (Bertsekas & Gallager, "Data Networks", 2nd ed., §6.5.2). The result is the unique max-min
// fair allocation: no flow can get more without taking from a flow that has no more.
//
// A link may appear more than once on one path (a PCIe transfer staged through host memory crosses the host
// link twice); each crossing then consumes the flow's rate once, so a lone such flow gets capacity / 2.
// The solver keeps its scratch buffers between calls so the simulator can re-solve without allocating.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace moeplan::engine {

// Paths stored back to back: path p is links[offsets[p] .. offsets[p + 1]).
struct PathPool {
  std::vector<std::uint32_t> offsets{0};
  std::vector<std::uint32_t> links;

  std::uint32_t add(std::span<const std::uint32_t> path_links);
  std::span<const std::uint32_t> path(std::uint32_t p) const {
    return {links.data() + offsets[p], links.data() + offsets[p + 1]};
  }
  std::uint32_t size() const { return static_cast<std::uint32_t>(offsets.size() - 1); }
};

class MaxMinSolver {
 public:
  // rates_Bps[i] receives the max-min fair rate of flow i, whose path is paths.path(flow_paths[i]).
  // Every flow must have a non-empty path; every capacity must be positive.
  void solve(std::span<const double> capacity_Bps, const PathPool& paths,
             std::span<const std::uint32_t> flow_paths, std::vector<double>& rates_Bps);

 private:
  struct HeapEntry {
    double share;
    std::uint32_t link;
    std::uint32_t version;
  };
  std::vector<double> cap_;
  std::vector<std::uint32_t> count_;
  std::vector<std::uint32_t> version_;
  std::vector<std::uint32_t> list_begin_;
  std::vector<std::uint32_t> list_len_;
  std::vector<std::uint32_t> list_;
  std::vector<std::uint32_t> touched_;
  std::vector<std::uint32_t> active_;  // touched links still shared after lone flows are settled
  std::vector<std::uint8_t> frozen_;
  std::vector<HeapEntry> heap_;
};

}  // namespace moeplan::engine
