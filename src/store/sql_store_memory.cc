// Project memory (issue #5): a flow's keys, each row (org, flow, key) so every query is an
// index range of one flow. Expired rows are skipped by every read and purged by the next
// write of the flow, so they never count against its quota.
#include "store/sql_store_memory.h"

#include "store/sql_store_internal.h"

namespace nextra::store::sql {
namespace {

constexpr const char* kLive = " AND (expires_at IS NULL OR expires_at > ?)";

Status check_text(const std::string& text, const char* field) {
  // PostgreSQL's TEXT cannot hold NUL; refusing it here keeps both backends alike.
  if (text.find('\0') != std::string::npos) {
    Error e = Error::invalid(std::string(field) + " must not contain a NUL byte");
    e.field = field;
    return e;
  }
  return {};
}

Status check_scope(const std::string& org_id, const std::string& flow_id) {
  NEXTRA_TRY(require(org_id, "org_id"));
  return require(flow_id, "flow_id");
}

}  // namespace

Status SqlMemory::require_live_flow(const std::string& org_id, const std::string& flow_id, bool lock) {
  std::string sql = "SELECT 1 FROM flows WHERE org_id = ? AND id = ? AND deleted_at IS NULL";
  // NO KEY UPDATE conflicts with itself but not with the KEY SHARE locks that foreign-key
  // checks take, so execution inserts for the flow are not held up.
  if (lock && db_.dialect() == Dialect::Postgres) sql += " FOR NO KEY UPDATE";
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, db_.query(sql, {org_id, flow_id}));
  if (rows.empty()) return not_found("flow");
  return {};
}

Result<std::optional<MemoryEntry>> SqlMemory::get(const std::string& org_id, const std::string& flow_id,
                                                  const std::string& key, std::int64_t now) {
  NEXTRA_TRY(check_scope(org_id, flow_id));
  NEXTRA_TRY(require(key, "key"));
  NEXTRA_TRY(require_live_flow(org_id, flow_id, false));
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, db_.query(std::string("SELECT mem_key, value, size_bytes, expires_at, updated_at "
                                                           "FROM project_memory WHERE org_id = ? AND flow_id = ? "
                                                           "AND mem_key = ?") + kLive,
                                               {org_id, flow_id, key, now}));
  if (rows.empty()) return std::optional<MemoryEntry>();
  const auto& r = rows[0];
  return std::optional<MemoryEntry>(MemoryEntry{col(r, 0), col(r, 1), col_i64(r, 2), col_opt_i64(r, 3), col_i64(r, 4)});
}

