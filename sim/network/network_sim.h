// NetworkSim: a Topology installed into an engine Simulator, with helpers to add routed transfers.
//
// Topology link i becomes simulator link link(i); a transfer between GPUs takes the topology route and its
// latency. This is the `des-full` path: every transfer is simulated with max-min bandwidth sharing.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "sim/engine/simulator.h"
#include "sim/network/topology.h"

namespace moeplan::network {

struct PathRef {
  engine::PathId path = engine::kNoPath;
  engine::SimTime latency = 0;
};

class NetworkSim {
 public:
  // Adds every link of `topo` to `sim`. Both must outlive this object.
  NetworkSim(engine::Simulator& sim, const Topology& topo);

  engine::Simulator& sim() { return sim_; }
  const Topology& topology() const { return topo_; }
  engine::LinkId link(std::uint32_t topo_link) const { return engine::LinkId{first_link_ + topo_link}; }

  // A new engine path for the route src -> dst (callers reuse it for repeated transfers on one pair).
  PathRef path(int src, int dst);
  // A transfer of `bytes` over `p` that starts when every task in `deps` has finished (kNoTask ignored).
  // `first_byte_latency` false skips the path latency (a chunk pipelined behind a previous one).
  engine::TaskId transfer(const PathRef& p, double bytes, std::span<const engine::TaskId> deps,
                          bool first_byte_latency = true);
  engine::TaskId transfer(const PathRef& p, double bytes, std::initializer_list<engine::TaskId> deps,
                          bool first_byte_latency = true) {
    return transfer(p, bytes, std::span(deps.begin(), deps.size()), first_byte_latency);
  }
  // A zero-duration marker that finishes when all `deps` have.
  engine::TaskId join(std::span<const engine::TaskId> deps);

  // After run(): bytes carried by all links of one class (each crossing counted).
  double bytes_on(LinkClass cls) const;

 private:
  engine::Simulator& sim_;
  const Topology& topo_;
  std::uint32_t first_link_ = 0;
  std::vector<engine::LinkId> scratch_;
};

}  // namespace moeplan::network
