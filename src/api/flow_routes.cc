// Flows: list, create, read, save, delete, and validation without saving.
//
// A save names the version it edits (body `version`, or an If-Match header). The store
// writes the new version only if nobody saved in between; otherwise the client gets 409 with
// the current flow, and both edits still exist (the other one saved, this one in the client).

#include "api/accounts.h"
#include "api/caller.h"
#include "api/flow_template.h"
#include "api/flow_validation.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "api/tiers.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxDescription = 10'000;
constexpr std::size_t kMaxYaml = 1 << 20;
constexpr std::size_t kMaxCanvas = 1 << 20;
constexpr std::size_t kMaxMessage = 1'000;

Response flow_not_found() { return Response::error(404, "not_found", "flow not found"); }

Response from_store(const Error& e) {
  return e.code == ErrorCode::NotFound ? flow_not_found() : http::from_error(e);
}

// canvasState must be a JSON object; it is stored as compact text.
Result<std::optional<std::string>> canvas_field(const nlohmann::json& body) {
  auto it = body.find("canvasState");
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_object()) {
    Error e = Error::invalid("canvasState must be a JSON object");
    e.field = "canvasState";
    return e;
  }
  auto text = it->dump();
  if (text.size() > kMaxCanvas) {
    Error e = Error::invalid("canvasState is larger than 1 MiB");
    e.field = "canvasState";
    return e;
  }
  return std::optional<std::string>(std::move(text));
}

Result<std::optional<std::string>> name_field(const nlohmann::json& body, bool required) {
  NEXTRA_ASSIGN_OR_RETURN(auto raw, optional_string(body, "name", kMaxName));
  if (!raw) {
    if (!required) return std::optional<std::string>();
    Error e = Error::invalid("name is required");
    e.field = "name";
    return e;
  }
  NEXTRA_ASSIGN_OR_RETURN(auto name, clean_name(*raw, "name"));
  return std::optional<std::string>(std::move(name));
}

// The editable fields of a flow as a create or a save sends them; unset = not sent.
struct FlowFields {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> organism_yaml;
  std::optional<std::string> canvas_state;
};
Result<FlowFields> flow_fields(const nlohmann::json& body, bool name_required) {
  FlowFields f;
  NEXTRA_ASSIGN_OR_RETURN(f.name, name_field(body, name_required));
  NEXTRA_ASSIGN_OR_RETURN(f.description, optional_string(body, "description", kMaxDescription));
  NEXTRA_ASSIGN_OR_RETURN(f.organism_yaml, optional_string(body, "organismYaml", kMaxYaml));
  NEXTRA_ASSIGN_OR_RETURN(f.canvas_state, canvas_field(body));
  return f;
}

Response list_flows(ApiServices& s, const Request& req, const Caller& c) {
  auto paging = paging_from_query(req);
  if (!paging.ok()) return http::from_error(paging.error());
  store::ListFlowsRequest lr;
  lr.org_id = c.org.id;
  lr.name_contains = req.query_param("search").value_or("");
  if (lr.name_contains.size() > kMaxName) return Response::error(400, "invalid_argument", "search is too long", {{"field", "search"}});
  lr.offset = paging->offset();
  lr.limit = paging->page_size;
  auto page = s.store->list_flows(lr);
  if (!page.ok()) return http::from_error(page.error());
  auto items = nlohmann::json::array();
  for (const auto& f : page->items) items.push_back(flow_summary_json(f, flow_run(s, c.org.id, f.id)));
  return Response::json(200, page_json(std::move(items), page->total, paging->page, paging->page_size));
}

Response create_flow(ApiServices& s, const Request& req, const Caller& c) {
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto fields = flow_fields(*body, /*name_required=*/true);
  if (!fields.ok()) return http::from_error(fields.error());
  const auto& [name, description, yaml, canvas] = *fields;

  store::CreateFlowRequest cr;
  cr.org_id = c.org.id;
  cr.name = *name;
  cr.description = description.value_or("");
  cr.organism_yaml = yaml ? *yaml : default_flow_yaml(cr.name);
  cr.canvas_state = canvas ? *canvas : (yaml ? "{}" : default_canvas_state());
  cr.author_user_id = c.user.id;
  auto diagnostics = check_flow_yaml(s, c.org.id, cr.organism_yaml);
  if (flow::has_errors(diagnostics)) return invalid_yaml_response(diagnostics);
  // The quick check answers with the current count; the insert checks the limit again in its
  // transaction, so concurrent creates (in this server or another) cannot both pass it.
  if (auto limited = check_flow_limit(s, c.org)) return std::move(*limited);
  if (s.config.saas) cr.max_flows = limits_for_plan(c.org.plan).flows;
  auto flow = s.store->create_flow(cr);
  if (!flow.ok() && flow.error().code == ErrorCode::ResourceExhausted && cr.max_flows) {
    return tier_limit_response(c.org, "flows", "flow", *cr.max_flows, *cr.max_flows);
  }
  if (!flow.ok()) return http::from_error(flow.error());
  audit(s, c, req, "flow.create", "flow", flow->id, {{"name", flow->name}, {"version", flow->version}});
  for (auto& w : sync_triggers_after_save(s, c.org.id, flow->id, flow->organism_yaml)) diagnostics.push_back(std::move(w));
  auto r = Response::json(201, flow_json(*flow, flow_run(s, c.org.id, flow->id), warnings_only(diagnostics)));
  r.headers.set("Location", "/api/flows/" + flow->id);
  r.headers.set("ETag", "\"" + std::to_string(flow->version) + "\"");
  return r;
}

