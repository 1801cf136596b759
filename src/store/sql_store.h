#pragma once
// Internal: the Store implemented once in SQL over a SqlDriver. Backends differ only in
// their driver (and a few explicit dialect switches inside sql_store.cc).
//
// Thread safety: a pool of connections; every Store call takes one for the length of its
// transaction, so calls on different connections run in parallel (PostgreSQL). SQLite uses
// one connection: it has one writer anyway, and WAL readers gain little on a small machine.

#include <cstddef>
#include <functional>
#include <memory>

#include "core/result.h"
#include "store/sql_driver.h"
#include "store/store.h"

namespace nextra::store {

// Opens one more connection for the pool.
using DriverFactory = std::function<Result<std::unique_ptr<SqlDriver>>()>;

// Applies pending migrations, then returns the store owning `driver`. With `more`, the pool
// grows on demand up to `max_connections`.
Result<std::unique_ptr<Store>> make_sql_store(std::unique_ptr<SqlDriver> driver, DriverFactory more = {},
                                              std::size_t max_connections = 1);

}  // namespace nextra::store
