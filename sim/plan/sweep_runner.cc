// Sweep runner (see sweep_runner.h).
#include "sim/plan/sweep_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "sim/io/input_file.h"
#include "sim/io/scenario_loader.h"
#include "sim/io/yaml_override.h"
#include "sim/plan/results_store.h"
#include "sim/plan/sweep_inputs.h"
#include "sim/plan/sweep_points.h"
#include "sim/train/training_run.h"
#include "sim/units/error.h"


namespace moeplan {
namespace {

std::string read_text(const std::string& path) {
  return io::read_input_file(path, "sweep input");
}

struct Prepared {
  std::vector<SweepAxis> axes;
  std::vector<SweepPoint> points;
  std::uint64_t id = 0;
  std::string name;
  std::string inputs;  // inputs identity of this run (sweep_inputs.h)
};

// Files besides the catalog and profiles folders that can shape a point: the base scenario's model config
// and profile, and any sweep value naming a file (model: or calibration: axes), as given or next to the
// scenario.
std::vector<std::string> scenario_input_files(const std::string& path, const Scenario& base,
                                              const std::vector<SweepAxis>& axes) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(path).parent_path();
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (name.empty()) return;
    std::error_code ec;
    for (const fs::path& p : {fs::path(name), dir / name})
      if (fs::is_regular_file(p, ec)) out.push_back(p.string());
  };
  add(base.model.source);
  add(base.calibration);
  for (const SweepAxis& a : axes)
    for (const std::string& v : a.values) add(v);
  return out;
}

Prepared prepare(const std::string& path, const io::Catalog& catalog, const SweepOptions& o) {
  if (o.db_path.empty()) throw_user_error("no results file for the sweep", ErrorContext{.key_path = "--db"});
  const Scenario base = io::load_scenario(path, catalog, o.overrides);
  if (base.sites.enabled())
    throw_user_error("a sweep runs one cluster, and `" + path + "` lists sites",
                     ErrorContext{.file = path, .key_path = "sites", .expected = "a scenario with `cluster:`",
                                  .hint = "compare multi-site options with a `compare:` list (docs/scale-out.md)"});
  if (base.sweep.empty())
    throw_user_error("`" + path + "` has no sweep axes",
                     ErrorContext{.file = path, .key_path = "sweep", .hint = "add sweep: {parallel.pp: [8, 16]}"});
  Prepared p;
  p.axes = base.sweep;
  try {
    p.points = expand_sweep(p.axes, o.max_points);
  } catch (const Error& e) {
    throw e.with_context(ErrorContext{.file = path});
  }
  p.name = base.name;
  // The sweep's identity covers the file and every override applied to all points.
  std::string text = read_text(path);
  for (const std::string& ov : o.overrides) text += "\n#--set " + ov;
  p.id = sweep_id(text, p.axes);
  std::vector<std::string> paths = o.input_paths;
  for (const std::string& f : scenario_input_files(path, base, p.axes)) paths.push_back(f);
  p.inputs = inputs_identity(o.moeplan_version, paths);
  return p;
}

SweepPointResult row_to_point(const SweepPoint& pt, const ResultRow* row, const std::string& inputs) {
  SweepPointResult r;
  r.index = pt.index;
  r.point_id = pt.id;
  for (const std::string& ov : pt.overrides) {
    const auto kv = io::split_override(ov);
    r.overrides.emplace_back(kv.first, kv.second);
  }
  if (!row) {
    r.ok = false;
    r.status = "missing";
    r.message = "not computed";
    return r;
  }
  if (row->inputs != inputs) {
    r.ok = false;
    r.message = "computed with other inputs (profiles, catalog, model config or moeplan version); not shown";
    return r;
  }
  r.ok = row->ok;
  r.message = row->message;
  r.step_time_s = row->step_time_s.value_or(0);
  r.mfu = row->mfu.value_or(0);
  r.gpu_hours = row->gpu_hours.value_or(0);
  r.cost_usd = row->cost_usd.value_or(0);
  r.days = row->days.value_or(0);
  r.memory_fits = row->memory_fits.value_or(false);
  r.status = !r.ok ? "error" : r.memory_fits ? "ok" : "does_not_fit";
  if (row->ok && !row->result_json.empty()) {
    const auto j = nlohmann::json::parse(row->result_json, nullptr, false);
    if (j.is_object() && j.contains("plan")) r.plan = j["plan"].get<std::string>();
  }
  return r;
}

