#include "store/migrations.h"

#include <algorithm>
#include <chrono>

namespace nextra::store {
namespace {

// Conventions for every table: ids are UUID v4 TEXT, times BIGINT milliseconds, JSON is
// TEXT (stored verbatim; the API layer validates it), booleans are 0/1 integers. Tenant
// tables carry org_id, and composite indexes start with it so every scoped query is an
// index range. Columns naming an author or actor (created_by, author_user_id, actor_user_id)
// deliberately have no foreign key: history must outlive the user who wrote it.
constexpr const char* kInitialSchema = R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY NOT NULL,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  external_id TEXT UNIQUE,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE organizations (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  plan TEXT NOT NULL DEFAULT 'enterprise' CHECK (plan IN ('free','paid','pro','enterprise')),
  billing_customer_id TEXT,
  created_at BIGINT NOT NULL
);
CREATE TABLE memberships (
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner','admin','member','viewer')),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
CREATE TABLE invitations (
  id TEXT PRIMARY KEY NOT NULL,
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner','admin','member','viewer')),
  token_hash TEXT NOT NULL UNIQUE,
  invited_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  accepted_at BIGINT
);
CREATE INDEX invitations_org_email ON invitations (org_id, email);
CREATE TABLE flows (
  id TEXT PRIMARY KEY NOT NULL,
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  organism_yaml TEXT NOT NULL,
  canvas_state TEXT NOT NULL,
  spec_markdown TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL,
  live_version BIGINT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  deleted_at BIGINT,
  UNIQUE (org_id, id)
);
CREATE INDEX flows_org_updated ON flows (org_id, updated_at);
CREATE TABLE flow_versions (
  org_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  organism_yaml TEXT NOT NULL,
  canvas_state TEXT NOT NULL,
  author_user_id TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (flow_id, version),
  FOREIGN KEY (org_id, flow_id) REFERENCES flows (org_id, id) ON DELETE CASCADE
);
CREATE INDEX flow_versions_org_flow ON flow_versions (org_id, flow_id, version);
CREATE TABLE triggers (
  id TEXT PRIMARY KEY NOT NULL,
  org_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('webhook','schedule','manual')),
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  token_hash TEXT UNIQUE,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  FOREIGN KEY (org_id, flow_id) REFERENCES flows (org_id, id) ON DELETE CASCADE
);
CREATE INDEX triggers_org_flow ON triggers (org_id, flow_id);
CREATE TABLE executions (
  id TEXT PRIMARY KEY NOT NULL,
  org_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  flow_version BIGINT NOT NULL,
  trigger_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued','running','success','error','timeout','cancelled')),
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  idempotency_key TEXT,
  attempts BIGINT NOT NULL DEFAULT 0,
  tokens_in BIGINT NOT NULL DEFAULT 0,
  tokens_out BIGINT NOT NULL DEFAULT 0,
  cost_micros BIGINT NOT NULL DEFAULT 0,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  UNIQUE (org_id, flow_id, idempotency_key),
  FOREIGN KEY (org_id, flow_id) REFERENCES flows (org_id, id) ON DELETE CASCADE
);
CREATE INDEX executions_org_flow_started ON executions (org_id, flow_id, started_at);
CREATE INDEX executions_org_status ON executions (org_id, status);
CREATE TABLE execution_steps (
  seq {{SERIAL_PK}},
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  execution_id TEXT NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
  step_index BIGINT NOT NULL,
  sender TEXT NOT NULL,
  target TEXT NOT NULL,
  payload_class TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  tokens_in BIGINT NOT NULL DEFAULT 0,
  tokens_out BIGINT NOT NULL DEFAULT 0,
  cost_micros BIGINT NOT NULL DEFAULT 0,
  started_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX execution_steps_org_exec ON execution_steps (org_id, execution_id, step_index);
CREATE TABLE wasm_modules (
  id TEXT PRIMARY KEY NOT NULL,
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  content_path TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (org_id, name, version)
);
CREATE TABLE marketplace_listings (
  id TEXT PRIMARY KEY NOT NULL,
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('flow','module')),
  source_id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  content TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft','published','unlisted')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX marketplace_listings_org ON marketplace_listings (org_id, updated_at);
CREATE INDEX marketplace_listings_status ON marketplace_listings (status, updated_at);
CREATE TABLE secrets (
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  ciphertext_hex TEXT NOT NULL,
  nonce_hex TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, name)
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY NOT NULL,
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX api_keys_org_created ON api_keys (org_id, created_at);
CREATE TABLE audit_log (
  seq {{SERIAL_PK}},
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  actor_user_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  remote_addr TEXT NOT NULL,
  details TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_org_seq ON audit_log (org_id, seq);
CREATE TABLE usage_counters (
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  month TEXT NOT NULL,
  executions BIGINT NOT NULL DEFAULT 0,
  llm_tokens_in BIGINT NOT NULL DEFAULT 0,
  llm_tokens_out BIGINT NOT NULL DEFAULT 0,
  cost_micros BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, month)
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
)sql";

// Issue #4, the runtime: a trigger's name is unique per flow; a schedule slot is claimed once
// across every process (the primary key decides); a step index is unique per execution; open
// executions are found across organizations by status, oldest first.
constexpr const char* kRuntimeSchema = R"sql(
CREATE UNIQUE INDEX triggers_org_flow_name ON triggers (org_id, flow_id, name);
CREATE TABLE schedule_claims (
  trigger_id TEXT NOT NULL REFERENCES triggers(id) ON DELETE CASCADE,
  slot BIGINT NOT NULL,
  claimed_at BIGINT NOT NULL,
  PRIMARY KEY (trigger_id, slot)
);
CREATE UNIQUE INDEX execution_steps_exec_index ON execution_steps (execution_id, step_index);
CREATE INDEX executions_status_started ON executions (status, started_at);
)sql";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// The user's stop survives restarts: a flow stopped by its user refuses webhooks and
// schedules until started again ('stopped'); otherwise triggers may start it ('auto').
constexpr const char* kRunIntentSchema = R"sql(
ALTER TABLE flows ADD COLUMN run_intent TEXT NOT NULL DEFAULT 'auto' CHECK (run_intent IN ('auto','stopped'));
)sql";

// Issue #7: what a module row keeps besides its bytes (a file named by its SHA-256 under the
// data directory): the WIT description checked at upload, the exports as JSON for the
// palette, and the AssemblyScript source when it was built here.
constexpr const char* kModulesSchema = R"sql(
ALTER TABLE wasm_modules ADD COLUMN wit TEXT NOT NULL DEFAULT '';
ALTER TABLE wasm_modules ADD COLUMN exports TEXT NOT NULL DEFAULT '[]';
ALTER TABLE wasm_modules ADD COLUMN source TEXT;
CREATE INDEX wasm_modules_org_name ON wasm_modules (org_id, name, created_at);
)sql";