Response validate_flow(ApiServices& s, const Request& req, const Caller& c) {
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto yaml = required_string(*body, "organismYaml", kMaxYaml);
  if (!yaml.ok()) return http::from_error(yaml.error());
  auto diagnostics = check_flow_yaml(s, c.org.id, *yaml);
  auto problems = nlohmann::json::array();
  for (const auto& d : diagnostics) problems.push_back(problem_json(d));
  return Response::json(200, {{"valid", !flow::has_errors(diagnostics)}, {"problems", std::move(problems)}});
}

Response get_flow(ApiServices& s, const Request& req, const Caller& c) {
  auto flow = s.store->get_flow(c.org.id, req.path_param("id").value_or(""));
  if (!flow.ok()) return from_store(flow.error());
  auto r = Response::json(200, flow_json(*flow, flow_run(s, c.org.id, flow->id)));
  r.headers.set("ETag", "\"" + std::to_string(flow->version) + "\"");
  return r;
}

// The version a save edits: the body's `version`, else If-Match ("3", W/"3" or 3).
Result<std::int64_t> expected_version(const Request& req, const nlohmann::json& body) {
  NEXTRA_ASSIGN_OR_RETURN(auto v, optional_integer(body, "version"));
  if (v) return *v;
  if (auto m = req.header("If-Match")) {
    std::string_view t = *m;
    if (t.substr(0, 2) == "W/") t.remove_prefix(2);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    return positive_integer(t, "If-Match");
  }
  Error e = Error::invalid("version is required: send the version you edited, so a concurrent save is not overwritten");
  e.field = "version";
  return e;
}

Response conflict_response(ApiServices& s, const Caller& c, const std::string& flow_id, std::int64_t current) {
  nlohmann::json details = {{"currentVersion", current}};
  if (auto flow = s.store->get_flow(c.org.id, flow_id); flow.ok()) details["current"] = flow_json(*flow, flow_run(s, c.org.id, flow->id));
  return Response::error(409, "conflict",
                         "the flow was saved by someone else (now version " + std::to_string(current) +
                             "); reload it and apply your changes again",
                         std::move(details));
}

Response put_flow(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto version = expected_version(req, *body);
  if (!version.ok()) return http::from_error(version.error());
  auto fields = flow_fields(*body, /*name_required=*/false);
  if (!fields.ok()) return http::from_error(fields.error());
  const auto& [name, description, yaml, canvas] = *fields;
  auto message = optional_string(*body, "message", kMaxMessage);
  if (!message.ok()) return http::from_error(message.error());

  flow::Diagnostics diagnostics;
  if (yaml) {
    diagnostics = check_flow_yaml(s, c.org.id, *yaml);
    if (flow::has_errors(diagnostics)) return invalid_yaml_response(diagnostics);
  }
  store::UpdateFlowRequest ur;
  ur.org_id = c.org.id;
  ur.flow_id = id;
  ur.expected_version = *version;
  ur.name = name;
  ur.description = description;
  ur.organism_yaml = yaml;
  ur.canvas_state = canvas;
  ur.author_user_id = c.user.id;
  ur.message = message->value_or("");
  auto flow = s.store->update_flow(ur);
  if (s.runtime) s.runtime->invalidate_flow(c.org.id, id);
  if (!flow.ok()) {
    if (auto current = store::conflict_current_version(flow.error())) return conflict_response(s, c, id, *current);
    return from_store(flow.error());
  }
  audit(s, c, req, "flow.update", "flow", flow->id, {{"version", flow->version}});
  if (yaml) {
    for (auto& w : sync_triggers_after_save(s, c.org.id, flow->id, flow->organism_yaml)) diagnostics.push_back(std::move(w));
  }
  auto r = Response::json(200, flow_json(*flow, flow_run(s, c.org.id, flow->id), warnings_only(diagnostics)));
  r.headers.set("ETag", "\"" + std::to_string(flow->version) + "\"");
  return r;
}

Response delete_flow(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto r = s.store->delete_flow(c.org.id, id);
  s.webhook_triggers.clear();
  if (!r.ok()) return from_store(r.error());
  if (s.runtime) s.runtime->forget_flow(c.org.id, id);  // its pump stops, its live logs go
  audit(s, c, req, "flow.delete", "flow", id);
  Response resp;
  resp.status = 204;
  return resp;
}

}  // namespace

void add_flow_routes(http::Router& router, ApiServices& s) {
  router.get("/api/flows", with_caller(s, Role::Viewer, list_flows));
  router.post("/api/flows", with_caller(s, Role::Member, create_flow));
  // Registered before /api/flows/{id} routes; "validate" is never a flow id (ids are UUIDs).
  router.post("/api/flows/validate", with_caller(s, Role::Viewer, validate_flow));
  router.get("/api/flows/{id}", with_caller(s, Role::Viewer, get_flow));
  router.put("/api/flows/{id}", with_caller(s, Role::Member, put_flow));
  router.del("/api/flows/{id}", with_caller(s, Role::Member, delete_flow));
}

}  // namespace nextra::api
