#pragma once
// The control plane's storage seam: narrow, organization-scoped repositories with one
// request/response struct per operation. Implementations: SQLite (embedded default,
// `make_sqlite_store`) and PostgreSQL (`make_postgres_store`); both run the same SQL
// through a small driver (sql_driver.h) and pass the same conformance suite.
//
// Tenancy rule: every method that reads or writes tenant data takes the organization id
// and scopes its query by it. A row of organization B is NotFound to a caller naming
// organization A — the store never reveals that it exists.
//
// Concurrency: every Store is thread-safe. Each call runs in its own transaction; writes
// that touch several rows (a flow update and its version row) commit together or not at all.
// Calls never suspend; they block on the database.
//
// Ids are UUID v4 strings; times are integer milliseconds since the Unix epoch.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace nextra::store {

// ---- accounts -------------------------------------------------------------------------

enum class Role {
  Owner,   // everything, including deleting the organization; at least one must remain
  Admin,   // manages members (except owners), secrets, keys; reads the audit log
  Member,  // reads and writes flows
  Viewer,  // reads only
};
const char* role_name(Role role);
Result<Role> parse_role(std::string_view text);

struct User {
  std::string id;
  std::string email;
  std::string name;
  std::string password_hash;  // argon2id string from the auth layer; empty for SSO-only users
  std::string external_id;    // the identity provider's user id (Clerk "user_..."); may be empty
  std::int64_t created_at_ms = 0;
};
struct CreateUserRequest {
  std::string email;
  std::string name;
  std::string password_hash;
};

// Unset optionals keep their current value.
struct UpdateUserRequest {
  std::string user_id;
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> password_hash;
};
// Identity-provider sync (Clerk webhooks): creates the user with this external id, or updates
// the email and name of the user that already has it. A new user gets an empty password hash.
struct UpsertExternalUserRequest {
  std::string external_id;
  std::string email;
  std::string name;
};
struct UpsertExternalUserResponse {
  User user;
  bool created = false;
};

struct Organization {
  std::string id;
  std::string name;
  std::string plan = "enterprise";  // free / paid / pro / enterprise (decisions.md §5)
  std::int64_t created_at_ms = 0;
};
// Creates the organization and makes `owner_user_id` its owner, in one transaction.
struct CreateOrganizationRequest {
  std::string name;
  std::string owner_user_id;
};
struct OrganizationWithRole {
  Organization organization;
  Role role = Role::Viewer;
};

struct Member {
  std::string user_id;
  std::string email;
  std::string name;
  Role role = Role::Viewer;
  std::int64_t created_at_ms = 0;
};
struct AddMemberRequest {
  std::string org_id;
  std::string user_id;
  Role role = Role::Member;
};
struct ChangeRoleRequest {
  std::string org_id;
  std::string user_id;
  Role role = Role::Member;
};

struct Invitation {
  std::string id;
  std::string org_id;
  std::string email;
  Role role = Role::Member;
  std::string invited_by;  // user id
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  std::optional<std::int64_t> accepted_at_ms;
};
struct CreateInvitationRequest {
  std::string org_id;
  std::string email;
  Role role = Role::Member;
  std::string token_hash;  // hash of the token in the invitation link; the token is not stored
  std::string invited_by;
  std::int64_t expires_at_ms = 0;
};
struct AcceptInvitationRequest {
  std::string token_hash;
  std::string user_id;
  std::int64_t now_ms = 0;
};
struct AcceptInvitationResponse {
  Invitation invitation;  // with accepted_at_ms set
  Member member;
};

// ---- flows and versions ---------------------------------------------------------------

