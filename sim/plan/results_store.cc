// SQLite-backed results store; see results_store.h for the durability and concurrency guarantees.
#include "sim/plan/results_store.h"

#include <sqlite3.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <utility>

#include "sim/plan/sweep_points.h"
#include "sim/units/error.h"

namespace moeplan {
namespace {

constexpr int kSchemaVersion = 1;
constexpr int kBusyTimeoutMs = 60000;  // per statement, before our own retries
constexpr int kBusyRetries = 20;

const char* const kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS moeplan_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO moeplan_meta (key, value) VALUES ('schema_version', '1');
CREATE TABLE IF NOT EXISTS results (
  sweep_id    TEXT NOT NULL,
  point_id    TEXT NOT NULL,
  overrides   TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  message     TEXT NOT NULL,
  result_json TEXT NOT NULL,
  step_time_s REAL,
  mfu         REAL,
  gpu_hours   REAL,
  cost_usd    REAL,
  days        REAL,
  memory_fits INTEGER,
  inputs      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (sweep_id, point_id)
);
CREATE INDEX IF NOT EXISTS results_cost ON results (sweep_id, cost_usd);
CREATE INDEX IF NOT EXISTS results_days ON results (sweep_id, days);
CREATE INDEX IF NOT EXISTS results_step ON results (sweep_id, step_time_s);
CREATE INDEX IF NOT EXISTS results_gpu_hours ON results (sweep_id, gpu_hours);
)sql";

bool is_busy(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

void backoff(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
}

// Binds an optional double as REAL or NULL.
int bind_opt(sqlite3_stmt* st, int i, const std::optional<double>& v) {
  return v ? sqlite3_bind_double(st, i, *v) : sqlite3_bind_null(st, i);
}

std::optional<double> column_opt(sqlite3_stmt* st, int i) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(st, i);
}

std::string column_text(sqlite3_stmt* st, int i) {
  const unsigned char* p = sqlite3_column_text(st, i);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st, i)))
           : std::string();
}

// A point id as stored; anything else means the file was edited or damaged (a user error, not a crash).
std::uint64_t parse_hex(const std::string& s, const std::string& path) {
  std::uint64_t v = 0;
  for (char c : s) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0 || s.size() > 16)
      throw_user_error("results store has a malformed point id `" + s + "`",
                       ErrorContext{.file = path, .hint = "write this sweep to a new results file"});
    v = v * 16 + static_cast<std::uint64_t>(d);
  }
  return v;
}

// Finalizes a statement on every path.
struct Statement {
  sqlite3_stmt* st = nullptr;
  ~Statement() { sqlite3_finalize(st); }
};

}  // namespace

struct ResultsStore::Impl {
  std::string path;
  std::uint64_t sweep_id = 0;
  std::string sweep_hex;
  sqlite3* db = nullptr;
  mutable std::mutex mutex;

  ~Impl() { sqlite3_close_v2(db); }

  [[noreturn]] void fail(const std::string& what, int rc) const {
    std::string msg = "results store " + path + ": " + what + ": ";
    msg += sqlite3_errstr(rc);
    if (db && sqlite3_errcode(db) == rc) msg += std::string(" (") + sqlite3_errmsg(db) + ")";
    throw_user_error(msg, ErrorContext{.file = path,
                                       .hint = "check that the directory is writable, the disk is not full and "
                                               "the file is a moeplan results store"});
  }

  // Runs SQL without results, retrying while another process holds the lock.
  void exec(const char* sql) const {
    for (int attempt = 0;; ++attempt) {
      char* err = nullptr;
      const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
      sqlite3_free(err);
      if (rc == SQLITE_OK) return;
      if (!is_busy(rc) || attempt >= kBusyRetries) fail(std::string("executing `") + sql + "`", rc);
      backoff(attempt);
    }
  }

