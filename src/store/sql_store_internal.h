#pragma once
// Internal: what the SQL store's translation units share. sql_store.cc owns SqlStore (the
// mutex, the transactions, users, organizations, flows, secrets, keys, audit, sessions);
// sql_store_accounts.cc holds the SQL for user updates and sync, plans, membership lookup and
// invitations as SqlAccounts; sql_store_runtime.cc holds triggers, executions, steps and
// usage counters as SqlRuntime; sql_store_modules.cc the WASM modules as SqlModules; sql_store_usage.cc LLM usage as SqlUsage. Their methods run inside the transaction SqlStore::tx opened
// and take no lock of their own.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/sql_driver.h"
#include "store/store.h"

namespace nextra::store::sql {

using Rows = std::vector<SqlRow>;
using Params = std::vector<SqlValue>;

inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline std::string col(const SqlRow& r, size_t i) { return r[i] ? *r[i] : std::string(); }
inline std::int64_t col_i64(const SqlRow& r, size_t i) { return r[i] ? std::stoll(*r[i]) : 0; }
inline std::optional<std::int64_t> col_opt_i64(const SqlRow& r, size_t i) {
  if (!r[i]) return std::nullopt;
  return std::stoll(*r[i]);
}
inline SqlValue opt_text(const std::optional<std::string>& s) {
  if (!s) return std::monostate{};
  return *s;
}

inline Status require(const std::string& value, const char* field) {
  if (value.empty()) {
    Error e = Error::invalid(std::string(field) + " is required");
    e.field = field;
    return e;
  }
  return {};
}
inline Error invalid_field(std::string message, const char* field) {
  Error e = Error::invalid(std::move(message));
  e.field = field;
  return e;
}
// "YYYY-MM" with a month 01..12.
inline bool valid_month(const std::string& m) {
  auto digit = [&](size_t i) { return m[i] >= '0' && m[i] <= '9'; };
  if (m.size() != 7 || m[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (!digit(i)) return false;
  }
  int month = (m[5] - '0') * 10 + (m[6] - '0');
  return month >= 1 && month <= 12;
}
inline Status check_paging(std::int64_t offset, std::int64_t limit) {
  if (offset < 0) return Error::invalid("offset must be >= 0");
  if (limit < 1 || limit > 1000) return Error::invalid("limit must be between 1 and 1000");
  return {};
}
inline Error not_found(const std::string& what) {
  return Error::make(ErrorCode::NotFound, what + " not found");
}

// Serialises, until the transaction ends, the writers that count an organization's rows
// against a plan's limit: PostgreSQL locks the organization's row; SQLite has one writer at
// a time anyway. Then answers ResourceExhausted if `count_sql` (one `?`, the org id) already
// reaches `limit`.
inline Status check_plan_limit(SqlDriver& db, const std::string& org_id, const std::optional<std::int64_t>& limit,
                               const char* count_sql, const char* what) {
  if (!limit) return {};
  if (db.dialect() == Dialect::Postgres) {
    auto locked = db.query("SELECT id FROM organizations WHERE id = ? FOR UPDATE", {org_id});
    if (!locked.ok()) return locked.take_error();
  }
  auto rows = db.query(count_sql, {org_id});
  if (!rows.ok()) return rows.take_error();
  const std::int64_t count = rows->empty() ? 0 : col_i64(rows->at(0), 0);
  if (count < *limit) return {};
  Error e = Error::make(ErrorCode::ResourceExhausted, "the plan allows " + std::to_string(*limit) + " " + what +
                                                          " and the organization has " + std::to_string(count));
  e.field = what;
  return e;
}

// Users. external_id is NULL in the table when the user has none (UNIQUE allows many NULLs).
inline constexpr const char* kUserCols = "id, email, name, password_hash, external_id, created_at";
inline User user_from(const SqlRow& r) {
  return {col(r, 0), col(r, 1), col(r, 2), col(r, 3), col(r, 4), col_i64(r, 5)};
}

// Members: user id, email, name, role, created_at (memberships joined with users).
inline Result<Member> member_from(const SqlRow& r) {
  NEXTRA_ASSIGN_OR_RETURN(Role role, parse_role(col(r, 3)));
  return Member{col(r, 0), col(r, 1), col(r, 2), role, col_i64(r, 4)};
}

// Accounts: users, organizations, memberships, invitations (sql_store_accounts.cc).
// REQUIRES: a transaction is open on `db` (SqlStore::tx) for every call.
class SqlAccounts {
 public:
  explicit SqlAccounts(SqlDriver& db) : db_(db) {}

  Result<User> update_user(const UpdateUserRequest& req);
  Result<UpsertExternalUserResponse> upsert_external_user(const UpsertExternalUserRequest& req);
  Status delete_user(const std::string& user_id);
  Result<std::int64_t> count_users();

  Result<Organization> set_plan(const std::string& org_id, const std::string& plan);

  // The membership joined with its user; NotFound if not a member.
  Result<Member> member(const std::string& org_id, const std::string& user_id);

  Result<Invitation> create_invitation(const CreateInvitationRequest& req);
  Result<std::vector<Invitation>> list_invitations(const std::string& org_id, std::int64_t now);
  Result<AcceptInvitationResponse> accept_invitation(const AcceptInvitationRequest& req);

 private:
  Result<Rows> q(const std::string& sql, const Params& params) { return db_.query(sql, params); }

  SqlDriver& db_;
};

// The runtime (issue #4): triggers, schedule claims, executions, their steps, usage counters
// (sql_store_runtime.cc). REQUIRES: a transaction is open on `db` (SqlStore::tx) for every call.
class SqlRuntime {
 public:
  explicit SqlRuntime(SqlDriver& db) : db_(db) {}

  Result<Trigger> create_trigger(const CreateTriggerRequest& req);
  Result<Trigger> get_trigger(const std::string& org_id, const std::string& trigger_id);
  Result<std::vector<Trigger>> list_triggers(const std::string& org_id, const std::string& flow_id);
  Result<Trigger> update_trigger(const UpdateTriggerRequest& req);
  Status delete_trigger(const std::string& org_id, const std::string& trigger_id);
  Result<Trigger> find_webhook_trigger(const std::string& flow_id, const std::string& token_hash);
  Result<std::vector<Trigger>> list_schedule_triggers();
  Result<bool> claim_schedule_slot(const std::string& trigger_id, std::int64_t slot_ms);

  Result<CreateExecutionResponse> create_execution(const CreateExecutionRequest& req);
  // Executions that ran before they had a row (ExecutionEnding::create), written together:
  // each one INSERT with its final state, its steps in multi-row INSERTs, the live-flow check
  // once per flow and one usage upsert per (org, month). Endings whose flow is gone are
  // skipped; answers the ones written.
  Result<std::vector<const ExecutionEnding*>> insert_ended_executions(const std::vector<const ExecutionEnding*>& endings);
  Result<ExecutionRecord> start_execution(const std::string& org_id,
                                          const std::string& execution_id, std::int64_t now);
  Result<ExecutionRecord> finish_execution(const FinishExecutionRequest& req);
  Result<ExecutionRecord> get_execution(const std::string& org_id, const std::string& execution_id);
  Result<ListExecutionsResponse> list_executions(const ListExecutionsRequest& req);
  Result<std::vector<ExecutionRecord>> list_open_executions(std::int64_t limit);
  Status append_execution_steps(const std::string& org_id, const std::vector<ExecutionStep>& steps);
  // An ending's steps for an execution that has a row: into its steps column when that is
  // still empty, else appended as rows.
  Status record_ending_steps(const std::string& org_id, const std::string& execution_id,
                             const std::vector<ExecutionStep>& steps);
  Status check_own_steps(const std::string& execution_id, const std::vector<ExecutionStep>& steps);
  Result<std::vector<ExecutionStep>> list_execution_steps(const std::string& org_id,
                                                          const std::string& execution_id);
  Result<std::int64_t> prune_executions(const RetentionRequest& req);
  Result<std::int64_t> count_execution(const std::string& org_id, const std::string& month);
  // Adds n executions to the org's count for the month; answers the new count.
  Result<std::int64_t> add_executions(const std::string& org_id, const std::string& month, std::int64_t n);
  Result<std::int64_t> executions_in_month(const std::string& org_id, const std::string& month);
  Result<std::vector<DailyExecutions>> executions_per_day(const std::string& org_id, std::int64_t since_ms);

 private:
  Result<Rows> q(const std::string& sql, const Params& params) { return db_.query(sql, params); }
  // NotFound unless the flow exists in the org and is not deleted.
  Status require_live_flow(const std::string& org_id, const std::string& flow_id);
  // Rows for steps whose execution exists (checked by the caller).
  Status insert_steps(const std::string& org_id, const std::vector<const ExecutionStep*>& steps);
  // NotFound unless the execution exists in the org.
  Status require_execution(const std::string& org_id, const std::string& execution_id);
  // Explains why a conditional execution UPDATE matched nothing: NotFound or Conflict.
  Error execution_not_updated(const std::string& org_id, const std::string& execution_id,
                              const std::string& wanted);

  SqlDriver& db_;
};

// The DELETE of one retention chunk of n executions (sql_store_runtime.cc). Parameters: org
// id, flow id, the chunk's oldest and newest started_at, then the n ids. Exposed so a test
// can check SQLite's plan for it.
std::string prune_chunk_delete_sql(size_t n);

// LLM usage (sql_store_usage.cc): calls, their sums, the month and its cap. Same rule.
class SqlUsage {
 public:
  explicit SqlUsage(SqlDriver& db) : db_(db) {}
  Status record(const std::vector<LlmCall>& calls);
  Result<std::vector<LlmUsageGroup>> usage(const LlmUsageRequest& req);
  Result<std::vector<LlmCall>> calls_of(const std::string& org_id, const std::string& execution_id);
  Result<LlmMonth> month(const std::string& org_id, const std::string& month);
  Status set_cap(const std::string& org_id, std::optional<std::int64_t> cap_micros);

 private:
  Result<Rows> q(const std::string& sql, const Params& params) { return db_.query(sql, params); }
  SqlDriver& db_;
};

// WASM modules (sql_store_modules.cc). Same rule: inside SqlStore::tx.
class SqlModules {
 public:
  explicit SqlModules(SqlDriver& db) : db_(db) {}

  Result<WasmModule> create(const CreateModuleRequest& req);
  Result<WasmModule> get(const std::string& org_id, const std::string& module_id);
  Result<WasmModule> find(const std::string& org_id, const std::string& id_or_name);
  Result<std::vector<WasmModule>> list(const std::string& org_id);
  Status remove(const std::string& org_id, const std::string& module_id);
  Result<std::int64_t> count(const std::string& org_id);
  Result<std::int64_t> count_uses(const std::string& sha256);

 private:
  Result<Rows> q(const std::string& sql, const Params& params) { return db_.query(sql, params); }
  SqlDriver& db_;
};

}  // namespace nextra::store::sql