struct Flow {
  std::string id;
  std::string org_id;
  std::string name;
  std::string description;
  std::string organism_yaml;
  std::string canvas_state;          // JSON text, stored verbatim
  std::int64_t version = 0;          // latest saved version; what the next save must expect
  std::optional<std::int64_t> live_version;  // the published version, if any
  bool stopped_by_user = false;      // the runtime refuses webhooks and schedules until started
  std::string created_by;            // user id
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};
// Creates the flow and its version 1.
struct CreateFlowRequest {
  std::string org_id;
  std::string name;
  std::string description;
  std::string organism_yaml;
  std::string canvas_state;
  std::string author_user_id;
  // The plan's limit on the organization's flows, checked in the insert's transaction (the
  // organization's row locked), so concurrent creates cannot both pass it:
  // ResourceExhausted when the organization already has this many.
  std::optional<std::int64_t> max_flows;
};
struct ListFlowsRequest {
  std::string org_id;
  std::string name_contains;  // case-sensitive substring; empty = all
  std::int64_t offset = 0;
  std::int64_t limit = 50;    // 1..1000
};
struct ListFlowsResponse {
  std::vector<Flow> items;  // ordered by updated_at descending, then id
  std::int64_t total = 0;   // matching rows ignoring offset/limit
};
// Saves a new version. Unset optionals keep their current value.
struct UpdateFlowRequest {
  std::string org_id;
  std::string flow_id;
  std::int64_t expected_version = 0;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> organism_yaml;
  std::optional<std::string> canvas_state;
  std::string author_user_id;
  std::string message;  // optional note stored with the version
};

struct FlowVersion {
  std::string flow_id;
  std::int64_t version = 0;
  std::string organism_yaml;
  std::string canvas_state;
  std::string author_user_id;
  std::string message;
  std::int64_t created_at_ms = 0;
};
struct ListFlowVersionsRequest {
  std::string org_id;
  std::string flow_id;
  std::int64_t offset = 0;
  std::int64_t limit = 50;
};
struct ListFlowVersionsResponse {
  std::vector<FlowVersion> items;  // newest first
  std::int64_t total = 0;
};

// A Conflict from update_flow carries the flow's current version in Error::field as
// "current_version:N"; this reads it back (nullopt for any other error).
std::optional<std::int64_t> conflict_current_version(const Error& error);

// ---- secrets, api keys, audit, sessions -----------------------------------------------

// The store keeps ciphertext and nonce only; encryption belongs to the caller.
struct PutSecretRequest {
  std::string org_id;
  std::string name;
  std::string ciphertext;  // arbitrary bytes
  std::string nonce;       // arbitrary bytes
};
struct Secret {
  std::string name;
  std::string ciphertext;
  std::string nonce;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};
