#include "store/sql_store.h"

#include <condition_variable>
#include <mutex>
#include <utility>

#include "core/uuid.h"
#include "store/migrations.h"
#include "store/sql_store_internal.h"
#include "store/sql_store_memory.h"

namespace nextra::store {
namespace {

using sql::check_paging;
using sql::col;
using sql::col_i64;
using sql::col_opt_i64;
using sql::kUserCols;
using sql::member_from;
using sql::not_found;
using sql::now_ms;
using sql::opt_text;
using sql::Params;
using sql::require;
using sql::Rows;
using sql::user_from;

// Secrets are arbitrary bytes, but PostgreSQL TEXT cannot hold NUL and BYTEA binding differs
// per driver; hex in TEXT is portable and the values are small.
std::string to_hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}
std::string from_hex(const std::string& hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return out;
}

constexpr const char* kFlowCols =
    "id, org_id, name, description, organism_yaml, canvas_state, version, live_version, "
    "created_by, created_at, updated_at, run_intent";
Flow flow_from(const SqlRow& r) {
  Flow f;
  f.id = col(r, 0);
  f.org_id = col(r, 1);
  f.name = col(r, 2);
  f.description = col(r, 3);
  f.organism_yaml = col(r, 4);
  f.canvas_state = col(r, 5);
  f.version = col_i64(r, 6);
  f.live_version = col_opt_i64(r, 7);
  f.created_by = col(r, 8);
  f.created_at_ms = col_i64(r, 9);
  f.updated_at_ms = col_i64(r, 10);
  f.stopped_by_user = col(r, 11) == "stopped";
  return f;
}

constexpr const char* kVersionCols =
    "flow_id, version, organism_yaml, canvas_state, author_user_id, message, created_at";
FlowVersion version_from(const SqlRow& r) {
  return {col(r, 0), col_i64(r, 1), col(r, 2), col(r, 3), col(r, 4), col(r, 5), col_i64(r, 6)};
}

constexpr const char* kKeyCols =
    "id, org_id, user_id, name, prefix, key_hash, created_at, last_used_at, revoked_at";
ApiKey key_from(const SqlRow& r) {
  return {col(r, 0), col(r, 1), col(r, 2), col(r, 3), col(r, 4), col(r, 5), col_i64(r, 6),
          col_opt_i64(r, 7), col_opt_i64(r, 8)};
}

constexpr const char* kAuditCols =
    "seq, org_id, actor_user_id, action, target_type, target_id, remote_addr, details, created_at";
AuditEntry audit_from(const SqlRow& r) {
  return {col_i64(r, 0), col(r, 1), col(r, 2), col(r, 3), col(r, 4),
          col(r, 5),     col(r, 6), col(r, 7), col_i64(r, 8)};
}


class SqlStore final : public Store {
  // One connection and the helpers bound to it; used by one transaction at a time.
  struct Connection {
    explicit Connection(std::unique_ptr<SqlDriver> d)
        : db(std::move(d)), accounts(*db), runtime(*db), modules(*db), usage(*db) {}
    std::unique_ptr<SqlDriver> db;
    sql::SqlAccounts accounts;
    sql::SqlRuntime runtime;
    sql::SqlModules modules;
    sql::SqlUsage usage;
  };

 public:
  SqlStore(std::unique_ptr<SqlDriver> first, DriverFactory more, std::size_t max_connections)
      : dialect_(first->dialect()),
        more_(std::move(more)),
        max_connections_(more_ ? std::max<std::size_t>(1, max_connections) : 1) {
    sessions_.push_back(std::make_unique<Connection>(std::move(first)));
    free_.push_back(sessions_.back().get());
  }

  Result<std::int64_t> schema_version() override {
    return tx([&]() { return applied_migration_version(*db()); });
  }

  // ---- users and organizations ----

  Result<User> create_user(const CreateUserRequest& req) override {
    NEXTRA_TRY(require(req.email, "email"));
    return tx([&]() -> Result<User> {
      std::int64_t now = now_ms();
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q(std::string("INSERT INTO users (id, email, name, password_hash, created_at, "
                                   "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ") + kUserCols,
                       {new_uuid_v4(), req.email, req.name, req.password_hash, now, now}));
      return user_from(rows.at(0));
    });
  }

  Result<User> get_user(const std::string& user_id) override {
    return one<User>(std::string("SELECT ") + kUserCols + " FROM users WHERE id = ?", {user_id},
                     user_from, "user");
  }

  Result<User> get_user_by_email(const std::string& email) override {
    return one<User>(std::string("SELECT ") + kUserCols + " FROM users WHERE email = ?", {email},
                     user_from, "user");
  }

  Result<User> get_user_by_external_id(const std::string& external_id) override {
    NEXTRA_TRY(require(external_id, "external_id"));
    return one<User>(std::string("SELECT ") + kUserCols + " FROM users WHERE external_id = ?",
                     {external_id}, user_from, "user");
  }

