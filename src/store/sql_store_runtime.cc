// The runtime's persistence in SQL (issue #4): triggers, schedule claims, executions, their
// steps and the monthly usage counters. Every method runs inside the transaction SqlStore::tx
// opened (see sql_store_internal.h); an error here makes tx roll back what the method wrote.
//
// The races that matter are settled by single statements, so they hold across processes:
// a schedule slot is one INSERT ... ON CONFLICT DO NOTHING (the primary key picks the
// winner), an execution's ending is one UPDATE ... WHERE status IN ('queued','running'),
// the usage counter is one upsert.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/uuid.h"
#include "store/sql_store_internal.h"
#include "store/step_codec.h"

namespace nextra::store::sql {
namespace {

// Unprefixed for statements on `triggers` alone (RETURNING); prefixed where flows is joined.
constexpr const char* kTriggerCols =
    "id, org_id, flow_id, kind, name, config, token_hash, enabled, created_at, updated_at";
constexpr const char* kTriggerColsT =
    "t.id, t.org_id, t.flow_id, t.kind, t.name, t.config, t.token_hash, t.enabled, "
    "t.created_at, t.updated_at";
// A trigger is visible only while its flow is live (not soft-deleted), like flow versions.
constexpr const char* kTriggerFlowAlive =
    "EXISTS (SELECT 1 FROM flows f WHERE f.org_id = t.org_id AND f.id = t.flow_id "
    "AND f.deleted_at IS NULL)";

Trigger trigger_from(const SqlRow& r) {
  Trigger t;
  t.id = col(r, 0);
  t.org_id = col(r, 1);
  t.flow_id = col(r, 2);
  t.kind = col(r, 3);
  t.name = col(r, 4);
  t.config = col(r, 5);
  t.token_hash = col(r, 6);  // NULL in the table when the trigger has none
  t.enabled = col_i64(r, 7) != 0;
  t.created_at_ms = col_i64(r, 8);
  t.updated_at_ms = col_i64(r, 9);
  return t;
}

constexpr const char* kExecutionCols =
    "id, org_id, flow_id, flow_version, trigger_id, status, input, output, error, "
    "idempotency_key, attempts, started_at, finished_at";
ExecutionRecord execution_from(const SqlRow& r) {
  ExecutionRecord e;
  e.id = col(r, 0);
  e.org_id = col(r, 1);
  e.flow_id = col(r, 2);
  e.flow_version = col_i64(r, 3);
  e.trigger_id = col(r, 4);
  e.status = col(r, 5);
  e.input = col(r, 6);
  e.output = col(r, 7);
  e.error = col(r, 8);
  e.idempotency_key = col(r, 9);
  e.attempts = col_i64(r, 10);
  e.started_at_ms = col_i64(r, 11);
  e.finished_at_ms = col_opt_i64(r, 12);
  return e;
}

constexpr const char* kStepCols =
    "execution_id, step_index, sender, target, payload_class, payload, status, error, "
    "started_at, finished_at";
ExecutionStep step_from(const SqlRow& r) {
  ExecutionStep s;
  s.execution_id = col(r, 0);
  s.step_index = col_i64(r, 1);
  s.sender = col(r, 2);
  s.target = col(r, 3);
  s.payload_class = col(r, 4);
  s.payload = col(r, 5);
  s.status = col(r, 6);
  s.error = col(r, 7);
  s.started_at_ms = col_i64(r, 8);
  s.finished_at_ms = col_opt_i64(r, 9);
  return s;
}

// Final statuses, spelled as in the executions CHECK constraint.
constexpr const char* kOpen = "status IN ('queued','running')";
constexpr const char* kFinal = "status NOT IN ('queued','running')";

bool valid_kind(const std::string& kind) {
  return kind == "webhook" || kind == "schedule" || kind == "manual";
}
bool final_status(const std::string& s) {
  return s == "success" || s == "error" || s == "timeout" || s == "cancelled";
}
bool any_status(const std::string& s) { return s == "queued" || s == "running" || final_status(s); }


SqlValue text_or_null(const std::string& s) {
  if (s.empty()) return std::monostate{};
  return s;
}
SqlValue opt_i64(const std::optional<std::int64_t>& v) {
  if (!v) return std::monostate{};
  return *v;
}

// "?, ?, ?" for an IN list of n values.
std::string placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace

// ---- helpers ----

Status SqlRuntime::require_live_flow(const std::string& org_id, const std::string& flow_id) {
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("SELECT 1 FROM flows WHERE org_id = ? AND id = ? "
                                       "AND deleted_at IS NULL",
                                       {org_id, flow_id}));
  if (rows.empty()) return not_found("flow");
  return {};
}

Status SqlRuntime::require_execution(const std::string& org_id, const std::string& execution_id) {
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("SELECT 1 FROM executions WHERE org_id = ? AND id = ?",
                                       {org_id, execution_id}));
  if (rows.empty()) return not_found("execution");
  return {};
}