struct SecretInfo {
  std::string name;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct CreateApiKeyRequest {
  std::string org_id;
  std::string user_id;
  std::string name;
  std::string prefix;    // the first characters of the key, shown in lists
  std::string key_hash;  // hash of the whole key; the key itself is never stored
};
struct ApiKey {
  std::string id;
  std::string org_id;
  std::string user_id;
  std::string name;
  std::string prefix;
  std::string key_hash;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> last_used_at_ms;
  std::optional<std::int64_t> revoked_at_ms;
};

struct AppendAuditRequest {
  std::string org_id;
  std::string actor_user_id;  // empty for the system
  std::string action;         // e.g. "flow.update"
  std::string target_type;
  std::string target_id;
  std::string remote_addr;
  std::string details;        // JSON text
};
struct AuditEntry {
  std::int64_t seq = 0;  // strictly increasing per database
  std::string org_id;
  std::string actor_user_id;
  std::string action;
  std::string target_type;
  std::string target_id;
  std::string remote_addr;
  std::string details;
  std::int64_t created_at_ms = 0;
};
struct ListAuditRequest {
  std::string org_id;
  std::int64_t offset = 0;
  std::int64_t limit = 50;
};
struct ListAuditResponse {
  std::vector<AuditEntry> items;  // newest first
  std::int64_t total = 0;
};

struct CreateSessionRequest {
  std::string token_hash;  // hash of the cookie value; the token itself is never stored
  std::string user_id;
  std::string csrf_token;
  std::int64_t expires_at_ms = 0;
};
struct Session {
  std::string token_hash;
  std::string user_id;
  std::string csrf_token;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
};

// ---- triggers and executions (the runtime, issue #4) ----------------------------------

struct Trigger {
  std::string id;
  std::string org_id;
  std::string flow_id;
  std::string kind;    // "webhook", "schedule" or "manual"
  std::string name;    // unique per flow
  std::string config;  // JSON text: {"target": listener, "cron", "timezone", "missed", ...}
  std::string token_hash;  // webhooks: hash of the URL token; empty otherwise
  bool enabled = true;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};
// AlreadyExists for a duplicate (flow, name) or token hash; NotFound for a missing flow.
struct CreateTriggerRequest {
  std::string org_id;
  std::string flow_id;
  std::string kind;
  std::string name;
  std::string config;
  std::string token_hash;
  bool enabled = true;
};
// Unset optionals keep their value.
struct UpdateTriggerRequest {
  std::string org_id;
  std::string trigger_id;
  std::optional<std::string> name;
  std::optional<std::string> config;
  std::optional<std::string> token_hash;
  std::optional<bool> enabled;
};

// status: queued, running, success, error, timeout, cancelled. A queued or running execution
// is "open"; the others are final and never change again.
struct ExecutionRecord {
  std::string id;  // the execution's thread UUID
  std::string org_id;
  std::string flow_id;
  std::int64_t flow_version = 0;
  std::string trigger_id;  // empty for runs not started by a trigger
  std::string status;
  std::string input;       // JSON text: {"target", "payloadClass", "payload" (XML)}
  std::string output;      // XML of what the Output listener received; empty if none
  std::string error;
  std::string idempotency_key;
  std::int64_t attempts = 0;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> finished_at_ms;
};
struct CreateExecutionRequest {
  std::string id;  // caller-chosen UUID (the thread id)
  std::string org_id;
  std::string flow_id;
  std::int64_t flow_version = 0;
  std::string trigger_id;
  std::string status = "queued";  // queued or running
  std::string input;
  std::string idempotency_key;    // empty = none
  std::int64_t started_at_ms = 0;
  // Keys older than this are forgotten: a duplicate key older than the window creates a new
  // execution (the old one keeps its record but loses its key).
  std::int64_t idempotency_window_ms = 24LL * 3600 * 1000;
  // Non-empty ("2026-11"): a created execution is also counted in the org's usage for that
  // month, in the same transaction (one write instead of two per trigger). A new execution
  // created as running counts as its first attempt.
  std::string usage_month;
};
struct CreateExecutionResponse {
  ExecutionRecord execution;
  bool created = true;  // false: an execution with this idempotency key exists; it is returned
};
struct FinishExecutionRequest {
  std::string org_id;
  std::string execution_id;
  std::string status;  // success, error, timeout or cancelled
  std::string output;
  std::string error;
  std::int64_t finished_at_ms = 0;
};
struct ListExecutionsRequest {
  std::string org_id;
  std::string flow_id;   // required
  std::string status;    // empty = any
  std::int64_t offset = 0;
  std::int64_t limit = 50;  // 1..1000
};
struct ListExecutionsResponse {
  std::vector<ExecutionRecord> items;  // newest first (started_at desc, then id)
  std::int64_t total = 0;
};
struct ExecutionStep {
  std::string execution_id;
  std::int64_t step_index = 0;  // 0-based, in delivery order
  std::string sender;
  std::string target;
  std::string payload_class;
  std::string payload;  // XML
  std::string status;   // "delivered", "unhandled", "error"
  std::string error;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> finished_at_ms;
};
// One ended execution for record_endings: its steps and how it ended.
struct ExecutionEnding {
  FinishExecutionRequest finish;
  std::vector<ExecutionStep> steps;
  // Set: the execution has no row yet (a synchronous call, recorded only once it ended);
  // it is created, with its usage count, in the same transaction.
  std::optional<CreateExecutionRequest> create;
};

// The record a new execution has as soon as it runs, and the one an ending leaves, as far as
// the request and the ending say (for callers that answer without re-reading the row).
inline ExecutionRecord running_record(const CreateExecutionRequest& req) {
  ExecutionRecord r;
  r.id = req.id;
  r.org_id = req.org_id;
  r.flow_id = req.flow_id;
  r.flow_version = req.flow_version;
  r.trigger_id = req.trigger_id;
  r.status = req.status;
  r.input = req.input;
  r.idempotency_key = req.idempotency_key;
  r.attempts = req.status == "running" ? 1 : 0;
  r.started_at_ms = req.started_at_ms;
  return r;
}
inline ExecutionRecord ended_record(const ExecutionEnding& e) {
  ExecutionRecord r = e.create ? running_record(*e.create) : ExecutionRecord{};
  r.id = e.finish.execution_id;
  r.org_id = e.finish.org_id;
  r.status = e.finish.status;
  r.output = e.finish.output;
  r.error = e.finish.error;
  r.finished_at_ms = e.finish.finished_at_ms;
  return r;
}

struct DailyExecutions {
  std::int64_t day_start_ms = 0;  // 00:00 UTC of the day
  std::int64_t succeeded = 0;
  std::int64_t failed = 0;        // error, timeout or cancelled
  std::int64_t open = 0;          // queued or running
};

struct RetentionRequest {
  std::string org_id;
  std::string flow_id;
  std::int64_t keep_newest = 1000;      // final executions beyond the newest N go
  std::int64_t older_than_ms = 0;       // final executions started before this go (0 = no age rule)
  // At most this many go, the oldest first (0 = all that qualify). A caller with a large
  // backlog calls again until fewer come back, so no one transaction holds the store long.
  std::int64_t max_delete = 0;
};

// ---- LLM usage (issue #5) -----------------------------------------------------------------
// One model call as the gateway saw it (llm::UsageRecord plus where it ran). Written while the
// execution runs, so it is kept apart from the execution's row (which is written when the
// execution ends) and summed when read.
struct LlmCall {
  std::string org_id;
  std::string flow_id;       // empty for calls outside a flow
  std::string execution_id;  // the execution's thread id; empty outside an execution
  std::string agent;         // the listener that called
  std::string model;
  std::string provider;
  std::string backend;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t latency_ms = 0;
  std::optional<std::int64_t> cost_micros;  // nullopt: the model has no price
  std::int64_t attempts = 0;
  bool ok = true;
  std::string error_code;  // when !ok
  std::int64_t started_at_ms = 0;
};
// Sums of calls; `key` is the group (flow id, model, agent or UTC day YYYY-MM-DD).
struct LlmUsageGroup {
  std::string key;
  std::int64_t calls = 0;
  std::int64_t failed_calls = 0;
  std::int64_t unpriced_calls = 0;  // succeeded calls whose model has no price
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cost_micros = 0;
  std::int64_t latency_ms = 0;  // summed
};
struct LlmUsageRequest {
  std::string org_id;
  std::int64_t from_ms = 0;  // calls started in [from_ms, to_ms)
  std::int64_t to_ms = 0;
  std::string flow_id;      // empty = every flow
  std::string group_by;     // "" (one group, key ""), "flow", "model", "agent", "day"
};
// The organization's month as billed: what every call added, and its cap.
struct LlmMonth {
  std::string month;  // YYYY-MM (UTC)
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cost_micros = 0;
  std::optional<std::int64_t> cap_micros;  // nullopt = no cap
};

// ---- the seam -------------------------------------------------------------------------

// Errors common to every method: Unavailable (database unreachable or busy; retry),
// Internal (unexpected database error; the message names it). InvalidArgument for empty
// required fields or out-of-range paging.
// ---- WASM modules (issue #7) ---------------------------------------------------------------
// A module's bytes live in a file named by their SHA-256 (host/module_files.h); the row
// says who may use them.
struct CreateModuleRequest {
  std::string org_id;
  std::string name;
  std::string version;
  std::string sha256;  // hex
  std::int64_t size_bytes = 0;
  std::string content_path;  // relative to the modules directory
  std::string wit;
  std::string exports;  // JSON array
  std::optional<std::string> source;  // AssemblyScript, when built here
  std::string created_by;
  std::optional<std::int64_t> max_modules;  // the plan's limit, as CreateFlowRequest::max_flows
};
struct WasmModule {
  std::string id;
  std::string org_id;
  std::string name;
  std::string version;
  std::string sha256;
  std::int64_t size_bytes = 0;
  std::string content_path;
  std::string wit;
  std::string exports;
  std::optional<std::string> source;
  std::string created_by;
  std::int64_t created_at_ms = 0;
};

// ---- project memory (issue #5) ---------------------------------------------------------
// A flow's key-value memory (`tool:keyvalue`, code blocks' kv imports): opt-in per flow,
// bounded by the flow's byte quota, viewable and deletable through the API, cleared when
// the flow is deleted. Keys and values are UTF-8 text (no NUL).
struct MemoryEntry {
  std::string key;
  std::string value;                          // empty in list_memory answers
  std::int64_t size_bytes = 0;                // key + value bytes: what counts against the quota
  std::optional<std::int64_t> expires_at_ms;  // nullopt: kept until deleted
  std::int64_t updated_at_ms = 0;
};
struct SetMemoryRequest {
  std::string org_id;
  std::string flow_id;
  std::string key;
  std::string value;
  std::optional<std::int64_t> expires_at_ms;  // nullopt: kept until deleted
  // The flow's quota: the bytes of its live keys and values after the write. A write that
  // would pass it and grows the flow's memory fails with ResourceExhausted. 0 = no quota.
  std::int64_t max_bytes = 0;
  std::int64_t now_ms = 0;  // keys expired at this time read as absent and do not count
};
struct SetMemoryResponse {
  bool replaced = false;        // the key had a live value before
  std::int64_t used_bytes = 0;  // the flow's live bytes after the write
};
struct ListMemoryRequest {
  std::string org_id;
  std::string flow_id;
  std::int64_t offset = 0;
  std::int64_t limit = 50;  // 1..1000
  std::int64_t now_ms = 0;
};
struct ListMemoryResponse {
  std::vector<MemoryEntry> items;  // live keys ordered by key, values left out
  std::int64_t total = 0;          // live keys ignoring offset/limit
  std::int64_t used_bytes = 0;     // the flow's live bytes
};

class Store {
 public:
  virtual ~Store() = default;
  // The highest applied migration version, for /readyz. Also proves the database answers.
  virtual Result<std::int64_t> schema_version() = 0;