  Result<User> update_user(const UpdateUserRequest& req) override {
    return tx([&]() { return accounts().update_user(req); });
  }

  Result<UpsertExternalUserResponse> upsert_external_user(
      const UpsertExternalUserRequest& req) override {
    return tx([&]() { return accounts().upsert_external_user(req); });
  }

  Status delete_user(const std::string& user_id) override {
    return tx([&]() { return accounts().delete_user(user_id); });
  }

  Result<std::int64_t> count_users() override {
    return tx([&]() { return accounts().count_users(); });
  }

  Result<Organization> create_organization(const CreateOrganizationRequest& req) override {
    NEXTRA_TRY(require(req.owner_user_id, "owner_user_id"));
    return tx([&]() -> Result<Organization> {
      Organization org{new_uuid_v4(), req.name, "enterprise", now_ms()};
      NEXTRA_TRY(q("INSERT INTO organizations (id, name, plan, created_at) VALUES (?, ?, ?, ?)",
                   {org.id, org.name, org.plan, org.created_at_ms}));
      NEXTRA_TRY(q("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                   {org.id, req.owner_user_id, std::string("owner"), org.created_at_ms}));
      return org;
    });
  }

  Result<Organization> get_organization(const std::string& org_id) override {
    return one<Organization>(
        "SELECT id, name, plan, created_at FROM organizations WHERE id = ?", {org_id},
        [](const SqlRow& r) { return Organization{col(r, 0), col(r, 1), col(r, 2), col_i64(r, 3)}; },
        "organization");
  }

  Result<Organization> set_plan(const std::string& org_id, const std::string& plan) override {
    return tx([&]() { return accounts().set_plan(org_id, plan); });
  }

  Result<std::vector<OrganizationWithRole>> list_organizations_for_user(
      const std::string& user_id) override {
    return tx([&]() -> Result<std::vector<OrganizationWithRole>> {
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q("SELECT o.id, o.name, o.plan, o.created_at, m.role FROM organizations o "
                       "JOIN memberships m ON m.org_id = o.id WHERE m.user_id = ? "
                       "ORDER BY o.name, o.id",
                       {user_id}));
      std::vector<OrganizationWithRole> out;
      for (const SqlRow& r : rows) {
        NEXTRA_ASSIGN_OR_RETURN(Role role, parse_role(col(r, 4)));
        out.push_back({{col(r, 0), col(r, 1), col(r, 2), col_i64(r, 3)}, role});
      }
      return out;
    });
  }

  // ---- memberships ----

  Result<Member> add_member(const AddMemberRequest& req) override {
    return tx([&]() -> Result<Member> {
      NEXTRA_TRY(q("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                   {req.org_id, req.user_id, std::string(role_name(req.role)), now_ms()}));
      return member_locked(req.org_id, req.user_id);
    });
  }

  Result<std::vector<Member>> list_members(const std::string& org_id) override {
    return tx([&]() -> Result<std::vector<Member>> {
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q("SELECT u.id, u.email, u.name, m.role, m.created_at FROM memberships m "
                       "JOIN users u ON u.id = m.user_id WHERE m.org_id = ? "
                       "ORDER BY m.created_at, u.id",
                       {org_id}));
      std::vector<Member> out;
      for (const SqlRow& r : rows) {
        NEXTRA_ASSIGN_OR_RETURN(Member m, member_from(r));
        out.push_back(std::move(m));
      }
      return out;
    });
  }

  Result<Role> get_role(const std::string& org_id, const std::string& user_id) override {
    return tx([&]() -> Result<Role> {
      NEXTRA_ASSIGN_OR_RETURN(Member m, member_locked(org_id, user_id));
      return m.role;
    });
  }

  Result<Member> change_role(const ChangeRoleRequest& req) override {
    return tx([&]() -> Result<Member> {
      NEXTRA_TRY(guard_last_owner(req.org_id, req.user_id, req.role == Role::Owner));
      NEXTRA_TRY(q("UPDATE memberships SET role = ? WHERE org_id = ? AND user_id = ?",
                   {std::string(role_name(req.role)), req.org_id, req.user_id}));
      return member_locked(req.org_id, req.user_id);
    });
  }

  Status remove_member(const std::string& org_id, const std::string& user_id) override {
    return tx([&]() -> Status {
      NEXTRA_TRY(guard_last_owner(org_id, user_id, false));
      NEXTRA_TRY(q("DELETE FROM memberships WHERE org_id = ? AND user_id = ?", {org_id, user_id}));
      return {};
    });
  }

  // ---- invitations ----

  Result<Invitation> create_invitation(const CreateInvitationRequest& req) override {
    return tx([&]() { return accounts().create_invitation(req); });
  }

  Result<std::vector<Invitation>> list_invitations(const std::string& org_id,
                                                   std::int64_t now) override {
    return tx([&]() { return accounts().list_invitations(org_id, now); });
  }

  Result<AcceptInvitationResponse> accept_invitation(const AcceptInvitationRequest& req) override {
    return tx([&]() { return accounts().accept_invitation(req); });
  }

  // ---- flows ----

  Result<std::int64_t> count_flows(const std::string& org_id) override {
    return tx([&]() -> Result<std::int64_t> {
      NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("SELECT COUNT(*) FROM flows WHERE org_id = ? "
                                           "AND deleted_at IS NULL",
                                           {org_id}));
      return col_i64(rows.at(0), 0);
    });
  }

  Result<Flow> create_flow(const CreateFlowRequest& req) override {
    NEXTRA_TRY(require(req.org_id, "org_id"));
    NEXTRA_TRY(require(req.name, "name"));
    return tx([&]() -> Result<Flow> {
      NEXTRA_TRY(sql::check_plan_limit(*db(), req.org_id, req.max_flows,
                                  "SELECT COUNT(*) FROM flows WHERE org_id = ? AND deleted_at IS NULL", "flows"));
      std::int64_t now = now_ms();
      std::string id = new_uuid_v4();
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows,
          q(std::string("INSERT INTO flows (id, org_id, name, description, organism_yaml, "
                        "canvas_state, version, created_by, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING ") + kFlowCols,
            {id, req.org_id, req.name, req.description, req.organism_yaml, req.canvas_state,
             req.author_user_id, now, now}));
      Flow flow = flow_from(rows.at(0));
      NEXTRA_TRY(insert_version(flow, req.author_user_id, "created", now));
      return flow;
    });
  }

