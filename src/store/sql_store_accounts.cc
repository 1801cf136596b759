// User updates and identity sync, plans, membership lookup and invitations in SQL. Every
// method runs inside the transaction SqlStore::tx opened (see sql_store_internal.h), so a
// multi-statement operation (delete_user, accept_invitation) commits together or not at all:
// an error here makes tx roll back everything the method already wrote.
#include <utility>

#include "core/uuid.h"
#include "store/sql_store_internal.h"

namespace nextra::store::sql {
namespace {

constexpr const char* kInvitationCols =
    "id, org_id, email, role, invited_by, created_at, expires_at, accepted_at";
Result<Invitation> invitation_from(const SqlRow& r) {
  NEXTRA_ASSIGN_OR_RETURN(Role role, parse_role(col(r, 3)));
  return Invitation{col(r, 0),     col(r, 1),     col(r, 2),     role,
                    col(r, 4),     col_i64(r, 5), col_i64(r, 6), col_opt_i64(r, 7)};
}

constexpr const char* kOrgCols = "id, name, plan, created_at";
Organization org_from(const SqlRow& r) {
  return Organization{col(r, 0), col(r, 1), col(r, 2), col_i64(r, 3)};
}

bool valid_plan(const std::string& plan) {
  // Mirrors the CHECK constraint on organizations.plan.
  return plan == "free" || plan == "paid" || plan == "pro" || plan == "enterprise";
}


}  // namespace

// ---- users ----

Result<User> SqlAccounts::update_user(const UpdateUserRequest& req) {
  NEXTRA_TRY(require(req.user_id, "user_id"));
  if (req.email && req.email->empty()) return invalid_field("email must not be empty", "email");
  // A taken email fails the UNIQUE constraint: AlreadyExists from the driver.
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows,
      q(std::string("UPDATE users SET email = COALESCE(?, email), name = COALESCE(?, name), "
                    "password_hash = COALESCE(?, password_hash), updated_at = ? "
                    "WHERE id = ? RETURNING ") + kUserCols,
        {opt_text(req.email), opt_text(req.name), opt_text(req.password_hash), now_ms(),
         req.user_id}));
  if (rows.empty()) return not_found("user");
  return user_from(rows[0]);
}

Result<UpsertExternalUserResponse> SqlAccounts::upsert_external_user(
    const UpsertExternalUserRequest& req) {
  NEXTRA_TRY(require(req.external_id, "external_id"));
  NEXTRA_TRY(require(req.email, "email"));
  // One statement, so two deliveries of the same webhook cannot both insert. The conflict
  // target is external_id only: an email held by another user still fails its UNIQUE
  // constraint (AlreadyExists), on the insert and on the update path alike. The row is new
  // exactly when it carries the id generated here.
  const std::string id = new_uuid_v4();
  const std::int64_t now = now_ms();
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows,
      q(std::string("INSERT INTO users (id, email, name, password_hash, external_id, created_at, "
                    "updated_at) VALUES (?, ?, ?, '', ?, ?, ?) ON CONFLICT (external_id) DO UPDATE "
                    "SET email = excluded.email, name = excluded.name, "
                    "updated_at = excluded.updated_at RETURNING ") + kUserCols,
        {id, req.email, req.name, req.external_id, now, now}));
  UpsertExternalUserResponse out;
  out.user = user_from(rows.at(0));
  out.created = out.user.id == id;
  return out;
}

Status SqlAccounts::delete_user(const std::string& user_id) {
  NEXTRA_TRY(require(user_id, "user_id"));
  NEXTRA_ASSIGN_OR_RETURN(Rows found, q("SELECT id FROM users WHERE id = ?", {user_id}));
  if (found.empty()) return not_found("user");
  // The schema cascades these (and SQLite runs with foreign_keys=ON), but deleting them
  // explicitly keeps the contract independent of connection settings. Audit rows, flow
  // authorship and sent invitations name the user without a foreign key and stay.
  NEXTRA_TRY(q("DELETE FROM memberships WHERE user_id = ?", {user_id}));
  NEXTRA_TRY(q("DELETE FROM sessions WHERE user_id = ?", {user_id}));
  NEXTRA_TRY(q("DELETE FROM api_keys WHERE user_id = ?", {user_id}));
  NEXTRA_TRY(q("DELETE FROM users WHERE id = ?", {user_id}));
  return {};
}

Result<std::int64_t> SqlAccounts::count_users() {
  NEXTRA_ASSIGN_OR_RETURN(Rows rows, q("SELECT COUNT(*) FROM users", {}));
  return col_i64(rows.at(0), 0);
}

// ---- organizations and memberships ----