  // Users are global (not org-scoped); the email is unique. AlreadyExists for a taken email.
  virtual Result<User> create_user(const CreateUserRequest& req) = 0;
  virtual Result<User> get_user(const std::string& user_id) = 0;            // NotFound
  virtual Result<User> get_user_by_email(const std::string& email) = 0;     // NotFound
  virtual Result<User> get_user_by_external_id(const std::string& external_id) = 0;  // NotFound
  // NotFound for an unknown user; AlreadyExists when the new email is taken.
  virtual Result<User> update_user(const UpdateUserRequest& req) = 0;
  // AlreadyExists when the email belongs to a different user.
  virtual Result<UpsertExternalUserResponse> upsert_external_user(
      const UpsertExternalUserRequest& req) = 0;
  // Deletes the user, their memberships, sessions and API keys (audit rows stay). NotFound if
  // absent.
  virtual Status delete_user(const std::string& user_id) = 0;
  // How many users exist (first-start detection).
  virtual Result<std::int64_t> count_users() = 0;

  // NotFound if the owner user does not exist.
  virtual Result<Organization> create_organization(const CreateOrganizationRequest& req) = 0;
  // NotFound if absent. Callers check membership (get_role) before revealing it.
  virtual Result<Organization> get_organization(const std::string& org_id) = 0;
  // Sets the tier (free / paid / pro / enterprise; InvalidArgument otherwise). NotFound if absent.
  virtual Result<Organization> set_plan(const std::string& org_id, const std::string& plan) = 0;
  // The user's organizations with the user's role in each, ordered by name.
  virtual Result<std::vector<OrganizationWithRole>> list_organizations_for_user(
      const std::string& user_id) = 0;