Error SqlRuntime::execution_not_updated(const std::string& org_id,
                                        const std::string& execution_id,
                                        const std::string& wanted) {
  auto rows = q("SELECT status FROM executions WHERE org_id = ? AND id = ?", {org_id, execution_id});
  if (!rows.ok()) return rows.take_error();
  if (rows->empty()) return not_found("execution");
  return Error::make(ErrorCode::Conflict,
                     "execution is " + col((*rows)[0], 0) + "; cannot " + wanted);
}

// ---- triggers ----

Result<Trigger> SqlRuntime::create_trigger(const CreateTriggerRequest& req) {
  NEXTRA_TRY(require(req.org_id, "org_id"));
  NEXTRA_TRY(require(req.flow_id, "flow_id"));
  NEXTRA_TRY(require(req.name, "name"));
  if (!valid_kind(req.kind)) {
    return invalid_field("kind must be webhook, schedule or manual", "kind");
  }
  NEXTRA_TRY(require_live_flow(req.org_id, req.flow_id));
  const std::int64_t now = now_ms();
  // A duplicate (flow, name) or token hash fails a UNIQUE index: AlreadyExists.
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows,
      q(std::string("INSERT INTO triggers (id, org_id, flow_id, kind, name, config, token_hash, "
                    "enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "RETURNING ") + kTriggerCols,
        {new_uuid_v4(), req.org_id, req.flow_id, req.kind, req.name, req.config,
         text_or_null(req.token_hash), std::int64_t{req.enabled ? 1 : 0}, now, now}));
  return trigger_from(rows.at(0));
}

Result<Trigger> SqlRuntime::get_trigger(const std::string& org_id, const std::string& trigger_id) {
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q(std::string("SELECT ") + kTriggerColsT + " FROM triggers t WHERE t.org_id = ? "
                       "AND t.id = ? AND " + kTriggerFlowAlive,
                   {org_id, trigger_id}));
  if (rows.empty()) return not_found("trigger");
  return trigger_from(rows[0]);
}

Result<std::vector<Trigger>> SqlRuntime::list_triggers(const std::string& org_id,
                                                       const std::string& flow_id) {
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q(std::string("SELECT ") + kTriggerColsT + " FROM triggers t WHERE t.org_id = ? "
                       "AND t.flow_id = ? AND " + kTriggerFlowAlive + " ORDER BY t.name, t.id",
                   {org_id, flow_id}));
  std::vector<Trigger> out;
  for (const SqlRow& r : rows) out.push_back(trigger_from(r));
  return out;
}

