// Validation suite statistics (see validation_stats.h).
#include "sim/validate/validation_stats.h"

#include <cmath>
#include <functional>
#include <set>

namespace moeplan {

GroupStats stats_of(const std::string& group, const std::vector<const ValidationRow*>& rows) {
  GroupStats g;
  g.group = group;
  g.n = static_cast<int>(rows.size());
  for (const ValidationRow* r : rows) {
    g.mae += std::abs(r->speed_error);
    g.bias += r->speed_error;
    if (std::abs(r->speed_error) >= std::abs(g.worst)) {
      g.worst = r->speed_error;
      g.worst_file = r->file;
    }
  }
  if (g.n > 0) {
    g.mae /= g.n;
    g.bias /= g.n;
  }
  return g;
}

std::vector<GroupStats> summarize(const std::vector<ValidationRow>& rows) {
  auto select = [&](const std::function<bool(const ValidationRow&)>& keep) {
    std::vector<const ValidationRow*> out;
    for (const ValidationRow& r : rows)
      if (keep(r)) out.push_back(&r);
    return out;
  };
  std::vector<GroupStats> out;
  out.push_back(stats_of("all", select([](const ValidationRow&) { return true; })));
  std::set<std::string> generations, workloads;
  for (const ValidationRow& r : rows) {
    generations.insert(r.generation);
    workloads.insert(r.workload);
  }
  for (const std::string& g : generations)
    out.push_back(stats_of(g, select([&](const ValidationRow& r) { return r.generation == g; })));
  for (bool moe : {false, true}) {
    auto sel = select([&](const ValidationRow& r) { return r.moe == moe; });
    if (!sel.empty()) out.push_back(stats_of(moe ? "moe" : "dense", sel));
  }
  for (const std::string& w : workloads)
    out.push_back(stats_of(w, select([&](const ValidationRow& r) { return r.workload == w; })));
  for (bool measured : {true, false}) {
    auto sel = select([&](const ValidationRow& r) { return r.measured_profile == measured; });
    if (!sel.empty()) out.push_back(stats_of(measured ? "profile measured" : "profile derived", sel));
  }
  return out;
}

}  // namespace moeplan