  // AlreadyExists if already a member; NotFound if the user or org does not exist.
  virtual Result<Member> add_member(const AddMemberRequest& req) = 0;
  virtual Result<std::vector<Member>> list_members(const std::string& org_id) = 0;
  // The caller's role in the org; NotFound if not a member.
  virtual Result<Role> get_role(const std::string& org_id, const std::string& user_id) = 0;
  // Conflict when it would demote the last owner; NotFound if not a member.
  virtual Result<Member> change_role(const ChangeRoleRequest& req) = 0;
  // Conflict when it would remove the last owner; NotFound if not a member.
  virtual Status remove_member(const std::string& org_id, const std::string& user_id) = 0;

  // NotFound if the org does not exist.
  virtual Result<Invitation> create_invitation(const CreateInvitationRequest& req) = 0;
  // Pending (not accepted, not expired at now_ms) invitations, newest first.
  virtual Result<std::vector<Invitation>> list_invitations(const std::string& org_id,
                                                           std::int64_t now_ms) = 0;
  // In one transaction: finds the pending invitation by token hash, adds the user as a member
  // with the invitation's role and marks it accepted. NotFound for an unknown, expired or
  // already accepted token; AlreadyExists if the user is already a member (nothing changes).
  virtual Result<AcceptInvitationResponse> accept_invitation(
      const AcceptInvitationRequest& req) = 0;