Result<Trigger> SqlRuntime::update_trigger(const UpdateTriggerRequest& req) {
  NEXTRA_TRY(require(req.org_id, "org_id"));
  NEXTRA_TRY(require(req.trigger_id, "trigger_id"));
  if (req.name && req.name->empty()) return invalid_field("name must not be empty", "name");
  SqlValue enabled = std::monostate{};
  if (req.enabled) enabled = std::int64_t{*req.enabled ? 1 : 0};
  // token_hash: set -> the new hash (an empty one clears it), unset -> kept.
  const std::int64_t set_token = req.token_hash ? 1 : 0;
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows,
      q(std::string("UPDATE triggers SET name = COALESCE(?, name), config = COALESCE(?, config), "
                    "token_hash = CASE WHEN ? = 1 THEN ? ELSE token_hash END, "
                    "enabled = COALESCE(?, enabled), updated_at = ? "
                    "WHERE org_id = ? AND id = ? AND EXISTS (SELECT 1 FROM flows f "
                    "WHERE f.org_id = triggers.org_id AND f.id = triggers.flow_id "
                    "AND f.deleted_at IS NULL) RETURNING ") + kTriggerCols,
        {opt_text(req.name), opt_text(req.config), set_token,
         req.token_hash ? text_or_null(*req.token_hash) : SqlValue{std::monostate{}}, enabled,
         now_ms(), req.org_id, req.trigger_id}));
  if (rows.empty()) return not_found("trigger");
  return trigger_from(rows[0]);
}

Status SqlRuntime::delete_trigger(const std::string& org_id, const std::string& trigger_id) {
  NEXTRA_TRY(get_trigger(org_id, trigger_id));  // NotFound for a missing or foreign trigger
  // Explicit, not relying on ON DELETE CASCADE (as delete_user does).
  NEXTRA_TRY(q("DELETE FROM schedule_claims WHERE trigger_id = ?", {trigger_id}));
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("DELETE FROM triggers WHERE org_id = ? AND id = ? "
                                       "RETURNING id",
                                       {org_id, trigger_id}));
  if (rows.empty()) return not_found("trigger");
  return {};
}

Result<Trigger> SqlRuntime::find_webhook_trigger(const std::string& flow_id,
                                                 const std::string& token_hash) {
  // Empty input is a mismatch like any other: the caller learns nothing more.
  if (flow_id.empty() || token_hash.empty()) return not_found("trigger");
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q(std::string("SELECT ") + kTriggerColsT + " FROM triggers t WHERE t.flow_id = ? "
                       "AND t.token_hash = ? AND t.kind = 'webhook' AND t.enabled = 1 AND " +
                       kTriggerFlowAlive,
                   {flow_id, token_hash}));
  if (rows.empty()) return not_found("trigger");
  return trigger_from(rows[0]);
}

Result<std::vector<Trigger>> SqlRuntime::list_schedule_triggers() {
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q(std::string("SELECT ") + kTriggerColsT + " FROM triggers t WHERE "
                       "t.kind = 'schedule' AND t.enabled = 1 AND " + kTriggerFlowAlive +
                       " ORDER BY t.org_id, t.flow_id, t.name",
                   {}));
  std::vector<Trigger> out;
  for (const SqlRow& r : rows) out.push_back(trigger_from(r));
  return out;
}

Result<bool> SqlRuntime::claim_schedule_slot(const std::string& trigger_id, std::int64_t slot_ms) {
  NEXTRA_TRY(require(trigger_id, "trigger_id"));
  // DO NOTHING keeps a lost race from being an error (which would abort a PostgreSQL
  // transaction); the winner is the one whose INSERT returned its row. An unknown trigger
  // fails the foreign key: NotFound.
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q("INSERT INTO schedule_claims (trigger_id, slot, claimed_at) VALUES (?, ?, ?) "
                   "ON CONFLICT (trigger_id, slot) DO NOTHING RETURNING trigger_id",
                   {trigger_id, slot_ms, now_ms()}));
  return !rows.empty();
}

// ---- executions ----

