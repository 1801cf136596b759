#pragma once
// Versioned schema migrations: an ordered, append-only list of SQL steps. Each step runs in
// its own transaction together with its row in `schema_migrations`, so a crash leaves the
// database at a step boundary and reopening applies only what is missing.
// Never edit a released step; append a new one.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/sql_driver.h"

namespace nextra::store {

struct Migration {
  std::int64_t version;  // 1, 2, 3, ... without gaps
  const char* name;
  // Portable SQL. The only dialect-specific spelling is the token {{SERIAL_PK}} (an
  // auto-incrementing 64-bit primary key), rendered by render_migration.
  const char* sql;
};

const std::vector<Migration>& migrations();

// The step's SQL for `dialect`.
std::string render_migration(const Migration& m, Dialect dialect);

// Applies every pending step; returns the version afterwards. Idempotent.
Result<std::int64_t> apply_migrations(SqlDriver& db);

// The highest applied version (0 for an empty database).
Result<std::int64_t> applied_migration_version(SqlDriver& db);

}  // namespace nextra::store