Result<Organization> SqlAccounts::set_plan(const std::string& org_id, const std::string& plan) {
  NEXTRA_TRY(require(org_id, "org_id"));
  if (!valid_plan(plan)) {
    return invalid_field("plan must be free, paid, pro or enterprise, not \"" + plan + "\"", "plan");
  }
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q(std::string("UPDATE organizations SET plan = ? WHERE id = ? RETURNING ") + kOrgCols,
                   {plan, org_id}));
  if (rows.empty()) return not_found("organization");
  return org_from(rows[0]);
}

Result<Member> SqlAccounts::member(const std::string& org_id, const std::string& user_id) {
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q("SELECT u.id, u.email, u.name, m.role, m.created_at FROM memberships m "
                   "JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND m.user_id = ?",
                   {org_id, user_id}));
  if (rows.empty()) return not_found("member");
  return member_from(rows[0]);
}

// ---- invitations ----

Result<Invitation> SqlAccounts::create_invitation(const CreateInvitationRequest& req) {
  NEXTRA_TRY(require(req.org_id, "org_id"));
  NEXTRA_TRY(require(req.email, "email"));
  NEXTRA_TRY(require(req.token_hash, "token_hash"));
  NEXTRA_TRY(require(req.invited_by, "invited_by"));
  if (req.expires_at_ms <= 0) return invalid_field("expires_at_ms is required", "expires_at_ms");
  NEXTRA_ASSIGN_OR_RETURN(Rows org, q("SELECT id FROM organizations WHERE id = ?", {req.org_id}));
  if (org.empty()) return not_found("organization");
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows,
      q(std::string("INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, "
                    "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ") +
            kInvitationCols,
        {new_uuid_v4(), req.org_id, req.email, std::string(role_name(req.role)), req.token_hash,
         req.invited_by, now_ms(), req.expires_at_ms}));
  return invitation_from(rows.at(0));
}

Result<std::vector<Invitation>> SqlAccounts::list_invitations(const std::string& org_id,
                                                              std::int64_t now) {
  NEXTRA_ASSIGN_OR_RETURN(
      Rows rows, q(std::string("SELECT ") + kInvitationCols +
                       " FROM invitations WHERE org_id = ? AND accepted_at IS NULL "
                       "AND expires_at > ? ORDER BY created_at DESC, id",
                   {org_id, now}));
  std::vector<Invitation> out;
  for (const SqlRow& r : rows) {
    NEXTRA_ASSIGN_OR_RETURN(Invitation inv, invitation_from(r));
    out.push_back(std::move(inv));
  }
  return out;
}

Result<AcceptInvitationResponse> SqlAccounts::accept_invitation(const AcceptInvitationRequest& req) {
  NEXTRA_TRY(require(req.token_hash, "token_hash"));
  NEXTRA_TRY(require(req.user_id, "user_id"));
  if (req.now_ms <= 0) return invalid_field("now_ms is required", "now_ms");
  // Claim first: the pending check and the mark are one conditional UPDATE, so of two
  // concurrent accepts of one token exactly one matches the row (PostgreSQL re-checks the
  // WHERE after the other's commit; SQLite writers are serialised). Any later failure rolls
  // the claim back with the rest of the transaction.
  NEXTRA_ASSIGN_OR_RETURN(
      Rows claimed,
      q(std::string("UPDATE invitations SET accepted_at = ? WHERE token_hash = ? "
                    "AND accepted_at IS NULL AND expires_at > ? RETURNING ") + kInvitationCols,
        {req.now_ms, req.token_hash, req.now_ms}));
  if (claimed.empty()) return not_found("invitation");
  NEXTRA_ASSIGN_OR_RETURN(Invitation inv, invitation_from(claimed[0]));

  NEXTRA_ASSIGN_OR_RETURN(Rows user, q("SELECT id FROM users WHERE id = ?", {req.user_id}));
  if (user.empty()) return not_found("user");
  NEXTRA_ASSIGN_OR_RETURN(Rows existing,
                          q("SELECT role FROM memberships WHERE org_id = ? AND user_id = ?",
                            {inv.org_id, req.user_id}));
  if (!existing.empty()) {
    return Error::make(ErrorCode::AlreadyExists, "user is already a member of the organization");
  }
  // A concurrent add_member racing past the check above still fails the primary key here.
  NEXTRA_TRY(q("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
               {inv.org_id, req.user_id, std::string(role_name(inv.role)), now_ms()}));
  NEXTRA_ASSIGN_OR_RETURN(Member m, member(inv.org_id, req.user_id));
  return AcceptInvitationResponse{std::move(inv), std::move(m)};
}

}  // namespace nextra::store::sql