Result<CreateExecutionResponse> SqlRuntime::create_execution(const CreateExecutionRequest& req) {
  NEXTRA_TRY(require(req.id, "id"));
  NEXTRA_TRY(require(req.org_id, "org_id"));
  NEXTRA_TRY(require(req.flow_id, "flow_id"));
  if (req.status != "queued" && req.status != "running") {
    return invalid_field("a new execution is queued or running", "status");
  }
  if (req.idempotency_window_ms < 0) {
    return invalid_field("idempotency_window_ms must be >= 0", "idempotency_window_ms");
  }
  NEXTRA_TRY(require_live_flow(req.org_id, req.flow_id));
  const std::int64_t started = req.started_at_ms != 0 ? req.started_at_ms : now_ms();
  const std::string select_by_key = std::string("SELECT ") + kExecutionCols +
                                    " FROM executions WHERE org_id = ? AND flow_id = ? "
                                    "AND idempotency_key = ?";
  const bool keyed = !req.idempotency_key.empty();
  if (keyed) {
    NEXTRA_ASSIGN_OR_RETURN(Rows existing,
                            q(select_by_key, {req.org_id, req.flow_id, req.idempotency_key}));
    if (!existing.empty()) {
      ExecutionRecord old = execution_from(existing[0]);
      if (started - old.started_at_ms <= req.idempotency_window_ms) {
        return CreateExecutionResponse{std::move(old), false};
      }
      // Outside the window: the old execution keeps its record but loses its key, so the
      // UNIQUE (org_id, flow_id, idempotency_key) constraint agrees with the window.
      NEXTRA_TRY(q("UPDATE executions SET idempotency_key = NULL WHERE org_id = ? AND id = ?",
                   {req.org_id, old.id}));
    }
  }
  // ON CONFLICT covers a concurrent creator with the same key (another process): its row
  // wins and is returned below. A duplicate id still fails the primary key: AlreadyExists.
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows,
      q(std::string("INSERT INTO executions (id, org_id, flow_id, flow_version, trigger_id, status, "
                    "input, output, error, idempotency_key, attempts, started_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?) "
                    "ON CONFLICT (org_id, flow_id, idempotency_key) DO NOTHING RETURNING ") +
            kExecutionCols,
        {req.id, req.org_id, req.flow_id, req.flow_version, text_or_null(req.trigger_id),
         req.status, req.input, text_or_null(req.idempotency_key),
         std::int64_t{req.status == "running" ? 1 : 0}, started}));
  if (!rows.empty()) {
    if (!req.usage_month.empty()) NEXTRA_TRY(count_execution(req.org_id, req.usage_month));
    return CreateExecutionResponse{execution_from(rows[0]), true};
  }
  NEXTRA_ASSIGN_OR_RETURN(Rows winner,
                          q(select_by_key, {req.org_id, req.flow_id, req.idempotency_key}));
  if (winner.empty()) {
    return Error::make(ErrorCode::Unavailable, "concurrent execution create; retry");
  }
  return CreateExecutionResponse{execution_from(winner[0]), false};
}

Result<std::vector<const ExecutionEnding*>> SqlRuntime::insert_ended_executions(
    const std::vector<const ExecutionEnding*>& endings) {
  std::vector<const ExecutionEnding*> written;
  written.reserve(endings.size());
  std::map<std::pair<std::string, std::string>, bool> live;       // (org, flow) -> alive
  std::map<std::pair<std::string, std::string>, std::int64_t> used;  // (org, month) -> count
  for (const ExecutionEnding* e : endings) {
    const CreateExecutionRequest& req = *e->create;
    const FinishExecutionRequest& fin = e->finish;
    NEXTRA_TRY(require(req.id, "id"));
    NEXTRA_TRY(require(req.org_id, "org_id"));
    NEXTRA_TRY(require(req.flow_id, "flow_id"));
    if (!final_status(fin.status)) return invalid_field("status must be success, error, timeout or cancelled", "status");
    if (!req.usage_month.empty() && !valid_month(req.usage_month)) return invalid_field("month must be YYYY-MM", "month");
    auto [it, fresh] = live.try_emplace({req.org_id, req.flow_id}, true);
    if (fresh) {
      Status alive = require_live_flow(req.org_id, req.flow_id);
      if (!alive.ok() && alive.error().code != ErrorCode::NotFound) return alive.error();
      it->second = alive.ok();
    }
    if (!it->second) continue;  // its flow was deleted meanwhile: nothing to keep
    NEXTRA_TRY(check_own_steps(req.id, e->steps));
    // Its steps go in its row (step_codec.h): one insert per execution, not one per step.
    NEXTRA_TRY(q("INSERT INTO executions (id, org_id, flow_id, flow_version, trigger_id, status, input, output, error, "
                 "idempotency_key, attempts, started_at, finished_at, steps) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                 {req.id, req.org_id, req.flow_id, req.flow_version, text_or_null(req.trigger_id), fin.status,
                  req.input, fin.output, fin.error, text_or_null(req.idempotency_key),
                  req.started_at_ms != 0 ? req.started_at_ms : now_ms(),
                  fin.finished_at_ms != 0 ? fin.finished_at_ms : now_ms(), encode_steps(e->steps)}));
    if (!req.usage_month.empty()) ++used[{req.org_id, req.usage_month}];
    written.push_back(e);
  }
  for (const auto& [key, n] : used) NEXTRA_TRY(add_executions(key.first, key.second, n));
  return written;
}

