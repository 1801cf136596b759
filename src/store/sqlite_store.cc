// SQLite backend: one connection in WAL mode, statements prepared once and cached by SQL
// text. SqlStore's mutex serialises all use of the connection.
#include <sqlite3.h>

#include <map>
#include <memory>

#include "store/sql_store.h"
#include "store/sqlite_checkpointer.h"

namespace nextra::store {
namespace {

Error sqlite_error(sqlite3* db, int rc, const std::string& context) {
  std::string msg = context + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::make(ErrorCode::Unavailable, msg);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error::make(ErrorCode::AlreadyExists, msg);
      }
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) return Error::make(ErrorCode::NotFound, msg);
      return Error::make(ErrorCode::InvalidArgument, msg);
    default:
      return Error::make(ErrorCode::Internal, msg);
  }
}

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class SqliteDriver final : public SqlDriver {
 public:
  explicit SqliteDriver(sqlite3* db) : db_(db) {}
  ~SqliteDriver() override {
    checkpointer_.reset();  // its hook and its connection go before ours
    stmts_.clear();  // statements must be finalized before the connection closes
    sqlite3_close(db_);
  }

  sqlite3* handle() const { return db_; }
  void set_checkpointer(std::unique_ptr<SqliteCheckpointer> c) { checkpointer_ = std::move(c); }

  Dialect dialect() const override { return Dialect::Sqlite; }

  Result<std::vector<SqlRow>> query(const std::string& sql,
                                    const std::vector<SqlValue>& params) override {
    NEXTRA_ASSIGN_OR_RETURN(sqlite3_stmt* stmt, prepare(sql));
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) return sqlite_error(db_, rc, "bind");
    }
    std::vector<SqlRow> rows;
    const int ncols = sqlite3_column_count(stmt);
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Error e = sqlite_error(db_, sqlite3_extended_errcode(db_), "step");
        sqlite3_reset(stmt);
        return e;
      }
      SqlRow row(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) continue;
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        row[static_cast<size_t>(c)] =
            std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    return rows;
  }

  Status exec_script(const std::string& sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return Error::make(ErrorCode::Internal, "sqlite: " + msg);
    }
    return {};
  }

  // IMMEDIATE takes the write lock up front, so a read-then-write transaction cannot fail
  // half-way with SQLITE_BUSY when another process writes; busy_timeout covers the wait.
  Status begin() override { return exec_cached("BEGIN IMMEDIATE"); }
  Status commit() override { return exec_cached("COMMIT"); }
  void rollback() override {
    if (!sqlite3_get_autocommit(db_)) (void)exec_cached("ROLLBACK");
  }

 private:
  Result<sqlite3_stmt*> prepare(const std::string& sql) {
    auto it = stmts_.find(sql);
    if (it != stmts_.end()) return it->second.get();
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, "prepare");
    stmts_.emplace(sql, std::unique_ptr<sqlite3_stmt, StmtDeleter>(stmt));
    return stmt;
  }

  Status exec_cached(const std::string& sql) {
    NEXTRA_ASSIGN_OR_RETURN(auto rows, query(sql, {}));
    (void)rows;
    return {};
  }

  sqlite3* db_;
  std::map<std::string, std::unique_ptr<sqlite3_stmt, StmtDeleter>> stmts_;
  std::unique_ptr<SqliteCheckpointer> checkpointer_;
};

}  // namespace

Result<std::unique_ptr<Store>> make_sqlite_store(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = Error::make(ErrorCode::Unavailable,
                          "cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return e;
  }
  sqlite3_extended_result_codes(db, 1);
  auto driver = std::make_unique<SqliteDriver>(db);
  // WAL + synchronous=NORMAL: durable at checkpoints, ~20x faster commits (stack.md §7).
  NEXTRA_TRY(driver->exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                 "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"));
  // Checkpoints every ~4 MB of WAL, copied on a thread of their own rather than inside the
  // commit that crosses the mark (sqlite_checkpointer.h): at the same 4 MB inline, the
  // webhook benchmark's p99 was the commits that carried a checkpoint (docs/performance.md).
  NEXTRA_ASSIGN_OR_RETURN(auto mode, driver->query("PRAGMA journal_mode", {}));
  if (!mode.empty() && !mode[0].empty() && mode[0][0] == "wal") {
    NEXTRA_ASSIGN_OR_RETURN(auto checkpointer, SqliteCheckpointer::start(path, driver->handle()));
    driver->set_checkpointer(std::move(checkpointer));
  }
  return make_sql_store(std::move(driver));
}

}  // namespace nextra::store