  Statement prepare(const char* sql) const {
    Statement s;
    const int rc = sqlite3_prepare_v2(db, sql, -1, &s.st, nullptr);
    if (rc != SQLITE_OK) fail(std::string("preparing `") + sql + "`", rc);
    return s;
  }

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT, retrying the whole transaction when busy. BEGIN IMMEDIATE
  // takes the write lock up front, so two writers never deadlock upgrading a read lock.
  template <typename Body>
  void write_transaction(Body&& body) const {
    for (int attempt = 0;; ++attempt) {
      exec("BEGIN IMMEDIATE");
      const int rc = body();
      if (rc == SQLITE_DONE || rc == SQLITE_OK) {
        const int commit_rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        if (commit_rc == SQLITE_OK) return;
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        if (!is_busy(commit_rc) || attempt >= kBusyRetries) fail("committing a row", commit_rc);
        backoff(attempt);
        continue;
      }
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      if (!is_busy(rc) || attempt >= kBusyRetries) fail("writing a row", rc);
      backoff(attempt);
    }
  }
};

ResultsStore::ResultsStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ResultsStore::ResultsStore(ResultsStore&&) noexcept = default;
ResultsStore& ResultsStore::operator=(ResultsStore&&) noexcept = default;
ResultsStore::~ResultsStore() = default;

ResultsStore ResultsStore::open(const std::string& path, std::uint64_t sweep_id) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->sweep_id = sweep_id;
  impl->sweep_hex = to_hex16(sweep_id);
  const int rc = sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) impl->fail("cannot open", rc);
  sqlite3_busy_timeout(impl->db, kBusyTimeoutMs);
  impl->exec("PRAGMA journal_mode=WAL");
  impl->exec("PRAGMA synchronous=NORMAL");
  impl->exec("BEGIN IMMEDIATE");
  char* err = nullptr;
  const int schema_rc = sqlite3_exec(impl->db, kSchemaSql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (schema_rc != SQLITE_OK) {
    sqlite3_exec(impl->db, "ROLLBACK", nullptr, nullptr, nullptr);
    impl->fail("creating the schema", schema_rc);
  }
  // Stores written before rows carried their inputs' identity gain the column (empty: unknown inputs, so
  // those rows are recomputed rather than trusted).
  sqlite3_stmt* probe = nullptr;
  if (sqlite3_prepare_v2(impl->db, "SELECT inputs FROM results LIMIT 0", -1, &probe, nullptr) != SQLITE_OK)
    impl->exec("ALTER TABLE results ADD COLUMN inputs TEXT NOT NULL DEFAULT ''");
  sqlite3_finalize(probe);
  impl->exec("COMMIT");

  Statement st = impl->prepare("SELECT value FROM moeplan_meta WHERE key = 'schema_version'");
  if (sqlite3_step(st.st) != SQLITE_ROW || column_text(st.st, 0) != std::to_string(kSchemaVersion)) {
    throw_user_error("results store " + path + " has an unsupported schema version",
                     ErrorContext{.file = path, .expected = "schema version " + std::to_string(kSchemaVersion),
                                  .hint = "write this sweep to a new results file"});
  }
  return ResultsStore(std::move(impl));
}

bool ResultsStore::has(std::uint64_t point_id) const {
  std::lock_guard lock(impl_->mutex);
  Statement st = impl_->prepare("SELECT 1 FROM results WHERE sweep_id = ?1 AND point_id = ?2");
  const std::string pid = to_hex16(point_id);
  sqlite3_bind_text(st.st, 1, impl_->sweep_hex.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.st, 2, pid.c_str(), -1, SQLITE_TRANSIENT);
  for (int attempt = 0;; ++attempt) {
    const int rc = sqlite3_step(st.st);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (!is_busy(rc) || attempt >= kBusyRetries) impl_->fail("reading a row", rc);
    sqlite3_reset(st.st);
    backoff(attempt);
  }
}