Result<ExecutionRecord> SqlRuntime::start_execution(const std::string& org_id,
                                                    const std::string& execution_id,
                                                    std::int64_t now) {
  NEXTRA_TRY(require(org_id, "org_id"));
  NEXTRA_TRY(require(execution_id, "execution_id"));
  // started_at becomes the moment it actually started running (queue time is not run time).
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q(std::string("UPDATE executions SET status = 'running', attempts = attempts + 1, "
                               "started_at = ? WHERE org_id = ? AND id = ? AND status = 'queued' "
                               "RETURNING ") + kExecutionCols,
                   {now != 0 ? now : now_ms(), org_id, execution_id}));
  if (rows.empty()) return execution_not_updated(org_id, execution_id, "start");
  return execution_from(rows[0]);
}

Result<ExecutionRecord> SqlRuntime::finish_execution(const FinishExecutionRequest& req) {
  NEXTRA_TRY(require(req.org_id, "org_id"));
  NEXTRA_TRY(require(req.execution_id, "execution_id"));
  if (!final_status(req.status)) {
    return invalid_field("status must be success, error, timeout or cancelled", "status");
  }
  // One conditional UPDATE: of two racing endings exactly one matches an open row.
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows,
      q(std::string("UPDATE executions SET status = ?, output = ?, error = ?, finished_at = ? "
                    "WHERE org_id = ? AND id = ? AND ") + kOpen + " RETURNING " + kExecutionCols,
        {req.status, req.output, req.error,
         req.finished_at_ms != 0 ? req.finished_at_ms : now_ms(), req.org_id, req.execution_id}));
  if (rows.empty()) return execution_not_updated(req.org_id, req.execution_id, "finish");
  return execution_from(rows[0]);
}

Result<ExecutionRecord> SqlRuntime::get_execution(const std::string& org_id,
                                                  const std::string& execution_id) {
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(std::string("SELECT ") + kExecutionCols +
                                           " FROM executions WHERE org_id = ? AND id = ?",
                                       {org_id, execution_id}));
  if (rows.empty()) return not_found("execution");
  return execution_from(rows[0]);
}

Result<ListExecutionsResponse> SqlRuntime::list_executions(const ListExecutionsRequest& req) {
  NEXTRA_TRY(require(req.org_id, "org_id"));
  NEXTRA_TRY(require(req.flow_id, "flow_id"));
  NEXTRA_TRY(check_paging(req.offset, req.limit));
  if (!req.status.empty() && !any_status(req.status)) {
    return invalid_field("unknown status: " + req.status, "status");
  }
  std::string where = " FROM executions WHERE org_id = ? AND flow_id = ?";
  Params params{req.org_id, req.flow_id};
  if (!req.status.empty()) {
    where += " AND status = ?";
    params.emplace_back(req.status);
  }
  ListExecutionsResponse out;
  NEXTRA_ASSIGN_OR_RETURN(Rows count, q("SELECT COUNT(*)" + where, params));
  out.total = col_i64(count.at(0), 0);
  params.emplace_back(req.limit);
  params.emplace_back(req.offset);
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(std::string("SELECT ") + kExecutionCols + where +
                                           " ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?",
                                       params));
  for (const SqlRow& r : rows) out.items.push_back(execution_from(r));
  return out;
}

