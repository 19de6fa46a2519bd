// Installing a topology into the simulator and adding routed transfers.
#include "sim/network/network_sim.h"

#include "sim/units/error.h"

namespace moeplan::network {

NetworkSim::NetworkSim(engine::Simulator& sim, const Topology& topo) : sim_(sim), topo_(topo) {
  first_link_ = static_cast<std::uint32_t>(sim.n_links());
  for (const TopoLink& l : topo.links()) sim.add_link(l.name, l.capacity_Bps);
}

PathRef NetworkSim::path(int src, int dst) {
  const Route r = topo_.route(src, dst);
  scratch_.clear();
  for (std::uint32_t l : r.links) scratch_.push_back(link(l));
  return PathRef{sim_.add_path(scratch_), engine::seconds_to_time(r.latency_s)};
}

engine::TaskId NetworkSim::transfer(const PathRef& p, double bytes, std::span<const engine::TaskId> deps,
                                    bool first_byte_latency) {
  const engine::TaskId t = sim_.add_task({.kind = engine::TaskKind::kTransfer,
                                          .duration = first_byte_latency ? p.latency : 0,
                                          .bytes = bytes,
                                          .path = p.path});
  for (engine::TaskId d : deps)
    if (d != engine::kNoTask) sim_.add_dependency(d, t);
  return t;
}

engine::TaskId NetworkSim::join(std::span<const engine::TaskId> deps) {
  const engine::TaskId t = sim_.add_task({.kind = engine::TaskKind::kFixed, .duration = 0});
  for (engine::TaskId d : deps)
    if (d != engine::kNoTask) sim_.add_dependency(d, t);
  return t;
}

double NetworkSim::bytes_on(LinkClass cls) const {
  double sum = 0;
  const auto& links = topo_.links();
  for (std::uint32_t i = 0; i < links.size(); ++i)
    if (links[i].cls == cls) sum += sim_.link_bytes(link(i));
  return sum;
}

}  // namespace moeplan::network
