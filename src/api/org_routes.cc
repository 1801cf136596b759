// Organizations, their members and invitations.
//
// Paths name an organization by id (/api/orgs/{id}/...). The caller must belong to it; for
// anyone else it does not exist (404). Admins manage members and invitations but cannot
// touch owners or make anyone an owner; owners can do everything. Anyone may remove
// themselves; the last owner cannot (409).
#include "api/accounts.h"
#include "api/caller.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "auth/tokens.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

Response not_found_org() { return Response::error(404, "not_found", "organization not found"); }

Response forbidden(std::string message) { return Response::error(403, "permission_denied", std::move(message)); }

// The caller's role in the organization named by the path, or the 404/403 to answer.
struct PathOrg {
  std::string org_id;
  Role role = Role::Viewer;
  std::optional<Response> failure;
};
PathOrg path_org(ApiServices& s, const Request& req, const Caller& c, Role minimum) {
  PathOrg p;
  p.org_id = req.path_param("id").value_or("");
  if (c.method == AuthMethod::ApiKey && p.org_id != c.org.id) {  // a key is bound to its org
    p.failure = not_found_org();
    return p;
  }
  auto role = s.store->get_role(p.org_id, c.user.id);
  if (!role.ok()) {
    p.failure = role.error().code == ErrorCode::NotFound ? not_found_org() : http::from_error(role.error());
    return p;
  }
  p.role = *role;
  if (!role_at_least(p.role, minimum)) {
    p.failure = forbidden(std::string("this needs the ") + store::role_name(minimum) + " role or higher");
  }
  return p;
}

Result<Role> role_field(const nlohmann::json& body) {
  NEXTRA_ASSIGN_OR_RETURN(auto text, required_string(body, "role", 32));
  auto role = store::parse_role(text);
  if (!role.ok()) {
    Error e = Error::invalid("role must be one of owner, admin, member, viewer");
    e.field = "role";
    return e;
  }
  return *role;
}

Response list_orgs(ApiServices& s, const Request&, const Caller& c) {
  auto orgs = s.store->list_organizations_for_user(c.user.id);
  if (!orgs.ok()) return http::from_error(orgs.error());
  auto items = nlohmann::json::array();
  for (const auto& o : *orgs) items.push_back(organization_json(o));
  return Response::json(200, {{"items", std::move(items)}});
}

Response create_org(ApiServices& s, const Request& req, const Caller& c) {
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto name = required_name(*body);
  if (!name.ok()) return http::from_error(name.error());
  auto org = s.store->create_organization({*name, c.user.id});
  if (!org.ok()) return http::from_error(org.error());
  if (s.config.saas) {
    auto planned = s.store->set_plan(org->id, "free");
    if (!planned.ok()) return http::from_error(planned.error());
    org = std::move(planned);
  }
  audit(s, org->id, c.user.id, req, "org.create", "organization", org->id, {{"name", org->name}});
  return Response::json(201, organization_json(store::OrganizationWithRole{*org, Role::Owner}));
}

Response list_members(ApiServices& s, const Request& req, const Caller& c) {
  auto p = path_org(s, req, c, Role::Viewer);
  if (p.failure) return std::move(*p.failure);
  auto members = s.store->list_members(p.org_id);
  if (!members.ok()) return http::from_error(members.error());
  auto items = nlohmann::json::array();
  for (const auto& m : *members) items.push_back(member_json(m));
  return Response::json(200, {{"items", std::move(items)}});
}

Response change_member(ApiServices& s, const Request& req, const Caller& c) {
  auto p = path_org(s, req, c, Role::Admin);
  if (p.failure) return std::move(*p.failure);
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto role = role_field(*body);
  if (!role.ok()) return http::from_error(role.error());
  const std::string user_id = req.path_param("userId").value_or("");
  auto current = s.store->get_role(p.org_id, user_id);
  if (!current.ok()) {
    return current.error().code == ErrorCode::NotFound ? Response::error(404, "not_found", "member not found")
                                                       : http::from_error(current.error());
  }
  if (p.role != Role::Owner && (*current == Role::Owner || *role == Role::Owner)) {
    return forbidden("only owners can change an owner's role or make someone an owner");
  }
  auto member = s.store->change_role({p.org_id, user_id, *role});
  if (!member.ok()) return http::from_error(member.error());
  audit(s, p.org_id, c.user.id, req, "member.role", "user", user_id,
        {{"from", store::role_name(*current)}, {"to", store::role_name(*role)}});
  return Response::json(200, member_json(*member));
}