Result<std::vector<ExecutionRecord>> SqlRuntime::list_open_executions(std::int64_t limit) {
  // No upper bound: a restarting runtime may need every open execution at once.
  if (limit < 1) return invalid_field("limit must be >= 1", "limit");
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(std::string("SELECT ") + kExecutionCols +
                                           " FROM executions WHERE " + kOpen +
                                           " ORDER BY started_at, id LIMIT ?",
                                       {limit}));
  std::vector<ExecutionRecord> out;
  for (const SqlRow& r : rows) out.push_back(execution_from(r));
  return out;
}

Status SqlRuntime::append_execution_steps(const std::string& org_id,
                                          const std::vector<ExecutionStep>& steps) {
  NEXTRA_TRY(require(org_id, "org_id"));
  std::set<std::string> checked;
  for (const ExecutionStep& s : steps) {
    NEXTRA_TRY(require(s.execution_id, "execution_id"));
    if (s.step_index < 0) return invalid_field("step_index must be >= 0", "step_index");
    if (checked.insert(s.execution_id).second) NEXTRA_TRY(require_execution(org_id, s.execution_id));
  }
  // A repeated (execution, step_index) fails a UNIQUE index: AlreadyExists, nothing written.
  std::vector<const ExecutionStep*> all;
  all.reserve(steps.size());
  for (const ExecutionStep& s : steps) all.push_back(&s);
  return insert_steps(org_id, all);
}

Status SqlRuntime::insert_steps(const std::string& org_id, const std::vector<const ExecutionStep*>& steps) {
  // Several rows per statement: one statement (and one statement journal) per chunk instead
  // of per step. The SQL for each chunk size is prepared once and cached by the driver.
  constexpr std::size_t kRowsPerInsert = 16;
  for (std::size_t first = 0; first < steps.size(); first += kRowsPerInsert) {
    const std::size_t n = std::min(kRowsPerInsert, steps.size() - first);
    std::string sql =
        "INSERT INTO execution_steps (org_id, execution_id, step_index, sender, target, "
        "payload_class, payload, status, error, started_at, finished_at) VALUES ";
    Params params;
    params.reserve(n * 11);
    for (std::size_t i = 0; i < n; ++i) {
      const ExecutionStep& s = *steps[first + i];
      if (s.execution_id.empty()) return invalid_field("execution_id is required", "execution_id");
      if (s.step_index < 0) return invalid_field("step_index must be >= 0", "step_index");
      sql += i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      params.insert(params.end(), {org_id, s.execution_id, s.step_index, s.sender, s.target, s.payload_class,
                                   s.payload, s.status, s.error, s.started_at_ms, opt_i64(s.finished_at_ms)});
    }
    NEXTRA_TRY(q(sql, params));
  }
  return {};
}

Result<std::vector<ExecutionStep>> SqlRuntime::list_execution_steps(
    const std::string& org_id, const std::string& execution_id) {
  NEXTRA_ASSIGN_OR_RETURN(Rows row, q("SELECT steps FROM executions WHERE org_id = ? AND id = ?",
                                      {org_id, execution_id}));
  if (row.empty()) return not_found("execution");
  std::vector<ExecutionStep> out;
  if (row[0][0]) {  // recorded with its ending (step_codec.h)
    NEXTRA_ASSIGN_OR_RETURN(out, decode_steps(*row[0][0], execution_id));
  }
  // Appended while it ran, one row each.
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(std::string("SELECT ") + kStepCols +
                                           " FROM execution_steps WHERE org_id = ? AND "
                                           "execution_id = ? ORDER BY step_index, seq",
                                       {org_id, execution_id}));
  for (const SqlRow& r : rows) out.push_back(step_from(r));
  std::stable_sort(out.begin(), out.end(),
                   [](const ExecutionStep& a, const ExecutionStep& b) { return a.step_index < b.step_index; });
  return out;
}

