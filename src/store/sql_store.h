#pragma once
// Internal: the Store implemented once in SQL over a SqlDriver. Backends differ only in
// their driver (and a few explicit dialect switches inside sql_store.cc).
//
// Thread safety: one driver (one connection) guarded by one mutex; every Store call holds
// it for the length of its transaction. Simple and correct; a connection pool is the
// upgrade path if this ever limits throughput.

#include <memory>

#include "core/result.h"
#include "store/sql_driver.h"
#include "store/store.h"

namespace nextra::store {

// Applies pending migrations, then returns the store owning `driver`.
Result<std::unique_ptr<Store>> make_sql_store(std::unique_ptr<SqlDriver> driver);

}  // namespace nextra::store
