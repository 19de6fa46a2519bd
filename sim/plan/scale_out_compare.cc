// Scale-out comparison (see scale_out_compare.h).
#include "sim/plan/scale_out_compare.h"

#include <map>

#include "sim/io/scenario_loader.h"
#include "sim/train/multi_site_run.h"
#include "sim/train/training_run.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

std::string gpu_text(const Scenario& s) {
  if (!s.sites.enabled()) return std::to_string(s.cluster.n_gpus()) + " x " + s.cluster.gpu.name;
  std::map<std::string, int> by_gpu;
  std::vector<std::string> order;
  for (const SiteSpec& site : s.sites.sites) {
    if (!by_gpu.count(site.gpu.name)) order.push_back(site.gpu.name);
    by_gpu[site.gpu.name] += site.n_gpus();
  }
  std::string out;
  for (const std::string& g : order) out += (out.empty() ? "" : " + ") + std::to_string(by_gpu[g]) + " x " + g;
  return out;
}

ScaleOutOption run_option(const Scenario& s, const CalibrationFactory& calib_for) {
  ScaleOutOption o;
  o.gpus = gpu_text(s);
  o.sites = static_cast<int>(s.sites.sites.size());
  o.dp_sync = to_string(s.parallel.dp_sync.method);
  if (!s.sites.enabled()) {
    const RunResult mem = evaluate_memory(s);
    if (!mem.memory_fits) {
      o.fits = false;
      o.does_not_fit = mem.does_not_fit;
      return o;
    }
    const RunResult r = run_training(s, *calib_for(s));
    o.step_time_s = r.step.time_s;
    o.days = r.cost.wall_clock_days;
    o.gpu_hours = r.cost.gpu_hours;
    o.usd = r.cost.rental_usd;
    o.gpu_hours_equal_quality = o.gpu_hours;
    o.usd_equal_quality = o.usd;
    return o;
  }
  std::vector<std::unique_ptr<Calibration>> owned;
  std::vector<const Calibration*> calibs;
  for (size_t i = 0; i < s.sites.sites.size(); ++i) {
    const Scenario site = site_scenario(s, i);
    const RunResult mem = evaluate_memory(site);
    if (!mem.memory_fits) {
      o.fits = false;
      o.does_not_fit = "site `" + s.sites.sites[i].name + "`: " + mem.does_not_fit;
      return o;
    }
    owned.push_back(calib_for(site));
    calibs.push_back(owned.back().get());
  }
  const RunResult r = run_multi_site(s, calibs);
  const ScaleOutResult& so = r.scale_out;
  o.step_time_s = r.step.time_s;
  o.days = r.days;
  o.gpu_hours = r.gpu_hours;
  o.usd = so.total_usd;
  o.wan_bytes = so.wan_bytes;
  o.egress_usd = so.egress_usd;
  o.compute_utilisation = so.compute_utilisation;
  o.token_overhead = so.token_overhead;
  o.token_overhead_source = so.token_overhead_source;
  o.gpu_hours_equal_quality = so.gpu_hours_equal_quality;
  o.usd_equal_quality = so.usd_equal_quality;
  return o;
}

}  // namespace

ScaleOutComparison compare_scale_out(const std::string& path, const io::Catalog& catalog,
                                     const CalibrationFactory& calib_for, const std::vector<std::string>& overrides) {
  const Scenario base = io::load_scenario(path, catalog, overrides);
  if (base.compare.empty())
    throw_user_error("`" + path + "` has no `compare:` list",
                     ErrorContext{.file = path, .key_path = "compare", .expected = "a list of {name, set}"});
  ScaleOutComparison out;
  out.scenario = base.name;
  for (const CompareOption& option : base.compare) {
    // The option itself, without the list (whose other options need not load on top of this one).
    std::vector<std::string> all = overrides;
    all.push_back("compare=[]");
    all.insert(all.end(), option.overrides.begin(), option.overrides.end());
    ScaleOutOption o = run_option(io::load_scenario(path, catalog, all), calib_for);
    o.name = option.name;
    out.options.push_back(o);
  }
  return out;
}

}  // namespace moeplan