// Fewer index entries per recorded execution (the record writer's cost is mostly B-tree
// inserts): the status index only holds open executions, which is all that
// list_open_executions asks for (an execution recorded when it ends never enters it);
// (org_id, status) served no query; a step is found by (execution_id, step_index), which the
// unique index already covers, so the (org_id, execution_id, step_index) copy goes.
constexpr const char* kLeanIndexesSchema = R"sql(
DROP INDEX executions_status_started;
CREATE INDEX executions_open_started ON executions (started_at, id) WHERE status IN ('queued','running');
DROP INDEX executions_org_status;
DROP INDEX execution_steps_org_exec;
)sql";

// Issue #5: every LLM call, written as it ends (the execution's own row is written when the
// execution ends, so calls are summed on read). No foreign key to flows or executions: usage
// is billing history and outlives both; it goes with its organization. The monthly cap lives
// on the organization; the month's sums are in usage_counters (llm_tokens_in/out, cost_micros).
constexpr const char* kLlmCallsSchema = R"sql(
CREATE TABLE llm_calls (
  seq {{SERIAL_PK}},
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  flow_id TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  agent TEXT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  backend TEXT NOT NULL,
  prompt_tokens BIGINT NOT NULL,
  completion_tokens BIGINT NOT NULL,
  latency_ms BIGINT NOT NULL,
  cost_micros BIGINT,
  attempts BIGINT NOT NULL,
  ok INTEGER NOT NULL,
  error_code TEXT NOT NULL,
  started_at BIGINT NOT NULL
);
CREATE INDEX llm_calls_org_started ON llm_calls (org_id, started_at);
CREATE INDEX llm_calls_execution ON llm_calls (execution_id) WHERE execution_id <> '';
ALTER TABLE organizations ADD COLUMN llm_cap_micros BIGINT;
)sql";

