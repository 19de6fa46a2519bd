// Sweep runner: every point of a scenario's `sweep:` axes loaded (the point's overrides applied like
// --set) and run end to end, on a pool of threads, each finished point committed to the SQLite results
// store at once. Re-running the same sweep computes only the points the store lacks; a point whose plan is
// invalid is stored as an error and the sweep goes on. Under MPI, rank r of n runs the points with
// index % n == r, all ranks writing into the same store.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/io/catalog.h"
#include "sim/plan/plan_result.h"
#include "sim/plan/plan_search.h"
#include "sim/plan/sweep_points.h"
#include "sim/train/run_result.h"

namespace moeplan {

struct SweepProgress {
  std::size_t done = 0;             // points of this rank finished in this run
  std::size_t total = 0;            // points of this rank to compute in this run
  std::size_t failed = 0;
  double elapsed_s = 0;
  double eta_s = 0;                 // from the mean time per point so far and the workers
};

struct SweepOptions {
  std::string db_path;              // results store file (required)
  int jobs = 0;                     // worker threads; 0: hardware_concurrency
  int rank = 0, n_ranks = 1;        // MPI split
  std::vector<std::string> overrides;  // applied to every point before its own (e.g. --set, --fidelity)
  std::string moeplan_version;
  std::uint64_t max_points = kDefaultMaxSweepPoints;  // larger sweeps are refused before expansion
  // Files and folders whose content shapes every point (the catalog and profiles folders). With the version,
  // the scenario's model config and profile files, and files named by sweep values, they form the inputs
  // identity stored with each row: a row with another identity is recomputed, never served.
  std::vector<std::string> input_paths;
  // Told, before computing, how many stored rows are recomputed and why (serialised; may be empty).
  std::function<void(const std::string&)> notice;
  // Called after each point is committed (serialised; never concurrently).
  std::function<void(const SweepProgress&)> progress;
};

// Runs the sweep of the scenario at `path` and returns the table of every point found in the store
// (points other ranks have not finished yet are listed as missing: ok = false, message "not computed").
// Throws a user Error when the scenario has no sweep axes or the store cannot be opened.
SweepResult run_sweep(const std::string& path, const io::Catalog& catalog, const CalibrationFactory& calib_for,
                      const SweepOptions& options);

// The table of the sweep as stored, without computing anything.
SweepResult read_sweep(const std::string& path, const io::Catalog& catalog, const SweepOptions& options);

// The JSON stored for one point: plan, step, memory verdict, GPU-hours, days, cost and phases.
std::string sweep_point_json(const RunResult& r);

}  // namespace moeplan
