// The secrets vault over HTTP. Values go in and never come out: reads return the name and
// timestamps only. Values are sealed by the vault (per-organization, per-name subkeys) before
// the store sees them, and registered with the redactor so logs never show them.
#include "api/accounts.h"
#include "api/caller.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "http/error_mapping.h"
#include "vault/secret_refs.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

constexpr std::size_t kMaxSecretValue = 64 * 1024;

std::string redactor_key(const Caller& c, const std::string& name) { return c.org.id + "/" + name; }

Result<std::string> name_param(const Request& req) {
  std::string name = req.path_param("name").value_or("");
  NEXTRA_TRY(vault::validate_secret_name(name));
  return name;
}

Response list_secrets(ApiServices& s, const Request&, const Caller& c) {
  auto list = s.store->list_secrets(c.org.id);
  if (!list.ok()) return http::from_error(list.error());
  auto items = nlohmann::json::array();
  for (const auto& sec : *list) items.push_back(secret_json(sec));
  return Response::json(200, {{"items", std::move(items)}});
}

Response put_secret(ApiServices& s, const Request& req, const Caller& c) {
  auto name = name_param(req);
  if (!name.ok()) return http::from_error(name.error());
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto value = required_string(*body, "value", kMaxSecretValue);
  if (!value.ok()) return http::from_error(value.error());
  // Whether this creates the secret is decided by looking first: comparing the returned
  // created/updated timestamps (as this did before) calls a replacement within the same
  // millisecond a creation (201 and a "secret.create" audit entry instead of 200/update).
  auto existing = s.store->get_secret(c.org.id, *name);
  if (!existing.ok() && existing.error().code != ErrorCode::NotFound) return http::from_error(existing.error());
  const bool created = !existing.ok();
  auto sealed = s.vault->seal(c.org.id, *name, *value);
  auto info = s.store->put_secret({c.org.id, *name, std::move(sealed.ciphertext), std::move(sealed.nonce)});
  if (!info.ok()) return http::from_error(info.error());
  if (s.redactor) s.redactor->add(redactor_key(c, *name), *value);
  audit(s, c, req, created ? "secret.create" : "secret.update", "secret", *name);
  return Response::json(created ? 201 : 200, secret_json(*info));
}

Response get_secret(ApiServices& s, const Request& req, const Caller& c) {
  auto name = name_param(req);
  if (!name.ok()) return http::from_error(name.error());
  auto sec = s.store->get_secret(c.org.id, *name);
  if (!sec.ok()) {
    return sec.error().code == ErrorCode::NotFound ? Response::error(404, "not_found", "secret not found")
                                                   : http::from_error(sec.error());
  }
  return Response::json(200, secret_json({sec->name, sec->created_at_ms, sec->updated_at_ms}));
}

Response delete_secret(ApiServices& s, const Request& req, const Caller& c) {
  auto name = name_param(req);
  if (!name.ok()) return http::from_error(name.error());
  auto r = s.store->delete_secret(c.org.id, *name);
  if (!r.ok()) {
    return r.error().code == ErrorCode::NotFound ? Response::error(404, "not_found", "secret not found")
                                                 : http::from_error(r.error());
  }
  if (s.redactor) s.redactor->remove(redactor_key(c, *name));
  audit(s, c, req, "secret.delete", "secret", *name);
  Response resp;
  resp.status = 204;
  return resp;
}

Response list_audit(ApiServices& s, const Request& req, const Caller& c) {
  auto paging = paging_from_query(req);
  if (!paging.ok()) return http::from_error(paging.error());
  auto page = s.store->list_audit({c.org.id, paging->offset(), paging->page_size});
  if (!page.ok()) return http::from_error(page.error());
  auto items = nlohmann::json::array();
  for (const auto& e : page->items) items.push_back(audit_json(e));
  return Response::json(200, page_json(std::move(items), page->total, paging->page, paging->page_size));
}

}  // namespace

// Secrets are managed by admins and owners: a secret grants whatever the credential behind it
// grants, so writing one is an administrative act. Members see the names (to reference them
// in flows); viewers too.
void add_secret_routes(http::Router& router, ApiServices& s) {
  router.get("/api/secrets", with_caller(s, Role::Viewer, list_secrets));
  router.put("/api/secrets/{name}", with_caller(s, Role::Admin, put_secret));
  router.get("/api/secrets/{name}", with_caller(s, Role::Viewer, get_secret));
  router.del("/api/secrets/{name}", with_caller(s, Role::Admin, delete_secret));
}

void add_audit_routes(http::Router& router, ApiServices& s) {
  router.get("/api/audit", with_caller(s, Role::Admin, list_audit));
}

}  // namespace nextra::api