// Issue #5, project memory: a flow's keys (`tool:keyvalue`, code blocks' kv imports). The
// key is unique per flow; the row goes with its flow (delete_flow, a soft delete, clears it
// in its own transaction; the cascade covers flows removed with their organization).
// size_bytes (key + value bytes) is what the flow's quota counts; expires_at NULL = forever.
constexpr const char* kProjectMemorySchema = R"sql(
CREATE TABLE project_memory (
  org_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  mem_key TEXT NOT NULL,
  value TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  expires_at BIGINT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, flow_id, mem_key),
  FOREIGN KEY (org_id, flow_id) REFERENCES flows (org_id, id) ON DELETE CASCADE
);
)sql";

// The steps of an execution recorded when it ends go in its row, as JSON (step_codec.h);
// NULL when its steps are rows in execution_steps (appended while it ran).
constexpr const char* kStepsColumnSchema = R"sql(
ALTER TABLE executions ADD COLUMN steps TEXT;
)sql";

const std::vector<Migration>& migrations() {
  // Sorted by version whatever the order below, so a migration added out of order still runs
  // in its place.
  static const std::vector<Migration> kMigrations = [] {
    std::vector<Migration> all = {
        {1, "initial schema", kInitialSchema},
        {2, "runtime: trigger names, schedule claims, step order", kRuntimeSchema},
        {3, "flows: run intent", kRunIntentSchema},
        {4, "wasm modules: WIT, exports, source", kModulesSchema},
        {5, "lean execution indexes", kLeanIndexesSchema},
        {6, "llm calls and the monthly spend cap", kLlmCallsSchema},
        {7, "project memory", kProjectMemorySchema},
        {8, "execution steps in the execution row", kStepsColumnSchema},
    };
    std::sort(all.begin(), all.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return all;
  }();
  return kMigrations;
}

std::string render_migration(const Migration& m, Dialect dialect) {
  static const std::string kToken = "{{SERIAL_PK}}";
  const std::string serial = dialect == Dialect::Sqlite
                                 ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                 : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  std::string out = m.sql;
  for (size_t pos = out.find(kToken); pos != std::string::npos; pos = out.find(kToken, pos)) {
    out.replace(pos, kToken.size(), serial);
    pos += serial.size();
  }
  return out;
}

Result<std::int64_t> applied_migration_version(SqlDriver& db) {
  NEXTRA_ASSIGN_OR_RETURN(auto rows,
                          db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}));
  if (rows.empty() || !rows[0][0]) return std::int64_t{0};
  return std::stoll(*rows[0][0]);
}

namespace {

// Whether this migration's row is in schema_migrations. Versions are checked one by one, not
// against the highest applied: a migration merged after a higher one still runs.
Result<bool> migration_applied(SqlDriver& db, std::int64_t version) {
  NEXTRA_ASSIGN_OR_RETURN(auto rows, db.query("SELECT 1 FROM schema_migrations WHERE version = ?", {version}));
  return !rows.empty();
}

}  // namespace

Result<std::int64_t> apply_migrations(SqlDriver& db) {
  NEXTRA_TRY(db.exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY NOT NULL, "
      "name TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
  for (const Migration& m : migrations()) {
    NEXTRA_ASSIGN_OR_RETURN(bool done, migration_applied(db, m.version));
    if (done) continue;
    NEXTRA_TRY(db.begin());
    // Two servers starting against one database must not both apply a step: take a lock
    // (SQLite's BEGIN IMMEDIATE already holds the write lock), then look again.
    Status st;
    if (db.dialect() == Dialect::Postgres) {
      auto locked = db.query("SELECT pg_advisory_xact_lock(7420001)", {});
      if (!locked.ok()) st = locked.take_error();
    }
    auto again = st.ok() ? migration_applied(db, m.version) : Result<bool>(st.error());
    if (again.ok() && *again) {
      NEXTRA_TRY(db.commit());
      continue;
    }
    if (!again.ok()) st = again.take_error();
    if (st.ok()) st = db.exec_script(render_migration(m, db.dialect()));
    if (st.ok()) {
      auto ins = db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                          {m.version, std::string(m.name), now_ms()});
      if (!ins.ok()) st = ins.take_error();
    }
    if (st.ok()) st = db.commit();
    if (!st.ok()) {
      db.rollback();
      Error e = st.take_error();
      e.message = "migration " + std::to_string(m.version) + " (" + m.name + "): " + e.message;
      return e;
    }
  }
  return applied_migration_version(db);
}

}  // namespace nextra::store
