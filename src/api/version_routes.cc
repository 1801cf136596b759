// Flow versions: every save is an immutable version. List them, read one, diff two, restore
// an old one (as a new version, so history only grows) and publish one (the live pointer that
// triggers run).
#include "api/accounts.h"
#include "api/caller.h"
#include "api/flow_validation.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "core/line_diff.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

Response not_found(const char* what) { return Response::error(404, "not_found", std::string(what) + " not found"); }

Response from_store(const Error& e, const char* what) {
  return e.code == ErrorCode::NotFound ? not_found(what) : http::from_error(e);
}

// A line that exists on one side only has no number on the other: null, not 0.
nlohmann::json line_number(int n) { return n > 0 ? nlohmann::json(n) : nlohmann::json(nullptr); }

Result<std::int64_t> version_param(const Request& req) {
  return positive_integer(req.path_param("version").value_or(""), "version");
}

Response list_versions(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto paging = paging_from_query(req);
  if (!paging.ok()) return http::from_error(paging.error());
  auto flow = s.store->get_flow(c.org.id, id);
  if (!flow.ok()) return from_store(flow.error(), "flow");
  auto page = s.store->list_flow_versions({c.org.id, id, paging->offset(), paging->page_size});
  if (!page.ok()) return from_store(page.error(), "flow");
  auto items = nlohmann::json::array();
  for (const auto& v : page->items) items.push_back(flow_version_summary_json(v, *flow));
  return Response::json(200, page_json(std::move(items), page->total, paging->page, paging->page_size));
}

Response get_version(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto n = version_param(req);
  if (!n.ok()) return http::from_error(n.error());
  auto flow = s.store->get_flow(c.org.id, id);
  if (!flow.ok()) return from_store(flow.error(), "flow");
  auto v = s.store->get_flow_version(c.org.id, id, *n);
  if (!v.ok()) return from_store(v.error(), "version");
  return Response::json(200, flow_version_json(*v, *flow));
}

Response diff_versions(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto flow = s.store->get_flow(c.org.id, id);
  if (!flow.ok()) return from_store(flow.error(), "flow");
  // Defaults: `to` is the latest version and `from` the version before `to`. (`from` was
  // computed from the latest version before `to` was read, so `?to=2` on a flow at version 3
  // diffed v2 against itself; the docs say "the version before `to`".)
  std::int64_t to = flow->version;
  if (auto t = req.query_param("to")) {
    auto v = positive_integer(*t, "to");
    if (!v.ok()) return http::from_error(v.error());
    to = *v;
  }
  std::int64_t from = std::max<std::int64_t>(1, to - 1);
  if (auto f = req.query_param("from")) {
    auto v = positive_integer(*f, "from");
    if (!v.ok()) return http::from_error(v.error());
    from = *v;
  }
  auto a = s.store->get_flow_version(c.org.id, id, from);
  if (!a.ok()) return from_store(a.error(), "version 'from'");
  auto b = s.store->get_flow_version(c.org.id, id, to);
  if (!b.ok()) return from_store(b.error(), "version 'to'");
  auto diff = diff_lines(a->organism_yaml, b->organism_yaml);
  auto hunks = nlohmann::json::array();
  for (const auto& h : diff.hunks) {
    auto lines = nlohmann::json::array();
    for (const auto& l : h.lines) {
      lines.push_back({{"op", std::string(1, l.op)}, {"text", l.text}, {"oldLine", line_number(l.old_line)}, {"newLine", line_number(l.new_line)}});
    }
    hunks.push_back({{"oldStart", h.old_start},
                     {"oldCount", h.old_count},
                     {"newStart", h.new_start},
                     {"newCount", h.new_count},
                     {"lines", std::move(lines)}});
  }
  return Response::json(200, {{"flowId", id},
                              {"from", from},
                              {"to", to},
                              {"added", diff.added},
                              {"removed", diff.removed},
                              {"unified", unified_diff(diff, "organism.yaml@v" + std::to_string(from),
                                                       "organism.yaml@v" + std::to_string(to))},
                              {"hunks", std::move(hunks)}});
}

// Restoring writes the old content as a new version, through the same optimistic check as a
// save: the body may name the version the client last saw.
Response restore_version(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto n = version_param(req);
  if (!n.ok()) return http::from_error(n.error());
  auto body = parse_json_object(req, /*allow_empty=*/true);
  if (!body.ok()) return http::from_error(body.error());
  auto expected = optional_integer(*body, "version");
  if (!expected.ok()) return http::from_error(expected.error());
  auto flow = s.store->get_flow(c.org.id, id);
  if (!flow.ok()) return from_store(flow.error(), "flow");
  auto old = s.store->get_flow_version(c.org.id, id, *n);
  if (!old.ok()) return from_store(old.error(), "version");
  // An old version may no longer validate (the engine grew stricter): refuse, as a save would.
  auto diagnostics = check_flow_yaml(s, c.org.id, old->organism_yaml);
  if (flow::has_errors(diagnostics)) return invalid_yaml_response(diagnostics);
  store::UpdateFlowRequest ur;
  ur.org_id = c.org.id;
  ur.flow_id = id;
  ur.expected_version = expected->value_or(flow->version);
  ur.organism_yaml = old->organism_yaml;
  ur.canvas_state = old->canvas_state;
  ur.author_user_id = c.user.id;
  ur.message = "Restored version " + std::to_string(*n);
  auto updated = s.store->update_flow(ur);
  if (s.runtime) s.runtime->invalidate_flow(c.org.id, id);
  if (!updated.ok()) {
    if (auto current = store::conflict_current_version(updated.error())) {
      return Response::error(409, "conflict", "the flow was saved by someone else; reload it first",
                             {{"currentVersion", *current}});
    }
    return from_store(updated.error(), "flow");
  }
  audit(s, c, req, "flow.restore", "flow", id, {{"restored", *n}, {"version", updated->version}});
  for (auto& w : sync_triggers_after_save(s, c.org.id, id, updated->organism_yaml)) diagnostics.push_back(std::move(w));
  return Response::json(200, flow_json(*updated, flow_run(s, c.org.id, updated->id), warnings_only(diagnostics)));
}

Response publish_version(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto n = version_param(req);
  if (!n.ok()) return http::from_error(n.error());
  auto flow = s.store->set_live_version(c.org.id, id, *n);
  if (s.runtime) s.runtime->invalidate_flow(c.org.id, id);
  if (!flow.ok()) return from_store(flow.error(), "flow or version");
  audit(s, c, req, "flow.publish", "flow", id, {{"version", *n}});
  return Response::json(200, flow_json(*flow, flow_run(s, c.org.id, flow->id)));
}

}  // namespace

void add_version_routes(http::Router& router, ApiServices& s) {
  router.get("/api/flows/{id}/versions", with_caller(s, Role::Viewer, list_versions));
  router.get("/api/flows/{id}/versions/{version}", with_caller(s, Role::Viewer, get_version));
  router.get("/api/flows/{id}/diff", with_caller(s, Role::Viewer, diff_versions));
  router.post("/api/flows/{id}/versions/{version}/restore", with_caller(s, Role::Member, restore_version));
  router.post("/api/flows/{id}/versions/{version}/publish", with_caller(s, Role::Member, publish_version));
}

}  // namespace nextra::api
