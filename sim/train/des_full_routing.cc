// Per-block routing draws of a des-full step (see des_full_routing.h).
#include "sim/train/des_full_routing.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "sim/train/chunk_pieces.h"

namespace moeplan {

EpBlockRouting::EpBlockRouting(const Scenario& s, const Calibration& calib, const StepShape& shape,
                               const DesFullComm& comm)
    : s_(s),
      calib_(calib),
      shape_(shape),
      comm_(comm),
      picks_(s.seed, "des-full/ep-picks/" + std::to_string(shape.seq_len) + "/" + std::to_string(shape.global_batch)) {
  const StepLayout& l = comm.layout();
  units_per_block_ = l.ep / std::gcd(l.ep, l.unit_gpus());  // lcm(ep, unit) / unit
}

void EpBlockRouting::start_block(int pipeline_rank, int first_replica) {
  draws_.clear();
  loads_.clear();
  block_rank_ = pipeline_rank;
  block_first_ = first_replica;
}

const EpBlockDraw& EpBlockRouting::draw(int mb, int stage, int moe_layer) {
  const std::uint64_t key = (static_cast<std::uint64_t>(mb) << 32) | (static_cast<std::uint64_t>(stage) << 12) |
                            static_cast<std::uint64_t>(moe_layer);
  auto it = draws_.find(key);
  if (it != draws_.end()) return it->second;
  const auto& pool = comm_.draws();
  const StepLayout& layout = comm_.layout();
  // A replica's tp x cp GPUs move together (TP collectives, CP rings), at their most loaded GPU's pace.
  const int ep = layout.ep, tp = layout.unit_gpus(), n_nodes = comm_.ep_nodes(), g = comm_.ep_gpus_per_node();
  const int groups = units_per_block_ * tp / ep;
  EpBlockDraw bd;
  bd.load_offset = loads_.size();
  std::vector<int> k(groups), a(groups), b(groups);
  for (int i = 0; i < groups; ++i) {
    k[i] = static_cast<int>(picks_.below(pool.size()));
    if (comm_.skewed()) {
      const std::string name = "des-full/ep-placement/" + std::to_string(block_rank_) + "/" +
                               std::to_string(block_first_) + "/" + std::to_string(i) + "/" + std::to_string(stage) +
                               "/" + std::to_string(moe_layer);
      std::uint64_t state = s_.seed ^ fnv1a64(name);
      a[i] = static_cast<int>(splitmix64(state) % static_cast<std::uint64_t>(n_nodes));
      b[i] = static_cast<int>(splitmix64(state) % static_cast<std::uint64_t>(g));
    } else {
      a[i] = static_cast<int>(picks_.below(static_cast<std::uint64_t>(n_nodes)));
      b[i] = static_cast<int>(picks_.below(static_cast<std::uint64_t>(g)));
    }
    bd.dispatch_s = std::max(bd.dispatch_s, pool[k[i]].dispatch_s);
    bd.combine_s = std::max(bd.combine_s, pool[k[i]].combine_s);
  }
  for (int j = 0; j < units_per_block_; ++j) {
    double load = 0;
    for (int t = 0; t < tp; ++t) {
      const int pos = j * tp + t, grp = pos / ep, member = pos % ep;
      const int src = ((member / g + a[grp]) % n_nodes) * g + (member % g + b[grp]) % g;
      load = std::max(load, pool[k[grp]].load[src]);
    }
    loads_.push_back(load);
  }
  return draws_.emplace(key, bd).first->second;
}

const ExpertTimes& EpBlockRouting::expert_times(double load) {
  // Loads are memoised on a 1e-4 grid: a few hundred distinct values per step, each one calibration lookup.
  const long long key = std::llround(load * 1e4);
  auto it = expert_memo_.find(key);
  if (it == expert_memo_.end())
    it = expert_memo_.emplace(key, routed_expert_times(s_, shape_, calib_, static_cast<double>(key) / 1e4)).first;
  return it->second;
}

double EpBlockRouting::expert_delta(const ChunkCost& c, char pass, int moe_layer, int j, int mb, int stage) {
  if (!comm_.has_ep()) return 0.0;
  const ExpertTimes& base = expert_times(1.0);
  auto delta = [&](int layer) {
    const EpBlockDraw& bd = draw(mb, stage, layer);
    const ExpertTimes& e = expert_times(loads_[bd.load_offset + j]);
    return pass == 'F' ? e.f_s - base.f_s : pass == 'B' ? e.b_s - base.b_s : e.w_s - base.w_s;
  };
  if (pass == 'W') {  // one piece holds the weight gradients of all the chunk's layers
    double sum = 0;
    for (int layer = 0, n = moe_layers_in(c); layer < n; ++layer) sum += delta(layer);
    return sum;
  }
  return moe_layer >= 0 ? delta(moe_layer) : 0.0;
}

}  // namespace moeplan
