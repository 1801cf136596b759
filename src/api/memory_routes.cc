// A flow's project memory over HTTP (issue #5; decisions.md: "viewable and deletable").
// Reading is for every member of the organization (viewers read flows and executions too);
// deleting is a write (member or above) and is audited. Writing keys is the flows' job
// (`tool:keyvalue`, code blocks), not the API's. Another organization's flow is 404 like a
// missing one: the store scopes every call by (organization, flow).
#include <chrono>

#include "api/accounts.h"
#include "api/caller.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "flow/loader.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

Response flow_not_found() { return Response::error(404, "not_found", "flow not found"); }
Response key_not_found() { return Response::error(404, "not_found", "key not found"); }

// NotFound from the store means the flow (missing, deleted or another organization's).
Response store_failure(const Error& e) { return e.code == ErrorCode::NotFound ? flow_not_found() : http::from_error(e); }

std::int64_t now(ApiServices& s) {
  if (s.now_ms) return s.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

nlohmann::json entry_json(const store::MemoryEntry& e) {
  return {{"key", e.key},
          {"sizeBytes", e.size_bytes},
          {"expiresAt", iso_time_or_null(e.expires_at_ms)},
          {"updatedAt", iso_time(e.updated_at_ms)}};
}

Response list_memory(ApiServices& s, const Request& req, const Caller& c) {
  const std::string flow_id = req.path_param("id").value_or("");
  auto paging = paging_from_query(req);
  if (!paging.ok()) return http::from_error(paging.error());
  auto flow = s.store->get_flow(c.org.id, flow_id);
  if (!flow.ok()) return store_failure(flow.error());
  auto page = s.store->list_memory({c.org.id, flow_id, paging->offset(), paging->page_size, now(s)});
  if (!page.ok()) return store_failure(page.error());
  auto items = nlohmann::json::array();
  for (const auto& e : page->items) items.push_back(entry_json(e));
  auto body = page_json(std::move(items), page->total, paging->page, paging->page_size);
  body["usedBytes"] = page->used_bytes;
  // The saved YAML's `memory:` section; a flow that turned memory off keeps its keys until
  // they are deleted here.
  auto spec = flow::load_organism(flow->organism_yaml);
  const flow::MemorySpec memory = spec.organism ? spec.organism->memory : flow::MemorySpec{};
  body["enabled"] = memory.enabled;
  body["maxBytes"] = memory.max_bytes;
  return Response::json(200, body);
}

Response get_memory_key(ApiServices& s, const Request& req, const Caller& c) {
  const std::string flow_id = req.path_param("id").value_or("");
  const std::string key = req.path_param("key").value_or("");
  auto got = s.store->get_memory(c.org.id, flow_id, key, now(s));
  if (!got.ok()) return store_failure(got.error());
  if (!got->has_value()) return key_not_found();
  auto body = entry_json(**got);
  body["value"] = (*got)->value;
  return Response::json(200, body);
}

Response delete_memory_key(ApiServices& s, const Request& req, const Caller& c) {
  const std::string flow_id = req.path_param("id").value_or("");
  const std::string key = req.path_param("key").value_or("");
  auto removed = s.store->delete_memory(c.org.id, flow_id, key, now(s));
  if (!removed.ok()) return store_failure(removed.error());
  if (!*removed) return key_not_found();
  audit(s, c, req, "flow.memory.delete", "flow", flow_id, {{"key", key}});
  Response r;
  r.status = 204;
  return r;
}

Response clear_memory(ApiServices& s, const Request& req, const Caller& c) {
  const std::string flow_id = req.path_param("id").value_or("");
  auto cleared = s.store->clear_memory(c.org.id, flow_id);
  if (!cleared.ok()) return store_failure(cleared.error());
  audit(s, c, req, "flow.memory.clear", "flow", flow_id, {{"deleted", *cleared}});
  return Response::json(200, {{"deleted", *cleared}});
}

}  // namespace

void add_memory_routes(http::Router& router, ApiServices& s) {
  router.get("/api/flows/{id}/memory", with_caller(s, Role::Viewer, list_memory));
  router.del("/api/flows/{id}/memory", with_caller(s, Role::Member, clear_memory));
  router.get("/api/flows/{id}/memory/{key}", with_caller(s, Role::Viewer, get_memory_key));
  router.del("/api/flows/{id}/memory/{key}", with_caller(s, Role::Member, delete_memory_key));
}

}  // namespace nextra::api
