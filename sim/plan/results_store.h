// ResultsStore: the SQLite file a sweep writes one row per finished point into, so that an interrupted
// sweep resumes where it stopped.
//
// Each put() is its own transaction, committed before it returns, in WAL mode: a process killed at any
// moment (SIGKILL included) leaves every finished point intact and no partial row. synchronous=NORMAL is
// enough for that, since WAL commits survive a crash of the writing process (they are lost only on power
// loss or an OS crash), and it avoids an fsync per point in fast analytic sweeps. Several processes on one
// machine (MPI ranks, threads with their own store) may write the same file: each waits on the write lock
// (busy_timeout) and retries when SQLite still reports it busy. One ResultsStore may also be shared by
// threads; its calls are serialised.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moeplan {

struct ResultRow {
  std::uint64_t point_id = 0;              // SweepPoint::id
  std::string overrides;                   // SweepPoint::canonical ("k1=v1;k2=v2")
  bool ok = true;                          // false: the point failed, `message` says why
  std::string message;
  std::string result_json;                 // the full result of the point ("" for a failed point)
  // Indexed summary columns (NULL in the file when absent).
  std::optional<double> step_time_s;
  std::optional<double> mfu;
  std::optional<double> gpu_hours;
  std::optional<double> cost_usd;
  std::optional<double> days;
  std::optional<bool> memory_fits;
  // Identity of everything besides the point's overrides that shaped the row: moeplan version and the
  // content of the profiles, catalog and model configs (sweep_inputs.h). "" in rows of older stores.
  std::string inputs;
};

class ResultsStore {
 public:
  // Opens or creates the file and its schema, and selects the rows of `sweep_id` (one file may hold several
  // sweeps). Throws a user Error when the file cannot be opened or is not a moeplan results store.
  static ResultsStore open(const std::string& path, std::uint64_t sweep_id);

  ResultsStore(ResultsStore&&) noexcept;
  ResultsStore& operator=(ResultsStore&&) noexcept;
  ~ResultsStore();

  // Whether a row (ok or error) exists for this point of this sweep.
  bool has(std::uint64_t point_id) const;
  // Inserts or replaces the point's row and commits before returning.
  void put(const ResultRow& row);
  // Every row of this sweep, in point-id order.
  std::vector<ResultRow> all() const;
  std::size_t count() const;
  // SQLite's own consistency check of the whole file: "ok" when it is sound.
  std::string integrity_check() const;

  std::uint64_t sweep_id() const;
  const std::string& path() const;

 private:
  struct Impl;
  explicit ResultsStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace moeplan