SweepResult table(const Prepared& p, const ResultsStore& store, const SweepOptions& o) {
  SweepResult out;
  out.scenario_name = p.name;
  out.db_path = o.db_path;
  out.sweep_id = p.id;
  out.rank = o.rank;
  out.n_ranks = o.n_ranks;
  for (const SweepAxis& a : p.axes) out.axis_keys.push_back(a.key);
  std::map<std::uint64_t, ResultRow> rows;
  for (ResultRow& r : store.all()) rows.emplace(r.point_id, std::move(r));
  for (const SweepPoint& pt : p.points) {
    auto it = rows.find(pt.id);
    out.points.push_back(row_to_point(pt, it == rows.end() ? nullptr : &it->second, p.inputs));
    if (it != rows.end() && (!it->second.ok || it->second.inputs != p.inputs)) ++out.failed;
  }
  return out;
}

}  // namespace

std::string sweep_point_json(const RunResult& r) {
  nlohmann::json j;
  j["scenario"] = r.inputs.scenario_name;
  j["gpu"] = r.inputs.gpu;
  j["n_gpus"] = r.inputs.n_gpus;
  j["fidelity"] = r.inputs.fidelity;
  j["plan"] = r.inputs.plan_summary;
  j["step"] = {{"method", r.step.method},         {"time_s", r.step.time_s},
               {"mfu", r.step.mfu},               {"bubble_fraction", r.step.bubble_fraction},
               {"exposed_comm_s", r.step.exposed_comm_s}, {"micro_batches", r.step.micro_batches},
               {"seq_len", r.step.seq_len},       {"global_batch", r.step.global_batch}};
  j["memory_peak_bytes"] = r.memory_peak_bytes;
  j["memory_fits"] = r.memory_fits;
  j["gpu_hours"] = r.gpu_hours;
  j["days"] = r.days;
  j["cost"] = {{"gpu_hours", r.cost.gpu_hours},               {"wall_clock_days", r.cost.wall_clock_days},
               {"usd_per_gpu_hour", r.cost.usd_per_gpu_hour}, {"rental_usd", r.cost.rental_usd},
               {"owned_usd", r.cost.owned_usd},               {"energy_mwh", r.cost.energy_mwh}};
  nlohmann::json phases = nlohmann::json::array();
  for (const PhaseResult& ph : r.phases)
    phases.push_back({{"name", ph.name}, {"steps", ph.steps}, {"step_time_s", ph.step_time_s},
                      {"gpu_hours", ph.gpu_hours}, {"given", ph.given}});
  j["phases"] = phases;
  j["notes"] = r.notes;
  return j.dump();
}

SweepResult read_sweep(const std::string& path, const io::Catalog& catalog, const SweepOptions& options) {
  const Prepared p = prepare(path, catalog, options);
  const ResultsStore store = ResultsStore::open(options.db_path, p.id);
  return table(p, store, options);
}

