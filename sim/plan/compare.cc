// GPU comparison (see compare.h).
#include "sim/plan/compare.h"

#include "sim/cost/cost_model.h"
#include "sim/train/cluster_notes.h"

#include "sim/units/error.h"
#include "sim/units/units.h"

namespace moeplan {
namespace {

// GeForce boards are the catalog's GPUs without ECC memory; they also lack NVLink and (in the stock
// driver) PCIe peer-to-peer (hardware.md §4 [S20]).
bool is_consumer(const GpuSpec& g) { return !g.ecc; }

}  // namespace

Scenario scenario_for_gpu(const Scenario& s, const io::Catalog& catalog, const std::string& gpu_name,
                          std::vector<std::string>* notes) {
  Scenario out = s;
  const GpuSpec& gpu = catalog.gpu(gpu_name);
  const bool own_gpu = gpu.name == s.cluster.gpu.name;
  out.cluster.gpu = gpu;
  // Every GPU runs on its default profile, so the comparison sees one kernel generation: a profile the
  // scenario pins (e.g. the kernels of a past run) describes its own GPU only.
  out.calibration.clear();
  auto note = [&](const std::string& n) {
    if (notes) notes->push_back(gpu.name + ": " + n);
  };

  const bool consumer = is_consumer(gpu);
  // A bridge that pairs two cards (RTX 3090) is no scale-up fabric for an 8-GPU node: use PCIe.
  bool bridge_only = false;
  if (!gpu.scale_up_fabric.empty() && catalog.has_fabric(gpu.scale_up_fabric))
    bridge_only = consumer && catalog.fabric(gpu.scale_up_fabric).kind == FabricKind::kNvlink;
  const std::string up = gpu.scale_up_fabric.empty() || bridge_only ? gpu.host_link : gpu.scale_up_fabric;
  if (!own_gpu && !up.empty()) out.cluster.scale_up = catalog.fabric(up);
  // The GPU's own scale-up domain (GB200: the 72-GPU NVL72 rack; others: the node).
  if (!own_gpu) out.cluster.scale_up_domain_gpus = up == gpu.scale_up_fabric ? gpu.scale_up_domain_gpus : 0;
  if (out.cluster.scale_up_domain_gpus > out.cluster.gpus_per_node &&
      out.cluster.scale_up_domain_gpus % out.cluster.gpus_per_node != 0) {
    note("its " + std::to_string(out.cluster.scale_up_domain_gpus) + "-GPU scale-up domain is no whole number of " +
         std::to_string(out.cluster.gpus_per_node) + "-GPU nodes; modelled as node-sized domains");
    out.cluster.scale_up_domain_gpus = 0;
  }
  if (consumer && !own_gpu) {
    out.cluster.p2p = false;
    if (catalog.has_fabric("eth-100g") && out.cluster.scale_out.kind != FabricKind::kEthernet) {
      out.cluster.scale_out = catalog.fabric("eth-100g");
      out.cluster.nics_per_node = 1;
      out.cluster.topology.planes = 1;
      note("consumer class: " + up + " inside a node, P2P off, one 100 GbE NIC per node");
    }
  }
  if (!own_gpu) {
    use_catalog_rental(out.price, gpu);
    out.price.note.clear();
    out.price.capex_usd_per_gpu = 0;
  }
  if (out.precision.gemm == DType::kFp8 && !gpu.has_fp8()) {
    out.precision = precision_preset("bf16");
    note("no FP8 tensor cores: BF16 recipe");
  }
  if (out.parallel.comm_sms >= gpu.sm_count && gpu.sm_count > 0) out.parallel.comm_sms = gpu.sm_count / 8;
  for (TrainingPhase& ph : out.training.phases)
    if (ph.parallel_overridden) ph.parallel.comm_sms = out.parallel.comm_sms;
  return out;
}

CompareResult compare_gpus(const Scenario& s, const io::Catalog& catalog, const CalibrationFactory& calib_for,
                           const CompareOptions& options) {
  CompareResult out;
  out.scenario_name = s.name;
  out.model = s.model.name;
  out.objective = options.search.objective;
  for (const TrainingPhase& ph : s.training.phases)
    if (ph.given_gpu_hours <= 0)
      out.tokens += ph.tokens > 0 ? ph.tokens : static_cast<double>(ph.steps) * ph.seq_len * ph.global_batch;
  const bool sized = options.deadline_days > 0 || options.budget_usd > 0;
  if (!s.calibration.empty())
    out.notes.push_back("every GPU uses its default calibration profile; the scenario's own profile (" +
                        s.calibration + ") is not used here, so " + s.cluster.gpu.name +
                        " may differ from `moeplan run`");

  for (size_t gi = 0; gi < options.gpus.size(); ++gi) {
    const std::string& name = options.gpus[gi];
    CompareEntry e;
    e.gpu = name;
    const Scenario g = scenario_for_gpu(s, catalog, name, &out.notes);
    e.display_name = g.cluster.gpu.display_name;
    e.scale_up = g.cluster.scale_up.name;
    e.scale_out = g.cluster.scale_out.name;
    e.nics_per_node = g.cluster.nics_per_node;
    e.scale_up_gpus = g.cluster.scale_up_gpus();
    e.p2p = g.cluster.p2p;
    e.n_gpus = g.cluster.n_gpus();
    e.n_nodes = g.cluster.n_nodes;
    e.usd_per_gpu_hour = g.price.usd_per_gpu_hour;
    e.price_date = g.price.date;
    e.price_stale = months_between(g.price.date, g.price.as_of) > kStalePriceMonths;
    if (e.price_stale)
      out.notes.push_back(name + ": the rental quote is from " + g.price.date + ", " +
                          std::to_string(months_between(g.price.date, g.price.as_of)) +
                          " months before " + g.price.as_of + " (STALE: older than " +
                          std::to_string(kStalePriceMonths) + " months); check a current price");
    std::unique_ptr<Calibration> calib;
    try {
        calib = calib_for(g);
    } catch (const Error& err) {
      e.infeasible_reason = "no calibration profile: " + std::string(err.what());
      out.entries.push_back(e);
      continue;
    }
    PlanSearchOptions search = options.search;
    search.progress = options.search.progress.nested(name + " (GPU " + std::to_string(gi + 1) + "/" +
                                                     std::to_string(options.gpus.size()) + ")");
    // Without a price, rank by time rather than fail: the table says "no price" (never $0, never cheapest).
    if (search.objective == PlanObjective::kCost && g.price.usd_per_gpu_hour <= 0 &&
        g.price.mode == PriceSpec::Mode::kRental) {
      search.objective = PlanObjective::kTime;
      out.notes.push_back(name + ": no rental price in the catalog; ranked by time");
    }
    try {
      if (sized) {
        std::vector<int> counts = options.gpu_counts;
        if (counts.empty()) counts = {g.cluster.n_gpus()};
        const CapacityResult cap = plan_capacity(g, *calib, counts, options.deadline_days, options.budget_usd, search);
        if (cap.chosen < 0 || cap.chosen_search.top.empty()) {
          std::string why;
          for (const CapacityOption& o : cap.options)
            why += (why.empty() ? "" : "; ") + std::to_string(o.n_gpus) + " GPUs: " + o.verdict;
          e.infeasible_reason = "no cluster size meets the constraints (" + why + ")";
        } else {
          e.feasible = true;
          e.best = cap.chosen_search.top.front();
          e.n_gpus = e.best.n_gpus;
          e.n_nodes = e.best.n_nodes;
        }
      } else {
        const PlanResult r = search_plans(g, *calib, search);
        if (r.top.empty()) {
          e.infeasible_reason = infeasible_reason(r, g);
        } else {
          e.feasible = true;
          e.best = r.top.front();
        }
      }
    } catch (const Error& err) {
      // A GPU the scenario's cluster cannot be costed on (its profile lacks a fabric the cluster uses) is a
      // row with the reason, not the end of the comparison.
      e.feasible = false;
      e.infeasible_reason = "cannot be costed: " + std::string(err.what());
      out.entries.push_back(e);
      continue;
    }
    if (e.feasible) {
      // Why a GPU with a larger scale-up domain (GB200 NVL72) parts from its 8-GPU-node sibling (B200).
      ClusterSpec chosen = g.cluster;
      chosen.n_nodes = e.n_nodes;
      e.scale_up_gpus = chosen.scale_up_gpus();
      if (const std::string why = scale_up_domain_note(chosen, e.best.plan); !why.empty())
        out.notes.push_back(name + ": " + why);
    }
    out.entries.push_back(e);
  }
  return out;
}

}  // namespace moeplan