Status SqlRuntime::record_ending_steps(const std::string& org_id, const std::string& execution_id,
                                       const std::vector<ExecutionStep>& steps) {
  NEXTRA_TRY(check_own_steps(execution_id, steps));
  NEXTRA_ASSIGN_OR_RETURN(Rows set, q("UPDATE executions SET steps = ? WHERE org_id = ? AND id = ? "
                                      "AND steps IS NULL RETURNING id",
                                      {encode_steps(steps), org_id, execution_id}));
  if (!set.empty()) return {};
  return append_execution_steps(org_id, steps);  // it has column steps already, or no row (NotFound)
}

// The steps an ending brings for its own execution: theirs, each index once, none negative
// (the checks the step rows' foreign key and unique index make).
Status SqlRuntime::check_own_steps(const std::string& execution_id, const std::vector<ExecutionStep>& steps) {
  std::vector<std::int64_t> indexes;
  indexes.reserve(steps.size());
  for (const ExecutionStep& s : steps) {
    if (s.execution_id != execution_id) {
      return invalid_field("a step's execution_id must be the execution it ends with", "execution_id");
    }
    if (s.step_index < 0) return invalid_field("step_index must be >= 0", "step_index");
    indexes.push_back(s.step_index);
  }
  std::sort(indexes.begin(), indexes.end());
  if (std::adjacent_find(indexes.begin(), indexes.end()) != indexes.end()) {
    return Error::make(ErrorCode::AlreadyExists, "a step index appears twice in execution " + execution_id);
  }
  return {};
}

Result<std::int64_t> SqlRuntime::prune_executions(const RetentionRequest& req) {
  NEXTRA_TRY(require(req.org_id, "org_id"));
  NEXTRA_TRY(require(req.flow_id, "flow_id"));
  if (req.keep_newest < 0) return invalid_field("keep_newest must be >= 0", "keep_newest");
  if (req.older_than_ms < 0) return invalid_field("older_than_ms must be >= 0", "older_than_ms");
  if (req.max_delete < 0) return invalid_field("max_delete must be >= 0", "max_delete");
  // Pick the ids once, then delete exactly those: steps first, then the executions. Open
  // executions never qualify (and the DELETE checks it again). Two index walks instead of
  // one query with NOT IN, which read every row of the flow on every call: the newest
  // keep_newest final ones give the cutoff (the first one that goes), then the doomed ones
  // are read oldest first from the (org_id, flow_id, started_at) index, up to max_delete.
  // Within one millisecond the later id is the newer execution (core/uuid.h), as in the list.
  std::string by_count = "1 = 0";  // nothing goes by count when fewer than keep_newest are final
  Params params{req.org_id, req.flow_id};
  NEXTRA_ASSIGN_OR_RETURN(Rows cutoff, q(std::string("SELECT started_at, id FROM executions WHERE org_id = ? AND "
                                                     "flow_id = ? AND ") + kFinal +
                                             " ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?",
                                         {req.org_id, req.flow_id, req.keep_newest}));
  std::int64_t upper = req.older_than_ms > 0 ? req.older_than_ms : 0;  // started_at bound for the range
  if (!cutoff.empty()) {
    const std::int64_t at = col_i64(cutoff[0], 0);
    by_count = "(started_at < ? OR (started_at = ? AND id <= ?))";
    params.insert(params.end(), {at, at, col(cutoff[0], 1)});
    upper = std::max(upper, at + 1);
  }
  if (upper == 0) return std::int64_t{0};
  std::string sql = std::string("SELECT id, started_at FROM executions WHERE org_id = ? AND flow_id = ? AND ") + kFinal +
                    " AND started_at < ? AND (" + by_count;
  params.insert(params.begin() + 2, SqlValue{upper});
  if (req.older_than_ms > 0) {
    sql += " OR started_at < ?";
    params.emplace_back(req.older_than_ms);
  }
  sql += ") ORDER BY started_at, id";
  if (req.max_delete > 0) {
    sql += " LIMIT ?";
    params.emplace_back(req.max_delete);
  }
  NEXTRA_ASSIGN_OR_RETURN(Rows doomed, q(sql, params));
  std::int64_t deleted = 0;
  constexpr size_t kBatch = 200;
  for (size_t begin = 0; begin < doomed.size(); begin += kBatch) {
    const size_t n = std::min(kBatch, doomed.size() - begin);
    Params ids{req.org_id};
    for (size_t i = 0; i < n; ++i) ids.emplace_back(col(doomed[begin + i], 0));
    NEXTRA_TRY(q("DELETE FROM execution_steps WHERE org_id = ? AND execution_id IN (" +
                     placeholders(n) + ")",
                 ids));
    // The batch is sorted by started_at: its first and last rows bound the range.
    Params batch{req.org_id, req.flow_id, col_i64(doomed[begin], 1), col_i64(doomed[begin + n - 1], 1)};
    batch.insert(batch.end(), ids.begin() + 1, ids.end());
    NEXTRA_ASSIGN_OR_RETURN(Rows gone, q(prune_chunk_delete_sql(n), batch));
    deleted += static_cast<std::int64_t>(gone.size());
  }
  return deleted;
}

