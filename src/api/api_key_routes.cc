// API keys: `nxk_` + 43 base64url characters (256 random bits). Shown once at creation; the
// store keeps its SHA-256 (a fast hash is right for a high-entropy secret) and a short prefix
// so people can tell their keys apart. A key acts as its creator, in the organization it was
// created in, with the creator's current role there (a demoted user's keys are demoted too).
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

constexpr std::size_t kPrefixChars = 12;  // "nxk_" + 8 characters

// Members see their own keys; admins and owners see every key of the organization.
Response list_keys(ApiServices& s, const Request&, const Caller& c) {
  auto keys = s.store->list_api_keys(c.org.id);
  if (!keys.ok()) return http::from_error(keys.error());
  const bool all = role_at_least(c.role, Role::Admin);
  auto items = nlohmann::json::array();
  for (const auto& k : *keys) {
    if (k.revoked_at_ms) continue;
    if (all || k.user_id == c.user.id) items.push_back(api_key_json(k));
  }
  return Response::json(200, {{"items", std::move(items)}});
}

Response create_key(ApiServices& s, const Request& req, const Caller& c) {
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto name = required_name(*body);
  if (!name.ok()) return http::from_error(name.error());
  const std::string key = std::string(kApiKeyPrefix) + auth::random_token(32);
  store::CreateApiKeyRequest cr;
  cr.org_id = c.org.id;
  cr.user_id = c.user.id;
  cr.name = *name;
  cr.prefix = key.substr(0, kPrefixChars);
  cr.key_hash = auth::sha256_hex(key);
  auto created = s.store->create_api_key(cr);
  if (!created.ok()) return http::from_error(created.error());
  audit(s, c, req, "api_key.create", "api_key", created->id, {{"name", created->name}, {"prefix", created->prefix}});
  auto r = Response::json(201, {{"apiKey", api_key_json(*created)}, {"key", key}});
  r.headers.set("Cache-Control", "no-store");
  return r;
}

Response revoke_key(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto keys = s.store->list_api_keys(c.org.id);
  if (!keys.ok()) return http::from_error(keys.error());
  const store::ApiKey* found = nullptr;
  for (const auto& k : *keys) {
    if (k.id == id && !k.revoked_at_ms) found = &k;
  }
  if (!found) return Response::error(404, "not_found", "API key not found");
  if (found->user_id != c.user.id && !role_at_least(c.role, Role::Admin)) {
    return Response::error(403, "permission_denied", "only admins can revoke other people's keys");
  }
  auto r = s.store->revoke_api_key(c.org.id, id);
  if (!r.ok()) return http::from_error(r.error());
  audit(s, c, req, "api_key.revoke", "api_key", id);
  Response resp;
  resp.status = 204;
  return resp;
}

}  // namespace

void add_api_key_routes(http::Router& router, ApiServices& s) {
  router.get("/api/api-keys", with_caller(s, Role::Viewer, list_keys));
  router.post("/api/api-keys", with_caller(s, Role::Member, create_key));
  router.del("/api/api-keys/{id}", with_caller(s, Role::Member, revoke_key));
}

}  // namespace nextra::api