Result<SetMemoryResponse> SqlMemory::set(const SetMemoryRequest& req) {
  NEXTRA_TRY(check_scope(req.org_id, req.flow_id));
  NEXTRA_TRY(require(req.key, "key"));
  NEXTRA_TRY(check_text(req.key, "key"));
  NEXTRA_TRY(check_text(req.value, "value"));
  if (req.max_bytes < 0) return Error::invalid("max_bytes must be >= 0");
  NEXTRA_TRY(require_live_flow(req.org_id, req.flow_id, true));
  NEXTRA_TRY(db_.query("DELETE FROM project_memory WHERE org_id = ? AND flow_id = ? AND expires_at IS NOT NULL "
                       "AND expires_at <= ?",
                       {req.org_id, req.flow_id, req.now_ms}));
  NEXTRA_ASSIGN_OR_RETURN(Rows old, db_.query("SELECT size_bytes FROM project_memory WHERE org_id = ? AND "
                                              "flow_id = ? AND mem_key = ?",
                                              {req.org_id, req.flow_id, req.key}));
  NEXTRA_ASSIGN_OR_RETURN(Rows used, db_.query("SELECT COALESCE(SUM(size_bytes), 0) FROM project_memory WHERE "
                                               "org_id = ? AND flow_id = ?",
                                               {req.org_id, req.flow_id}));
  const std::int64_t old_size = old.empty() ? 0 : col_i64(old[0], 0);
  const std::int64_t size = static_cast<std::int64_t>(req.key.size() + req.value.size());
  const std::int64_t after = col_i64(used.at(0), 0) - old_size + size;
  // A write that does not grow the memory is allowed even over the quota (a lowered quota
  // must not stop a flow from shrinking its values).
  if (req.max_bytes > 0 && after > req.max_bytes && size > old_size) {
    return Error::make(ErrorCode::ResourceExhausted,
                       "project memory is full: " + std::to_string(after - size + old_size) + " of " +
                           std::to_string(req.max_bytes) + " bytes used and this write needs " +
                           std::to_string(size - old_size) + " more; delete keys or raise memory.max_bytes");
  }
  NEXTRA_TRY(db_.query("INSERT INTO project_memory (org_id, flow_id, mem_key, value, size_bytes, expires_at, "
                       "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, flow_id, mem_key) DO UPDATE "
                       "SET value = excluded.value, size_bytes = excluded.size_bytes, expires_at = "
                       "excluded.expires_at, updated_at = excluded.updated_at",
                       {req.org_id, req.flow_id, req.key, req.value, size,
                        req.expires_at_ms ? SqlValue(*req.expires_at_ms) : SqlValue(std::monostate{}), now_ms()}));
  return SetMemoryResponse{!old.empty(), after};
}

Result<bool> SqlMemory::remove(const std::string& org_id, const std::string& flow_id, const std::string& key,
                               std::int64_t now) {
  NEXTRA_TRY(check_scope(org_id, flow_id));
  NEXTRA_TRY(require(key, "key"));
  NEXTRA_TRY(require_live_flow(org_id, flow_id, false));
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, db_.query("DELETE FROM project_memory WHERE org_id = ? AND flow_id = ? AND "
                                               "mem_key = ? RETURNING expires_at",
                                               {org_id, flow_id, key}));
  if (rows.empty()) return false;
  auto expires = col_opt_i64(rows[0], 0);
  return !expires || *expires > now;
}

Result<ListMemoryResponse> SqlMemory::list(const ListMemoryRequest& req) {
  NEXTRA_TRY(check_scope(req.org_id, req.flow_id));
  NEXTRA_TRY(check_paging(req.offset, req.limit));
  NEXTRA_TRY(require_live_flow(req.org_id, req.flow_id, false));
  const std::string where = std::string(" FROM project_memory WHERE org_id = ? AND flow_id = ?") + kLive;
  ListMemoryResponse out;
  NEXTRA_ASSIGN_OR_RETURN(Rows sums, db_.query("SELECT COUNT(*), COALESCE(SUM(size_bytes), 0)" + where,
                                               {req.org_id, req.flow_id, req.now_ms}));
  out.total = col_i64(sums.at(0), 0);
  out.used_bytes = col_i64(sums.at(0), 1);
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, db_.query("SELECT mem_key, size_bytes, expires_at, updated_at" + where +
                                                   " ORDER BY mem_key LIMIT ? OFFSET ?",
                                               {req.org_id, req.flow_id, req.now_ms, req.limit, req.offset}));
  for (const auto& r : rows) {
    out.items.push_back(MemoryEntry{col(r, 0), "", col_i64(r, 1), col_opt_i64(r, 2), col_i64(r, 3)});
  }
  return out;
}

Result<std::int64_t> SqlMemory::clear(const std::string& org_id, const std::string& flow_id, bool require_flow) {
  NEXTRA_TRY(check_scope(org_id, flow_id));
  if (require_flow) NEXTRA_TRY(require_live_flow(org_id, flow_id, false));
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, db_.query("DELETE FROM project_memory WHERE org_id = ? AND flow_id = ? "
                                               "RETURNING mem_key",
                                               {org_id, flow_id}));
  return static_cast<std::int64_t>(rows.size());
}

}  // namespace nextra::store::sql