void ResultsStore::put(const ResultRow& row) {
  std::lock_guard lock(impl_->mutex);
  const std::string pid = to_hex16(row.point_id);
  impl_->write_transaction([&]() -> int {
    Statement st = impl_->prepare(
        "INSERT OR REPLACE INTO results (sweep_id, point_id, overrides, status, message, result_json, "
        "step_time_s, mfu, gpu_hours, cost_usd, days, memory_fits, inputs) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    sqlite3_bind_text(st.st, 1, impl_->sweep_hex.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.st, 2, pid.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st.st, 3, row.overrides.data(), static_cast<int>(row.overrides.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(st.st, 4, row.ok ? "ok" : "error", -1, SQLITE_STATIC);
    sqlite3_bind_text(st.st, 5, row.message.data(), static_cast<int>(row.message.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(st.st, 6, row.result_json.data(), static_cast<int>(row.result_json.size()),
                      SQLITE_TRANSIENT);
    bind_opt(st.st, 7, row.step_time_s);
    bind_opt(st.st, 8, row.mfu);
    bind_opt(st.st, 9, row.gpu_hours);
    bind_opt(st.st, 10, row.cost_usd);
    bind_opt(st.st, 11, row.days);
    if (row.memory_fits) {
      sqlite3_bind_int(st.st, 12, *row.memory_fits ? 1 : 0);
    } else {
      sqlite3_bind_null(st.st, 12);
    }
    sqlite3_bind_text(st.st, 13, row.inputs.data(), static_cast<int>(row.inputs.size()), SQLITE_TRANSIENT);
    return sqlite3_step(st.st);
  });
}

std::vector<ResultRow> ResultsStore::all() const {
  std::lock_guard lock(impl_->mutex);
  for (int attempt = 0;; ++attempt) {
    Statement st = impl_->prepare(
        "SELECT point_id, overrides, status, message, result_json, step_time_s, mfu, gpu_hours, cost_usd, days, "
        "memory_fits, inputs FROM results WHERE sweep_id = ?1 ORDER BY point_id");
    sqlite3_bind_text(st.st, 1, impl_->sweep_hex.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<ResultRow> rows;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
      ResultRow r;
      r.point_id = parse_hex(column_text(st.st, 0), impl_->path);
      r.overrides = column_text(st.st, 1);
      r.ok = column_text(st.st, 2) == "ok";
      r.message = column_text(st.st, 3);
      r.result_json = column_text(st.st, 4);
      r.step_time_s = column_opt(st.st, 5);
      r.mfu = column_opt(st.st, 6);
      r.gpu_hours = column_opt(st.st, 7);
      r.cost_usd = column_opt(st.st, 8);
      r.days = column_opt(st.st, 9);
      if (sqlite3_column_type(st.st, 10) != SQLITE_NULL) r.memory_fits = sqlite3_column_int(st.st, 10) != 0;
      r.inputs = column_text(st.st, 11);
      rows.push_back(std::move(r));
    }
    if (rc == SQLITE_DONE) return rows;
    if (!is_busy(rc) || attempt >= kBusyRetries) impl_->fail("reading rows", rc);
    backoff(attempt);
  }
}

std::size_t ResultsStore::count() const {
  std::lock_guard lock(impl_->mutex);
  for (int attempt = 0;; ++attempt) {
    Statement st = impl_->prepare("SELECT COUNT(*) FROM results WHERE sweep_id = ?1");
    sqlite3_bind_text(st.st, 1, impl_->sweep_hex.c_str(), -1, SQLITE_TRANSIENT);
    const int rc = sqlite3_step(st.st);
    if (rc == SQLITE_ROW) return static_cast<std::size_t>(sqlite3_column_int64(st.st, 0));
    if (!is_busy(rc) || attempt >= kBusyRetries) impl_->fail("counting rows", rc);
    backoff(attempt);
  }
}

std::string ResultsStore::integrity_check() const {
  std::lock_guard lock(impl_->mutex);
  Statement st = impl_->prepare("PRAGMA integrity_check");
  std::string out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(st.st)) == SQLITE_ROW) {
    if (!out.empty()) out += "\n";
    out += column_text(st.st, 0);
  }
  if (rc != SQLITE_DONE) impl_->fail("checking integrity", rc);
  return out;
}

std::uint64_t ResultsStore::sweep_id() const { return impl_->sweep_id; }
const std::string& ResultsStore::path() const { return impl_->path; }

}  // namespace moeplan