std::string prune_chunk_delete_sql(size_t n) {
  // The started_at range is what keeps this cheap: with only `org_id = ? AND id IN (...)`
  // SQLite (no statistics) estimates the org's index cheaper than n primary-key look-ups and
  // walks every execution of the organization, ~230 ms per chunk at 400,000 rows, all of it
  // under the store's lock. The range makes any index it picks touch about n rows.
  return std::string("DELETE FROM executions WHERE org_id = ? AND flow_id = ? AND started_at >= ? AND "
                     "started_at <= ? AND id IN (") +
         placeholders(n) + ") AND " + kFinal + " RETURNING id";
}

Result<std::int64_t> SqlRuntime::count_execution(const std::string& org_id,
                                                 const std::string& month) {
  return add_executions(org_id, month, 1);
}

Result<std::int64_t> SqlRuntime::add_executions(const std::string& org_id, const std::string& month, std::int64_t n) {
  NEXTRA_TRY(require(org_id, "org_id"));
  if (!valid_month(month)) return invalid_field("month must be YYYY-MM", "month");
  // One upsert: concurrent callers (threads or processes) each get a distinct new count. An
  // unknown org fails the foreign key: NotFound.
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q("INSERT INTO usage_counters (org_id, month, executions) VALUES (?, ?, ?) "
                   "ON CONFLICT (org_id, month) DO UPDATE SET "
                   "executions = usage_counters.executions + excluded.executions RETURNING executions",
                   {org_id, month, n}));
  return col_i64(rows.at(0), 0);
}

Result<std::int64_t> SqlRuntime::executions_in_month(const std::string& org_id,
                                                     const std::string& month) {
  NEXTRA_TRY(require(org_id, "org_id"));
  if (!valid_month(month)) return invalid_field("month must be YYYY-MM", "month");
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("SELECT executions FROM usage_counters WHERE org_id = ? "
                                       "AND month = ?",
                                       {org_id, month}));
  if (rows.empty()) return std::int64_t{0};
  return col_i64(rows[0], 0);
}

Result<std::vector<DailyExecutions>> SqlRuntime::executions_per_day(const std::string& org_id,
                                                                    std::int64_t since_ms) {
  NEXTRA_TRY(require(org_id, "org_id"));
  // Integer division buckets by UTC day in both dialects (BIGINT / BIGINT).
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q("SELECT started_at / 86400000 AS day, "
                   "SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END), "
                   "SUM(CASE WHEN status IN ('error', 'timeout', 'cancelled') THEN 1 ELSE 0 END), "
                   "SUM(CASE WHEN status IN ('queued', 'running') THEN 1 ELSE 0 END) "
                   "FROM executions WHERE org_id = ? AND started_at >= ? GROUP BY day ORDER BY day",
                   {org_id, since_ms}));
  std::vector<DailyExecutions> out;
  for (const SqlRow& r : rows) {
    out.push_back(DailyExecutions{col_i64(r, 0) * 86400000, col_i64(r, 1), col_i64(r, 2), col_i64(r, 3)});
  }
  return out;
}

}  // namespace nextra::store::sql
