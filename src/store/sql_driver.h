#pragma once
// Internal: the few database operations the shared SQL store needs, implemented once per
// backend (SQLite in sqlite_store.cc, PostgreSQL in postgres_store.cc). SQL is written with
// `?` placeholders; the PostgreSQL driver rewrites them to $1..$n.
// A driver is NOT thread-safe; SqlStore serialises every call with its mutex.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace nextra::store {

enum class Dialect { Sqlite, Postgres };

// NULL, an integer or text. Binary data is hex-encoded by the store before it gets here.
using SqlValue = std::variant<std::monostate, std::int64_t, std::string>;
using SqlRow = std::vector<std::optional<std::string>>;  // every column read as text

class SqlDriver {
 public:
  virtual ~SqlDriver() = default;
  virtual Dialect dialect() const = 0;
  // One statement, bound parameters, all result rows. Constraint violations map to
  // AlreadyExists (unique) and NotFound (foreign key); busy/unreachable to Unavailable.
  virtual Result<std::vector<SqlRow>> query(const std::string& sql,
                                            const std::vector<SqlValue>& params) = 0;
  // Several statements without parameters (migrations).
  virtual Status exec_script(const std::string& sql) = 0;
  // REQUIRES: no transaction open (begin) / one open (commit, rollback).
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;
};

}  // namespace nextra::store