  // Live (not deleted) flows of the org, for tier limits.
  virtual Result<std::int64_t> count_flows(const std::string& org_id) = 0;
  virtual Result<Flow> create_flow(const CreateFlowRequest& req) = 0;
  virtual Result<Flow> get_flow(const std::string& org_id, const std::string& flow_id) = 0;
  // The organization of a live flow, for process-level callers given only a flow id
  // (`nextra pump --flow ID`, run by the operator or the orchestrator). NotFound.
  virtual Result<std::string> flow_org(const std::string& flow_id) = 0;
  virtual Result<ListFlowsResponse> list_flows(const ListFlowsRequest& req) = 0;
  // Appends version expected_version+1 and updates the flow, atomically. Conflict (see
  // conflict_current_version) if the flow's version is not expected_version; nothing is
  // written then. NotFound for a missing, deleted or foreign flow.
  virtual Result<Flow> update_flow(const UpdateFlowRequest& req) = 0;
  // Soft delete: the flow disappears from get/list/update; its versions are kept for
  // executions that reference them. NotFound if missing or already deleted.
  virtual Status delete_flow(const std::string& org_id, const std::string& flow_id) = 0;

  virtual Result<FlowVersion> get_flow_version(const std::string& org_id,
                                               const std::string& flow_id,
                                               std::int64_t version) = 0;
  virtual Result<ListFlowVersionsResponse> list_flow_versions(
      const ListFlowVersionsRequest& req) = 0;
  // Records that the user stopped (true) or started (false) the flow; survives restarts.
  virtual Result<Flow> set_stopped_by_user(const std::string& org_id, const std::string& flow_id,
                                           bool stopped) = 0;
  // Points the flow's live (published) version at an existing version. NotFound if absent.
  virtual Result<Flow> set_live_version(const std::string& org_id, const std::string& flow_id,
                                        std::int64_t version) = 0;

  // Creates or replaces the named secret.
  virtual Result<SecretInfo> put_secret(const PutSecretRequest& req) = 0;
  virtual Result<Secret> get_secret(const std::string& org_id, const std::string& name) = 0;
  virtual Result<std::vector<SecretInfo>> list_secrets(const std::string& org_id) = 0;  // by name
  virtual Status delete_secret(const std::string& org_id, const std::string& name) = 0;

  // AlreadyExists if the hash is already stored.
  virtual Result<ApiKey> create_api_key(const CreateApiKeyRequest& req) = 0;
  virtual Result<std::vector<ApiKey>> list_api_keys(const std::string& org_id) = 0;
  // NotFound if missing, foreign or already revoked.
  virtual Status revoke_api_key(const std::string& org_id, const std::string& key_id) = 0;
  // Authentication lookup (the hash decides the org). NotFound if unknown or revoked.
  virtual Result<ApiKey> find_api_key_by_hash(const std::string& key_hash) = 0;
  virtual Status touch_api_key(const std::string& org_id, const std::string& key_id,
                               std::int64_t now_ms) = 0;

