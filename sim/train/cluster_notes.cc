// Cluster-shape notes for the run report (see cluster_notes.h).
#include "sim/train/cluster_notes.h"

namespace moeplan {

std::string scale_up_domain_note(const ClusterSpec& c, const ParallelPlan& p) {
  const int block = c.scale_up_gpus();
  if (block <= c.gpus_per_node) return "";
  const std::string n = std::to_string(block);
  std::string s = "scale-up domain: " + c.scale_up.name + " joins " + std::to_string(c.scale_up_domain_gpus) +
                  " GPUs (" + std::to_string(c.scale_up_domain_gpus / c.gpus_per_node) + " nodes of " +
                  std::to_string(c.gpus_per_node) + "); the " + std::to_string(c.n_gpus()) + " GPUs run as " +
                  std::to_string(c.n_scale_up_domains()) + " block(s) of " + n + " on it";
  if (block < c.scale_up_domain_gpus)
    s += " (the most whole nodes that tile the cluster; " + std::to_string(c.scale_up_domain_gpus - block) +
         " GPUs of each domain are not used and not priced)";
  s += ". Groups inside a block talk over " + c.scale_up.name + ", not " +
       (c.scale_out.name.empty() ? std::string("the NICs") : c.scale_out.name);
  std::string inside;
  if (p.tp > c.gpus_per_node) inside += " TP" + std::to_string(p.tp);
  if (p.ep > c.gpus_per_node) {
    if (p.ep <= block && block % p.ep == 0)
      inside += std::string(inside.empty() ? "" : " and") + " the EP" + std::to_string(p.ep) + " all-to-all";
    else
      s += "; EP" + std::to_string(p.ep) + " spans more than one block, so its all-to-all still crosses the NICs";
  }
  if (!inside.empty())
    s += ":" + inside + " would cross the NICs on " + std::to_string(c.gpus_per_node) +
         "-GPU nodes and stays on the scale-up fabric here";
  return s;
}

}  // namespace moeplan