SweepResult run_sweep(const std::string& path, const io::Catalog& catalog, const CalibrationFactory& calib_for,
                      const SweepOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const Prepared p = prepare(path, catalog, options);
  ResultsStore store = ResultsStore::open(options.db_path, p.id);

  // This rank's points that the store does not hold yet, holds from other inputs, or holds as failed.
  std::map<std::uint64_t, std::pair<bool, std::string>> stored;  // point id -> (ok, inputs)
  for (ResultRow& r : store.all()) stored.emplace(r.point_id, std::make_pair(r.ok, std::move(r.inputs)));
  std::vector<const SweepPoint*> todo;
  std::size_t other_inputs = 0, retried = 0;
  const int n_ranks = std::max(1, options.n_ranks);
  for (const SweepPoint& pt : p.points) {
    if (static_cast<int>(pt.index % static_cast<std::size_t>(n_ranks)) != options.rank) continue;
    const auto it = stored.find(pt.id);
    if (it == stored.end()) {
      todo.push_back(&pt);
    } else if (it->second.second != p.inputs) {
      ++other_inputs;
      todo.push_back(&pt);
    } else if (!it->second.first) {
      ++retried;  // a failure may have been transient (or fixed since): try again
      todo.push_back(&pt);
    }
  }
  if (options.notice) {
    auto points = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " point was" : " points were"); };
    if (other_inputs > 0) options.notice(points(other_inputs) + " computed with other inputs; recomputing");
    if (retried > 0) options.notice(points(retried) + " stored as failed; retrying");
  }

  // Calibrations are shared between points on the same GPU and profile.
  std::mutex calib_mutex;
  std::map<std::string, std::shared_ptr<const Calibration>> calibs;
  auto calibration = [&](const Scenario& s) {
    const std::string key = s.cluster.gpu.name + "|" + s.calibration;
    std::lock_guard<std::mutex> lock(calib_mutex);
    auto it = calibs.find(key);
    if (it == calibs.end()) it = calibs.emplace(key, std::shared_ptr<const Calibration>(calib_for(s))).first;
    return it->second;
  };

  std::mutex progress_mutex;
  SweepProgress progress;
  progress.total = todo.size();
  std::atomic<std::size_t> next{0};
  std::size_t computed = 0;
  auto worker = [&] {
    for (std::size_t i = next.fetch_add(1); i < todo.size(); i = next.fetch_add(1)) {
      const SweepPoint& pt = *todo[i];
      ResultRow row;
      row.point_id = pt.id;
      row.overrides = pt.canonical;
      row.inputs = p.inputs;
      std::vector<std::string> overrides = options.overrides;
      overrides.insert(overrides.end(), pt.overrides.begin(), pt.overrides.end());
      try {
        const Scenario s = io::load_scenario(path, catalog, overrides);
        const auto calib = calibration(s);
        RunOptions ro;
        ro.moeplan_version = options.moeplan_version;
        ro.calibration_for = calib_for;  // mixed GPU pools load each pool's profile
        const RunResult r = run_training(s, *calib, ro);
        row.ok = true;
        row.result_json = sweep_point_json(r);
        row.step_time_s = r.step.time_s;
        row.mfu = r.step.mfu;
        // The same basis as the cost: failure overhead included.
        row.gpu_hours = r.cost.gpu_hours;
        row.cost_usd = s.price.mode == PriceSpec::Mode::kRental ? r.cost.rental_usd : r.cost.owned_usd;
        row.days = r.cost.wall_clock_days;
        row.memory_fits = r.memory_fits;
      } catch (const Error& e) {
        row.ok = false;
        row.message = e.what();
      } catch (const std::exception& e) {
        row.ok = false;
        row.message = std::string("internal error: ") + e.what();
      }
      store.put(row);  // committed before the point counts as done
      std::lock_guard<std::mutex> lock(progress_mutex);
      ++computed;
      ++progress.done;
      if (!row.ok) ++progress.failed;
      progress.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      progress.eta_s = progress.elapsed_s / static_cast<double>(progress.done) *
                       static_cast<double>(progress.total - progress.done);
      if (options.progress) options.progress(progress);
    }
  };
  int jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(std::max<std::size_t>(1, todo.size()))));
  if (jobs == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < jobs; ++t) pool.emplace_back(worker);
    for (std::thread& t : pool) t.join();
  }

  SweepResult out = table(p, store, options);
  out.computed_now = computed;
  out.recomputed_other_inputs = other_inputs;
  out.retried_failed = retried;
  std::set<std::uint64_t> ran;
  for (const SweepPoint* pt : todo) ran.insert(pt->id);
  for (SweepPointResult& pt : out.points) pt.computed_now = ran.count(pt.point_id) > 0;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace moeplan