  virtual Result<AuditEntry> append_audit(const AppendAuditRequest& req) = 0;
  virtual Result<ListAuditResponse> list_audit(const ListAuditRequest& req) = 0;

  // AlreadyExists for a duplicate token hash; NotFound for an unknown user.
  virtual Result<Session> create_session(const CreateSessionRequest& req) = 0;
  // NotFound if unknown or expired at `now_ms`.
  virtual Result<Session> get_session(const std::string& token_hash, std::int64_t now_ms) = 0;
  virtual Status delete_session(const std::string& token_hash) = 0;  // idempotent
  // Removes sessions expired at `now_ms`; returns how many.
  virtual Result<std::int64_t> delete_expired_sessions(std::int64_t now_ms) = 0;

  // ---- triggers (issue #4)
  virtual Result<Trigger> create_trigger(const CreateTriggerRequest& req) = 0;
  virtual Result<Trigger> get_trigger(const std::string& org_id, const std::string& trigger_id) = 0;
  virtual Result<std::vector<Trigger>> list_triggers(const std::string& org_id,
                                                     const std::string& flow_id) = 0;  // by name
  virtual Result<Trigger> update_trigger(const UpdateTriggerRequest& req) = 0;
  virtual Status delete_trigger(const std::string& org_id, const std::string& trigger_id) = 0;
  // Webhook ingress: the flow id from the URL plus the token's hash; NotFound for any
  // mismatch (a wrong token and a missing flow look the same). Not org-scoped: the trigger
  // names its org.
  virtual Result<Trigger> find_webhook_trigger(const std::string& flow_id,
                                               const std::string& token_hash) = 0;
  // Every enabled schedule trigger of live (not deleted) flows, for the scheduler.
  virtual Result<std::vector<Trigger>> list_schedule_triggers() = 0;
  // Claims one schedule slot: true for exactly one caller per (trigger, slot) across every
  // process sharing the database; false if already claimed.
  virtual Result<bool> claim_schedule_slot(const std::string& trigger_id,
                                           std::int64_t slot_ms) = 0;

  // ---- executions (issue #4)
  // Idempotent on (org, flow, idempotency_key) within the window; see CreateExecutionRequest.
  virtual Result<CreateExecutionResponse> create_execution(const CreateExecutionRequest& req) = 0;
  // queued -> running; attempts += 1. Conflict if the execution is not queued.
  virtual Result<ExecutionRecord> start_execution(const std::string& org_id,
                                                  const std::string& execution_id,
                                                  std::int64_t now_ms) = 0;
  // Only an open execution can finish; Conflict if it is already final (its first ending
  // wins: a cancel racing a success keeps whichever committed first).
  virtual Result<ExecutionRecord> finish_execution(const FinishExecutionRequest& req) = 0;
  // Group commit for the runtime's record writer: appends the steps and finishes each
  // execution, all in one transaction. An execution that already ended keeps its first ending
  // (not an error here); its steps are still appended; one that no longer exists is skipped.
  // Returns the records as they now are, in order.
  virtual Result<std::vector<ExecutionRecord>> record_endings(const std::vector<ExecutionEnding>& endings) = 0;
  virtual Result<ExecutionRecord> get_execution(const std::string& org_id,
                                                const std::string& execution_id) = 0;
  virtual Result<ListExecutionsResponse> list_executions(const ListExecutionsRequest& req) = 0;
  // Open executions of every org, oldest first: what a restarted runtime must resume.
  virtual Result<std::vector<ExecutionRecord>> list_open_executions(std::int64_t limit) = 0;
  // Appends steps (one transaction). NotFound if the execution is missing or foreign.
  virtual Status append_execution_steps(const std::string& org_id,
                                        const std::vector<ExecutionStep>& steps) = 0;
  virtual Result<std::vector<ExecutionStep>> list_execution_steps(
      const std::string& org_id, const std::string& execution_id) = 0;  // by step_index
  // Deletes final executions (and their steps) by the retention rules; returns how many.
  virtual Result<std::int64_t> prune_executions(const RetentionRequest& req) = 0;
  // Adds one to the org's executions in `month` ("2026-11") atomically; returns the new count.
  virtual Result<std::int64_t> count_execution(const std::string& org_id,
                                               const std::string& month) = 0;
  virtual Result<std::int64_t> executions_in_month(const std::string& org_id,
                                                   const std::string& month) = 0;
  // The org's executions per UTC day since `since_ms` (only days that had any), oldest first.
  virtual Result<std::vector<DailyExecutions>> executions_per_day(const std::string& org_id,
                                                                  std::int64_t since_ms) = 0;