Response remove_member(ApiServices& s, const Request& req, const Caller& c) {
  const std::string user_id = req.path_param("userId").value_or("");
  const bool self = user_id == c.user.id;
  auto p = path_org(s, req, c, self ? Role::Viewer : Role::Admin);
  if (p.failure) return std::move(*p.failure);
  auto current = s.store->get_role(p.org_id, user_id);
  if (!current.ok()) {
    return current.error().code == ErrorCode::NotFound ? Response::error(404, "not_found", "member not found")
                                                       : http::from_error(current.error());
  }
  if (!self && p.role != Role::Owner && *current == Role::Owner) return forbidden("only owners can remove an owner");
  auto removed = s.store->remove_member(p.org_id, user_id);
  if (!removed.ok()) {
    if (removed.error().code == ErrorCode::Conflict) {
      return Response::error(409, "conflict", "the last owner cannot leave; make someone else an owner first");
    }
    return http::from_error(removed.error());
  }
  audit(s, p.org_id, c.user.id, req, self ? "member.leave" : "member.remove", "user", user_id);
  Response r;
  r.status = 204;
  return r;
}

Response list_invitations(ApiServices& s, const Request& req, const Caller& c) {
  auto p = path_org(s, req, c, Role::Admin);
  if (p.failure) return std::move(*p.failure);
  auto list = s.store->list_invitations(p.org_id, s.now_ms());
  if (!list.ok()) return http::from_error(list.error());
  auto items = nlohmann::json::array();
  for (const auto& i : *list) items.push_back(invitation_json(i));
  return Response::json(200, {{"items", std::move(items)}});
}

Response invite(ApiServices& s, const Request& req, const Caller& c) {
  auto p = path_org(s, req, c, Role::Admin);
  if (p.failure) return std::move(*p.failure);
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto raw_email = required_string(*body, "email", 1024);
  if (!raw_email.ok()) return http::from_error(raw_email.error());
  auto email = normalize_email(*raw_email);
  if (!email.ok()) return http::from_error(email.error());
  auto role = role_field(*body);
  if (!role.ok()) return http::from_error(role.error());
  if (*role == Role::Owner && p.role != Role::Owner) return forbidden("only owners can invite owners");
  const std::string token = auth::random_token(32);
  store::CreateInvitationRequest cr;
  cr.org_id = p.org_id;
  cr.email = *email;
  cr.role = *role;
  cr.token_hash = auth::sha256_hex(token);
  cr.invited_by = c.user.id;
  cr.expires_at_ms = s.now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(s.config.invitation_ttl).count();
  auto inv = s.store->create_invitation(cr);
  if (!inv.ok()) return http::from_error(inv.error());
  audit(s, p.org_id, c.user.id, req, "invitation.create", "invitation", inv->id,
        {{"email", inv->email}, {"role", store::role_name(inv->role)}});
  return Response::json(201, {{"invitation", invitation_json(*inv)},
                              {"token", token},
                              {"acceptPath", "/api/invitations/" + token + "/accept"}});
}

// The invitation link is a bearer capability, like a chat-app invite link: whoever holds the
// token and is logged in joins with the invited role. It works once and expires.
Response accept(ApiServices& s, const Request& req, const Caller& c) {
  const std::string token = req.path_param("token").value_or("");
  auto accepted = s.store->accept_invitation({auth::sha256_hex(token), c.user.id, s.now_ms()});
  if (!accepted.ok()) {
    if (accepted.error().code == ErrorCode::NotFound) {
      return Response::error(404, "not_found", "this invitation does not exist, has expired or was already used");
    }
    if (accepted.error().code == ErrorCode::AlreadyExists) {
      return Response::error(409, "already_exists", "you are already a member of this organization");
    }
    return http::from_error(accepted.error());
  }
  auto org = s.store->get_organization(accepted->invitation.org_id);
  if (!org.ok()) return http::from_error(org.error());
  audit(s, org->id, c.user.id, req, "invitation.accept", "invitation", accepted->invitation.id,
        {{"role", store::role_name(accepted->member.role)}});
  return Response::json(200, {{"organization", organization_json(*org)}, {"member", member_json(accepted->member)}});
}

}  // namespace

void add_org_routes(http::Router& router, ApiServices& s) {
  router.get("/api/orgs", with_caller(s, Role::Viewer, list_orgs));
  router.post("/api/orgs", with_caller(s, Role::Viewer, create_org));
  // Membership checks below are against the organization in the path, not X-Org-Id.
  router.get("/api/orgs/{id}/members", with_caller(s, Role::Viewer, list_members));
  router.patch("/api/orgs/{id}/members/{userId}", with_caller(s, Role::Viewer, change_member));
  router.del("/api/orgs/{id}/members/{userId}", with_caller(s, Role::Viewer, remove_member));
  router.get("/api/orgs/{id}/invitations", with_caller(s, Role::Viewer, list_invitations));
  router.post("/api/orgs/{id}/invitations", with_caller(s, Role::Viewer, invite));
  router.post("/api/invitations/{token}/accept", with_caller(s, Role::Viewer, accept));
}

}  // namespace nextra::api
