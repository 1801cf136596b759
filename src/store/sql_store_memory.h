#pragma once
// Internal: the SQL of project memory (issue #5), one flow's key-value rows in
// project_memory (migration 7). Like the helpers in sql_store_internal.h, every method runs
// inside the transaction SqlStore::tx opened and takes no lock of its own.

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/sql_driver.h"
#include "store/store.h"

namespace nextra::store::sql {

class SqlMemory {
 public:
  explicit SqlMemory(SqlDriver& db) : db_(db) {}

  Result<std::optional<MemoryEntry>> get(const std::string& org_id, const std::string& flow_id,
                                         const std::string& key, std::int64_t now);
  Result<SetMemoryResponse> set(const SetMemoryRequest& req);
  Result<bool> remove(const std::string& org_id, const std::string& flow_id, const std::string& key,
                      std::int64_t now);
  Result<ListMemoryResponse> list(const ListMemoryRequest& req);
  // Every row of the flow. With `require_flow`, NotFound unless the flow is live (the API's
  // clear); delete_flow calls it without, in the transaction that deletes the flow.
  Result<std::int64_t> clear(const std::string& org_id, const std::string& flow_id, bool require_flow);

 private:
  // NotFound unless the flow exists in the org and is not deleted. With `lock` (writers), the
  // flow's row is locked for the transaction on PostgreSQL, which serialises the quota check
  // of concurrent writers; SQLite's BEGIN IMMEDIATE already holds the database's write lock.
  Status require_live_flow(const std::string& org_id, const std::string& flow_id, bool lock);

  SqlDriver& db_;
};

}  // namespace nextra::store::sql