  // LLM usage. record_llm_calls writes the calls and adds their tokens and cost to each
  // organization's month (UTC month of started_at) in one transaction; NotFound for an
  // unknown organization. Reads are scoped to `org_id`.
  virtual Status record_llm_calls(const std::vector<LlmCall>& calls) = 0;
  virtual Result<std::vector<LlmUsageGroup>> llm_usage(const LlmUsageRequest& req) = 0;
  // An execution's calls, oldest first (at most 1,000).
  virtual Result<std::vector<LlmCall>> list_llm_calls(const std::string& org_id, const std::string& execution_id) = 0;
  virtual Result<LlmMonth> llm_month(const std::string& org_id, const std::string& month) = 0;
  // The monthly spend cap in micro-dollars; nullopt removes it. NotFound for an unknown org.
  virtual Status set_llm_cap(const std::string& org_id, std::optional<std::int64_t> cap_micros) = 0;

  // WASM modules, every call scoped to its organization. AlreadyExists for a taken
  // (name, version); NotFound for another organization's module.
  virtual Result<WasmModule> create_module(const CreateModuleRequest& req) = 0;
  virtual Result<WasmModule> get_module(const std::string& org_id, const std::string& module_id) = 0;
  // By id, or by name (its newest version). NotFound when neither matches.
  virtual Result<WasmModule> find_module(const std::string& org_id, const std::string& id_or_name) = 0;
  virtual Result<std::vector<WasmModule>> list_modules(const std::string& org_id) = 0;  // by name, newest first
  virtual Status delete_module(const std::string& org_id, const std::string& module_id) = 0;
  virtual Result<std::int64_t> count_modules(const std::string& org_id) = 0;
  // Rows in any organization that use these bytes (a file is deleted when none does).
  virtual Result<std::int64_t> count_module_uses(const std::string& sha256) = 0;

  // ---- project memory (issue #5) -------------------------------------------------------
  // Every call names the organization and the flow: a missing, deleted or foreign flow is
  // NotFound, so one flow never reads another's keys. Keys expired at `now_ms` read as
  // absent. InvalidArgument: an empty key, a NUL byte in a key or value, bad paging.
  //
  // The key's live value, or nullopt when it is absent or expired.
  virtual Result<std::optional<MemoryEntry>> get_memory(const std::string& org_id, const std::string& flow_id,
                                                        const std::string& key, std::int64_t now_ms) = 0;
  // Creates or replaces the key. The quota check and the write are one transaction (writers
  // of one flow are serialised), so concurrent writes never pass max_bytes together.
  // ResourceExhausted: the flow's memory would pass max_bytes (nothing is written).
  virtual Result<SetMemoryResponse> set_memory(const SetMemoryRequest& req) = 0;
  // Removes the key; true when it had a live value (an absent key is not an error).
  virtual Result<bool> delete_memory(const std::string& org_id, const std::string& flow_id,
                                     const std::string& key, std::int64_t now_ms) = 0;
  virtual Result<ListMemoryResponse> list_memory(const ListMemoryRequest& req) = 0;
  // Removes every key of the flow; returns how many rows went. delete_flow does the same in
  // its own transaction.
  virtual Result<std::int64_t> clear_memory(const std::string& org_id, const std::string& flow_id) = 0;
};

// Opens (creating if needed) the SQLite database at `path` and applies pending migrations.
Result<std::unique_ptr<Store>> make_sqlite_store(const std::string& path);

// Connects to PostgreSQL (`postgresql://user@host:port/db`) and applies pending migrations.
Result<std::unique_ptr<Store>> make_postgres_store(const std::string& url);

}  // namespace nextra::store