  Result<Flow> get_flow(const std::string& org_id, const std::string& flow_id) override {
    return one<Flow>(std::string("SELECT ") + kFlowCols +
                         " FROM flows WHERE org_id = ? AND id = ? AND deleted_at IS NULL",
                     {org_id, flow_id}, flow_from, "flow");
  }

  Result<std::string> flow_org(const std::string& flow_id) override {
    NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("SELECT org_id FROM flows WHERE id = ? AND deleted_at IS NULL", {flow_id}));
    if (rows.empty()) return not_found("flow");
    return col(rows[0], 0);
  }

  Result<ListFlowsResponse> list_flows(const ListFlowsRequest& req) override {
    NEXTRA_TRY(check_paging(req.offset, req.limit));
    // A substring test that treats % and _ literally (LIKE would not); the function is
    // spelled differently per dialect.
    std::string where = "org_id = ? AND deleted_at IS NULL";
    Params params{req.org_id};
    if (!req.name_contains.empty()) {
      where += dialect_ == Dialect::Sqlite ? " AND instr(name, ?) > 0"
                                                 : " AND strpos(name, ?) > 0";
      params.emplace_back(req.name_contains);
    }
    return tx([&]() -> Result<ListFlowsResponse> {
      ListFlowsResponse out;
      NEXTRA_ASSIGN_OR_RETURN(Rows count, q("SELECT COUNT(*) FROM flows WHERE " + where, params));
      out.total = col_i64(count.at(0), 0);
      Params page = params;
      page.emplace_back(req.limit);
      page.emplace_back(req.offset);
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q(std::string("SELECT ") + kFlowCols + " FROM flows WHERE " + where +
                           " ORDER BY updated_at DESC, id LIMIT ? OFFSET ?",
                       page));
      for (const SqlRow& r : rows) out.items.push_back(flow_from(r));
      return out;
    });
  }

  Result<Flow> update_flow(const UpdateFlowRequest& req) override {
    return tx([&]() -> Result<Flow> {
      std::int64_t now = now_ms();
      // The version check and the bump are one statement, so two writers holding the same
      // expected_version cannot both pass it, even from different processes.
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows,
          q(std::string("UPDATE flows SET name = COALESCE(?, name), "
                        "description = COALESCE(?, description), "
                        "organism_yaml = COALESCE(?, organism_yaml), "
                        "canvas_state = COALESCE(?, canvas_state), version = version + 1, "
                        "updated_at = ? WHERE org_id = ? AND id = ? AND version = ? "
                        "AND deleted_at IS NULL RETURNING ") + kFlowCols,
            {opt_text(req.name), opt_text(req.description), opt_text(req.organism_yaml),
             opt_text(req.canvas_state), now, req.org_id, req.flow_id, req.expected_version}));
      if (rows.empty()) {
        NEXTRA_ASSIGN_OR_RETURN(
            Rows cur, q("SELECT version FROM flows WHERE org_id = ? AND id = ? AND deleted_at IS NULL",
                        {req.org_id, req.flow_id}));
        if (cur.empty()) return not_found("flow");
        std::int64_t current = col_i64(cur[0], 0);
        Error e = Error::make(ErrorCode::Conflict,
                              "flow was changed: expected version " +
                                  std::to_string(req.expected_version) + ", current version " +
                                  std::to_string(current));
        e.field = "current_version:" + std::to_string(current);
        return e;
      }
      Flow flow = flow_from(rows[0]);
      NEXTRA_TRY(insert_version(flow, req.author_user_id, req.message, now));
      return flow;
    });
  }

  Status delete_flow(const std::string& org_id, const std::string& flow_id) override {
    return tx([&]() -> Status {
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q("UPDATE flows SET deleted_at = ? WHERE org_id = ? AND id = ? "
                       "AND deleted_at IS NULL RETURNING id",
                       {now_ms(), org_id, flow_id}));
      if (rows.empty()) return not_found("flow");
      // decisions.md: a flow's project memory is cleared when the flow is deleted.
      NEXTRA_TRY(sql::SqlMemory(*db()).clear(org_id, flow_id, false));
      return {};
    });
  }

  Result<FlowVersion> get_flow_version(const std::string& org_id, const std::string& flow_id,
                                       std::int64_t version) override {
    return one<FlowVersion>(std::string("SELECT ") + kVersionCols +
                                " FROM flow_versions v WHERE org_id = ? AND flow_id = ? AND "
                                "version = ? AND " + kFlowAlive,
                            {org_id, flow_id, version}, version_from, "flow version");
  }

  Result<ListFlowVersionsResponse> list_flow_versions(const ListFlowVersionsRequest& req) override {
    NEXTRA_TRY(check_paging(req.offset, req.limit));
    return tx([&]() -> Result<ListFlowVersionsResponse> {
      ListFlowVersionsResponse out;
      std::string where = std::string(" FROM flow_versions v WHERE org_id = ? AND flow_id = ? AND ") +
                          kFlowAlive;
      NEXTRA_ASSIGN_OR_RETURN(Rows count, q("SELECT COUNT(*)" + where, {req.org_id, req.flow_id}));
      out.total = col_i64(count.at(0), 0);
      if (out.total == 0) return not_found("flow");
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q(std::string("SELECT ") + kVersionCols + where +
                           " ORDER BY version DESC LIMIT ? OFFSET ?",
                       {req.org_id, req.flow_id, req.limit, req.offset}));
      for (const SqlRow& r : rows) out.items.push_back(version_from(r));
      return out;
    });
  }

  Result<Flow> set_stopped_by_user(const std::string& org_id, const std::string& flow_id, bool stopped) override {
    return tx([&]() -> Result<Flow> {
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q(std::string("UPDATE flows SET run_intent = ? WHERE org_id = ? AND id = ? "
                                   "AND deleted_at IS NULL RETURNING ") + kFlowCols,
                       {std::string(stopped ? "stopped" : "auto"), org_id, flow_id}));
      if (rows.empty()) return not_found("flow");
      return flow_from(rows[0]);
    });
  }

  Result<Flow> set_live_version(const std::string& org_id, const std::string& flow_id,
                                std::int64_t version) override {
    return tx([&]() -> Result<Flow> {
      NEXTRA_ASSIGN_OR_RETURN(
          Rows exists, q("SELECT 1 FROM flow_versions WHERE org_id = ? AND flow_id = ? AND version = ?",
                         {org_id, flow_id, version}));
      if (exists.empty()) return not_found("flow version");
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q(std::string("UPDATE flows SET live_version = ? WHERE org_id = ? AND id = ? "
                                   "AND deleted_at IS NULL RETURNING ") + kFlowCols,
                       {version, org_id, flow_id}));
      if (rows.empty()) return not_found("flow");
      return flow_from(rows[0]);
    });
  }

  // ---- secrets ----

  Result<SecretInfo> put_secret(const PutSecretRequest& req) override {
    NEXTRA_TRY(require(req.org_id, "org_id"));
    NEXTRA_TRY(require(req.name, "name"));
    return tx([&]() -> Result<SecretInfo> {
      std::int64_t now = now_ms();
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows,
          q("INSERT INTO secrets (org_id, name, ciphertext_hex, nonce_hex, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, name) DO UPDATE SET "
            "ciphertext_hex = excluded.ciphertext_hex, nonce_hex = excluded.nonce_hex, "
            "updated_at = excluded.updated_at RETURNING name, created_at, updated_at",
            {req.org_id, req.name, to_hex(req.ciphertext), to_hex(req.nonce), now, now}));
      const SqlRow& r = rows.at(0);
      return SecretInfo{col(r, 0), col_i64(r, 1), col_i64(r, 2)};
    });
  }

  Result<Secret> get_secret(const std::string& org_id, const std::string& name) override {
    return one<Secret>(
        "SELECT name, ciphertext_hex, nonce_hex, created_at, updated_at FROM secrets "
        "WHERE org_id = ? AND name = ?",
        {org_id, name},
        [](const SqlRow& r) {
          return Secret{col(r, 0), from_hex(col(r, 1)), from_hex(col(r, 2)), col_i64(r, 3),
                        col_i64(r, 4)};
        },
        "secret");
  }

  Result<std::vector<SecretInfo>> list_secrets(const std::string& org_id) override {
    return tx([&]() -> Result<std::vector<SecretInfo>> {
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q("SELECT name, created_at, updated_at FROM secrets WHERE org_id = ? "
                       "ORDER BY name",
                       {org_id}));
      std::vector<SecretInfo> out;
      for (const SqlRow& r : rows) out.push_back({col(r, 0), col_i64(r, 1), col_i64(r, 2)});
      return out;
    });
  }

  Status delete_secret(const std::string& org_id, const std::string& name) override {
    return write_one("DELETE FROM secrets WHERE org_id = ? AND name = ? RETURNING name",
                      {org_id, name}, "secret");
  }

  // ---- api keys ----

  Result<ApiKey> create_api_key(const CreateApiKeyRequest& req) override {
    NEXTRA_TRY(require(req.key_hash, "key_hash"));
    return tx([&]() -> Result<ApiKey> {
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows,
          q(std::string("INSERT INTO api_keys (id, org_id, user_id, name, prefix, key_hash, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ") + kKeyCols,
            {new_uuid_v4(), req.org_id, req.user_id, req.name, req.prefix, req.key_hash, now_ms()}));
      return key_from(rows.at(0));
    });
  }

  Result<std::vector<ApiKey>> list_api_keys(const std::string& org_id) override {
    return tx([&]() -> Result<std::vector<ApiKey>> {
      NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(std::string("SELECT ") + kKeyCols +
                                               " FROM api_keys WHERE org_id = ? ORDER BY created_at, id",
                                           {org_id}));
      std::vector<ApiKey> out;
      for (const SqlRow& r : rows) out.push_back(key_from(r));
      return out;
    });
  }

  Status revoke_api_key(const std::string& org_id, const std::string& key_id) override {
    return write_one("UPDATE api_keys SET revoked_at = ? WHERE org_id = ? AND id = ? "
                      "AND revoked_at IS NULL RETURNING id",
                      {now_ms(), org_id, key_id}, "api key");
  }

  Result<ApiKey> find_api_key_by_hash(const std::string& key_hash) override {
    return one<ApiKey>(std::string("SELECT ") + kKeyCols +
                           " FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                       {key_hash}, key_from, "api key");
  }

  Status touch_api_key(const std::string& org_id, const std::string& key_id,
                       std::int64_t now) override {
    return write_one("UPDATE api_keys SET last_used_at = ? WHERE org_id = ? AND id = ? RETURNING id",
                      {now, org_id, key_id}, "api key");
  }

  // ---- audit ----

  Result<AuditEntry> append_audit(const AppendAuditRequest& req) override {
    NEXTRA_TRY(require(req.org_id, "org_id"));
    NEXTRA_TRY(require(req.action, "action"));
    return tx([&]() -> Result<AuditEntry> {
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows,
          q(std::string("INSERT INTO audit_log (org_id, actor_user_id, action, target_type, "
                        "target_id, remote_addr, details, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ") + kAuditCols,
            {req.org_id, req.actor_user_id, req.action, req.target_type, req.target_id,
             req.remote_addr, req.details, now_ms()}));
      return audit_from(rows.at(0));
    });
  }

  Result<ListAuditResponse> list_audit(const ListAuditRequest& req) override {
    NEXTRA_TRY(check_paging(req.offset, req.limit));
    return tx([&]() -> Result<ListAuditResponse> {
      ListAuditResponse out;
      NEXTRA_ASSIGN_OR_RETURN(Rows count,
                              q("SELECT COUNT(*) FROM audit_log WHERE org_id = ?", {req.org_id}));
      out.total = col_i64(count.at(0), 0);
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q(std::string("SELECT ") + kAuditCols +
                           " FROM audit_log WHERE org_id = ? ORDER BY seq DESC LIMIT ? OFFSET ?",
                       {req.org_id, req.limit, req.offset}));
      for (const SqlRow& r : rows) out.items.push_back(audit_from(r));
      return out;
    });
  }

  // ---- sessions ----

  Result<Session> create_session(const CreateSessionRequest& req) override {
    NEXTRA_TRY(require(req.token_hash, "token_hash"));
    return tx([&]() -> Result<Session> {
      Session s{req.token_hash, req.user_id, req.csrf_token, now_ms(), req.expires_at_ms};
      NEXTRA_TRY(q("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
                   "VALUES (?, ?, ?, ?, ?)",
                   {s.token_hash, s.user_id, s.csrf_token, s.created_at_ms, s.expires_at_ms}));
      return s;
    });
  }

  Result<Session> get_session(const std::string& token_hash, std::int64_t now) override {
    return one<Session>(
        "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions "
        "WHERE token_hash = ? AND expires_at > ?",
        {token_hash, now},
        [](const SqlRow& r) {
          return Session{col(r, 0), col(r, 1), col(r, 2), col_i64(r, 3), col_i64(r, 4)};
        },
        "session");
  }

  Status delete_session(const std::string& token_hash) override {
    return tx([&]() -> Status {
      NEXTRA_TRY(q("DELETE FROM sessions WHERE token_hash = ?", {token_hash}));
      return {};
    });
  }

  Result<std::int64_t> delete_expired_sessions(std::int64_t now) override {
    return tx([&]() -> Result<std::int64_t> {
      NEXTRA_ASSIGN_OR_RETURN(
          Rows rows, q("DELETE FROM sessions WHERE expires_at <= ? RETURNING token_hash", {now}));
      return static_cast<std::int64_t>(rows.size());
    });
  }

  // ---- triggers and executions (sql_store_runtime.cc) ----

  Result<Trigger> create_trigger(const CreateTriggerRequest& req) override {
    return tx([&]() { return runtime().create_trigger(req); });
  }
  Result<Trigger> get_trigger(const std::string& org_id, const std::string& trigger_id) override {
    return tx([&]() { return runtime().get_trigger(org_id, trigger_id); });
  }
  Result<std::vector<Trigger>> list_triggers(const std::string& org_id,
                                             const std::string& flow_id) override {
    return tx([&]() { return runtime().list_triggers(org_id, flow_id); });
  }
  Result<Trigger> update_trigger(const UpdateTriggerRequest& req) override {
    return tx([&]() { return runtime().update_trigger(req); });
  }
  Status delete_trigger(const std::string& org_id, const std::string& trigger_id) override {
    return tx([&]() { return runtime().delete_trigger(org_id, trigger_id); });
  }
  Result<Trigger> find_webhook_trigger(const std::string& flow_id,
                                       const std::string& token_hash) override {
    return tx([&]() { return runtime().find_webhook_trigger(flow_id, token_hash); });
  }
  Result<std::vector<Trigger>> list_schedule_triggers() override {
    return tx([&]() { return runtime().list_schedule_triggers(); });
  }
  Result<bool> claim_schedule_slot(const std::string& trigger_id, std::int64_t slot_ms) override {
    return tx([&]() { return runtime().claim_schedule_slot(trigger_id, slot_ms); });
  }

  Result<CreateExecutionResponse> create_execution(const CreateExecutionRequest& req) override {
    return tx([&]() { return runtime().create_execution(req); });
  }
  Result<ExecutionRecord> start_execution(const std::string& org_id,
                                          const std::string& execution_id,
                                          std::int64_t now) override {
    return tx([&]() { return runtime().start_execution(org_id, execution_id, now); });
  }
  Result<ExecutionRecord> finish_execution(const FinishExecutionRequest& req) override {
    return tx([&]() { return runtime().finish_execution(req); });
  }
  Result<std::vector<ExecutionRecord>> record_endings(const std::vector<ExecutionEnding>& endings) override {
    return tx([&]() -> Result<std::vector<ExecutionRecord>> {
      std::vector<ExecutionRecord> out;
      out.reserve(endings.size());
      // Ran before they had a row: inserted once, already final, as one batch (no index churn).
      std::vector<const ExecutionEnding*> created;
      for (const auto& e : endings) {
        if (e.create) created.push_back(&e);
      }
      if (!created.empty()) {
        NEXTRA_ASSIGN_OR_RETURN(auto inserted, runtime().insert_ended_executions(created));
        for (const ExecutionEnding* e : inserted) out.push_back(ended_record(*e));
      }
      for (const auto& e : endings) {
        if (e.create) continue;
        // Gone meanwhile (its flow was deleted): skip it rather than fail the whole batch.
        auto current = runtime().get_execution(e.finish.org_id, e.finish.execution_id);
        if (!current.ok() && current.error().code == ErrorCode::NotFound) continue;
        if (!current.ok()) return current.take_error();
        if (!e.steps.empty()) NEXTRA_TRY(runtime().record_ending_steps(e.finish.org_id, e.finish.execution_id, e.steps));
        auto rec = runtime().finish_execution(e.finish);
        if (!rec.ok() && rec.error().code == ErrorCode::Conflict) {
          rec = runtime().get_execution(e.finish.org_id, e.finish.execution_id);  // its first ending stands
        }
        if (!rec.ok()) return rec.take_error();
        out.push_back(std::move(rec).value());
      }
      return out;
    });
  }
  Result<ExecutionRecord> get_execution(const std::string& org_id,
                                        const std::string& execution_id) override {
    return tx([&]() { return runtime().get_execution(org_id, execution_id); });
  }
  Result<ListExecutionsResponse> list_executions(const ListExecutionsRequest& req) override {
    return tx([&]() { return runtime().list_executions(req); });
  }
  Result<std::vector<ExecutionRecord>> list_open_executions(std::int64_t limit) override {
    return tx([&]() { return runtime().list_open_executions(limit); });
  }
  Status append_execution_steps(const std::string& org_id,
                                const std::vector<ExecutionStep>& steps) override {
    return tx([&]() { return runtime().append_execution_steps(org_id, steps); });
  }
  Result<std::vector<ExecutionStep>> list_execution_steps(const std::string& org_id,
                                                          const std::string& execution_id) override {
    return tx([&]() { return runtime().list_execution_steps(org_id, execution_id); });
  }
  Result<std::int64_t> prune_executions(const RetentionRequest& req) override {
    return tx([&]() { return runtime().prune_executions(req); });
  }
  Result<std::int64_t> count_execution(const std::string& org_id, const std::string& month) override {
    return tx([&]() { return runtime().count_execution(org_id, month); });
  }
  Result<std::int64_t> executions_in_month(const std::string& org_id,
                                           const std::string& month) override {
    return tx([&]() { return runtime().executions_in_month(org_id, month); });
  }
  Result<std::vector<DailyExecutions>> executions_per_day(const std::string& org_id, std::int64_t since_ms) override {
    return tx([&]() { return runtime().executions_per_day(org_id, since_ms); });
  }

  Status record_llm_calls(const std::vector<LlmCall>& calls) override {
    return tx([&]() { return usage().record(calls); });
  }
  Result<std::vector<LlmUsageGroup>> llm_usage(const LlmUsageRequest& req) override {
    return tx([&]() { return usage().usage(req); });
  }
  Result<std::vector<LlmCall>> list_llm_calls(const std::string& org_id, const std::string& execution_id) override {
    return tx([&]() { return usage().calls_of(org_id, execution_id); });
  }
  Result<LlmMonth> llm_month(const std::string& org_id, const std::string& month) override {
    return tx([&]() { return usage().month(org_id, month); });
  }
  Status set_llm_cap(const std::string& org_id, std::optional<std::int64_t> cap_micros) override {
    return tx([&]() { return usage().set_cap(org_id, cap_micros); });
  }

  Result<WasmModule> create_module(const CreateModuleRequest& req) override {
    return tx([&]() { return modules().create(req); });
  }
  Result<WasmModule> get_module(const std::string& org_id, const std::string& module_id) override {
    return tx([&]() { return modules().get(org_id, module_id); });
  }
  Result<WasmModule> find_module(const std::string& org_id, const std::string& id_or_name) override {
    return tx([&]() { return modules().find(org_id, id_or_name); });
  }
  Result<std::vector<WasmModule>> list_modules(const std::string& org_id) override {
    return tx([&]() { return modules().list(org_id); });
  }
  Status delete_module(const std::string& org_id, const std::string& module_id) override {
    return tx([&]() { return modules().remove(org_id, module_id); });
  }
  Result<std::int64_t> count_modules(const std::string& org_id) override {
    return tx([&]() { return modules().count(org_id); });
  }
  Result<std::int64_t> count_module_uses(const std::string& sha256) override {
    return tx([&]() { return modules().count_uses(sha256); });
  }

  // ---- project memory (issue #5; sql_store_memory.cc)
  Result<std::optional<MemoryEntry>> get_memory(const std::string& org_id, const std::string& flow_id,
                                                const std::string& key, std::int64_t now) override {
    return tx([&]() { return sql::SqlMemory(*db()).get(org_id, flow_id, key, now); });
  }
  Result<SetMemoryResponse> set_memory(const SetMemoryRequest& req) override {
    return tx([&]() { return sql::SqlMemory(*db()).set(req); });
  }
  Result<bool> delete_memory(const std::string& org_id, const std::string& flow_id, const std::string& key,
                             std::int64_t now) override {
    return tx([&]() { return sql::SqlMemory(*db()).remove(org_id, flow_id, key, now); });
  }
  Result<ListMemoryResponse> list_memory(const ListMemoryRequest& req) override {
    return tx([&]() { return sql::SqlMemory(*db()).list(req); });
  }
  Result<std::int64_t> clear_memory(const std::string& org_id, const std::string& flow_id) override {
    return tx([&]() { return sql::SqlMemory(*db()).clear(org_id, flow_id, true); });
  }

 private:
  // Versions of a soft-deleted flow stay in the table but are invisible through the API.
  static constexpr const char* kFlowAlive =
      "EXISTS (SELECT 1 FROM flows f WHERE f.org_id = v.org_id AND f.id = v.flow_id "
      "AND f.deleted_at IS NULL)";

  Result<Rows> q(const std::string& sql, const Params& params) { return db()->query(sql, params); }

  // Runs `fn` in a transaction with the connection mutex held; commits on success.
  template <typename F>
  auto tx(F&& fn) -> decltype(fn()) {
    NEXTRA_ASSIGN_OR_RETURN(Connection * session, acquire());
    struct Release {
      SqlStore* store;
      Connection* session;
      ~Release() { store->release(session); }
    } release{this, session};
    NEXTRA_TRY(db()->begin());
    auto result = fn();
    if (!result.ok()) {
      db()->rollback();
      return result;
    }
    Status committed = db()->commit();
    if (!committed.ok()) {
      db()->rollback();
      return committed.take_error();
    }
    return result;
  }

  // A connection of the pool for this thread's transaction: a free one, a new one while the
  // pool may grow, else the next one to come free.
  Result<Connection*> acquire() {
    std::unique_lock lock(mu_);
    while (free_.empty()) {
      if (sessions_.size() < max_connections_) {
        lock.unlock();
        auto driver = more_();
        lock.lock();
        if (driver.ok()) {
          sessions_.push_back(std::make_unique<Connection>(std::move(driver).value()));
          current_ = sessions_.back().get();
          return current_;
        }
        if (sessions_.empty()) return driver.take_error();
        max_connections_ = sessions_.size();  // the server refuses more: use what we have
        continue;
      }
      freed_.wait(lock);
    }
    current_ = free_.back();
    free_.pop_back();
    return current_;
  }

  void release(Connection* session) {
    current_ = nullptr;
    std::lock_guard lock(mu_);
    free_.push_back(session);
    freed_.notify_one();
  }

  SqlDriver* db() { return current_->db.get(); }
  sql::SqlAccounts& accounts() { return current_->accounts; }
  sql::SqlRuntime& runtime() { return current_->runtime; }
  sql::SqlModules& modules() { return current_->modules; }
  sql::SqlUsage& usage() { return current_->usage; }

  template <typename T, typename Map>
  Result<T> one(const std::string& sql, const Params& params, Map map, const char* what) {
    return tx([&]() -> Result<T> {
      NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(sql, params));
      if (rows.empty()) return not_found(what);
      return map(rows[0]);
    });
  }

  // A write that must hit exactly one row (its SQL ends in RETURNING); NotFound otherwise.
  Status write_one(const std::string& sql, const Params& params, const char* what) {
    return tx([&]() -> Status {
      NEXTRA_ASSIGN_OR_RETURN(Rows rows, q(sql, params));
      if (rows.empty()) return not_found(what);
      return {};
    });
  }

  Result<Member> member_locked(const std::string& org_id, const std::string& user_id) {
    return accounts().member(org_id, user_id);
  }

  // Refuses to remove or demote the organization's last owner.
  Status guard_last_owner(const std::string& org_id, const std::string& user_id, bool stays_owner) {
    if (dialect_ == Dialect::Postgres) {
      // Serialises membership changes per organization across processes; SQLite needs no
      // such lock because a write transaction already excludes every other writer.
      NEXTRA_TRY(q("SELECT id FROM organizations WHERE id = ? FOR UPDATE", {org_id}));
    }
    NEXTRA_ASSIGN_OR_RETURN(Member m, member_locked(org_id, user_id));
    if (m.role != Role::Owner || stays_owner) return {};
    NEXTRA_ASSIGN_OR_RETURN(
        Rows rows, q("SELECT COUNT(*) FROM memberships WHERE org_id = ? AND role = 'owner'", {org_id}));
    if (col_i64(rows.at(0), 0) <= 1) {
      return Error::make(ErrorCode::Conflict, "an organization must keep at least one owner");
    }
    return {};
  }

  Status insert_version(const Flow& flow, const std::string& author, const std::string& message,
                        std::int64_t now) {
    NEXTRA_TRY(q("INSERT INTO flow_versions (org_id, flow_id, version, organism_yaml, canvas_state, "
                 "author_user_id, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 {flow.org_id, flow.id, flow.version, flow.organism_yaml, flow.canvas_state, author,
                  message, now}));
    return {};
  }

  const Dialect dialect_;
  DriverFactory more_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::size_t max_connections_;                     // guarded by mu_
  std::vector<std::unique_ptr<Connection>> sessions_;  // guarded by mu_
  std::vector<Connection*> free_;                      // guarded by mu_
  // The session of the transaction running on this thread (transactions never nest).
  static thread_local Connection* current_;
};

thread_local SqlStore::Connection* SqlStore::current_ = nullptr;

}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::Owner: return "owner";
    case Role::Admin: return "admin";
    case Role::Member: return "member";
    case Role::Viewer: return "viewer";
  }
  return "viewer";
}

Result<Role> parse_role(std::string_view text) {
  if (text == "owner") return Role::Owner;
  if (text == "admin") return Role::Admin;
  if (text == "member") return Role::Member;
  if (text == "viewer") return Role::Viewer;
  return Error::invalid("unknown role: " + std::string(text));
}

std::optional<std::int64_t> conflict_current_version(const Error& error) {
  static constexpr std::string_view kPrefix = "current_version:";
  if (error.code != ErrorCode::Conflict || error.field.rfind(kPrefix, 0) != 0) return std::nullopt;
  try {
    return std::stoll(error.field.substr(kPrefix.size()));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Result<std::unique_ptr<Store>> make_sql_store(std::unique_ptr<SqlDriver> driver, DriverFactory more,
                                              std::size_t max_connections) {
  NEXTRA_TRY(apply_migrations(*driver));
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(driver), std::move(more), max_connections));
}

}  // namespace nextra::store
