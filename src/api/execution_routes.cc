// The runtime over HTTP: start/stop/status of a flow's pump, executions (list, detail with
// steps, cancel, re-run) and live logs as Server-Sent Events or paged JSON.
//
//   POST /api/flows/{id}/start | /stop, GET /api/flows/{id}/status
//   GET  /api/flows/{id}/executions?status=&page=&pageSize=
//   GET  /api/executions/{id} (with its LLM usage), POST /api/executions/{id}/cancel | /rerun
//   GET  /api/executions/{id}/events   SSE: the execution's steps as they happen
//   GET  /api/flows/{id}/logs          SSE with Accept: text/event-stream (Last-Event-ID
//                                      replays what the ring still holds), else JSON pages
//                                      {items, nextAfter} from ?after=ID&limit=N
#include "api/accounts.h"
#include "api/caller.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "api/trigger_submit.h"
#include "api/usage_json.h"
#include "http/error_mapping.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

Response flow_not_found() { return Response::error(404, "not_found", "flow not found"); }
Response execution_not_found() { return Response::error(404, "not_found", "execution not found"); }

Response from_store(const Error& e, Response (*not_found)()) {
  return e.code == ErrorCode::NotFound ? not_found() : http::from_error(e);
}

nlohmann::json status_json(const runtime::FlowStatus& st) {
  return {{"status", runtime::flow_state_name(st.state)},
          {"errorMessage", st.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(st.error)},
          {"version", st.version ? nlohmann::json(st.version) : nlohmann::json(nullptr)},
          {"stoppedByUser", st.stopped_by_user},
          {"idle", st.idle_stopped},
          {"startedAt", st.started_at_ms ? nlohmann::json(iso_time(st.started_at_ms)) : nlohmann::json(nullptr)},
          {"runningExecutions", st.running_executions}};
}

Response start_flow(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto st = s.runtime->start_flow(c.org.id, id);
  if (!st.ok()) {
    if (st.error().code == ErrorCode::NotFound) return flow_not_found();
    return http::from_error(st.error());
  }
  audit(s, c, req, "flow.start", "flow", id, {{"version", st->version}});
  return Response::json(200, status_json(*st));
}

Response stop_flow(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto st = s.runtime->stop_flow(c.org.id, id);
  if (!st.ok()) return from_store(st.error(), flow_not_found);
  audit(s, c, req, "flow.stop", "flow", id);
  return Response::json(200, status_json(*st));
}

Response flow_status(ApiServices& s, const Request& req, const Caller& c) {
  auto st = s.runtime->status(c.org.id, req.path_param("id").value_or(""));
  if (!st.ok()) return from_store(st.error(), flow_not_found);
  return Response::json(200, status_json(*st));
}

Response list_executions(ApiServices& s, const Request& req, const Caller& c) {
  const std::string flow_id = req.path_param("id").value_or("");
  auto paging = paging_from_query(req);
  if (!paging.ok()) return http::from_error(paging.error());
  if (auto f = s.store->get_flow(c.org.id, flow_id); !f.ok()) return from_store(f.error(), flow_not_found);
  store::ListExecutionsRequest lr;
  lr.org_id = c.org.id;
  lr.flow_id = flow_id;
  lr.status = req.query_param("status").value_or("");
  static const char* kStatuses[] = {"", "queued", "running", "success", "error", "timeout", "cancelled"};
  if (std::find(std::begin(kStatuses), std::end(kStatuses), lr.status) == std::end(kStatuses)) {
    return Response::error(400, "invalid_argument", "status must be queued, running, success, error, timeout or cancelled",
                           {{"field", "status"}});
  }
  lr.offset = paging->offset();
  lr.limit = paging->page_size;
  auto page = s.store->list_executions(lr);
  if (!page.ok()) return http::from_error(page.error());
  auto items = nlohmann::json::array();
  for (const auto& e : page->items) items.push_back(execution_json(e));
  return Response::json(200, page_json(std::move(items), page->total, paging->page, paging->page_size));
}

nlohmann::json step_json(const store::ExecutionStep& st) {
  return {{"index", st.step_index},
          {"from", st.sender},
          {"to", st.target},
          {"payloadType", st.payload_class},
          {"payload", st.payload},
          {"status", st.status},
          {"error", st.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(st.error)},
          {"startedAt", iso_time(st.started_at_ms)}};
}

Response get_execution(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto e = s.store->get_execution(c.org.id, id);
  if (!e.ok()) return from_store(e.error(), execution_not_found);
  auto steps = s.store->list_execution_steps(c.org.id, id);
  if (!steps.ok()) return http::from_error(steps.error());
  auto calls = s.store->list_llm_calls(c.org.id, id);
  if (!calls.ok()) return http::from_error(calls.error());
  auto j = execution_json(*e);
  std::vector<nlohmann::json> steps_usage;
  j["usage"] = execution_usage_json(*calls, *steps, steps_usage);
  auto arr = nlohmann::json::array();
  for (std::size_t i = 0; i < steps->size(); ++i) {
    auto st = step_json((*steps)[i]);
    st["usage"] = std::move(steps_usage[i]);
    arr.push_back(std::move(st));
  }
  j["steps"] = std::move(arr);
  return Response::json(200, j);
}

Response cancel_execution(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto e = s.runtime->cancel(c.org.id, id);
  if (!e.ok()) {
    if (e.error().code == ErrorCode::Conflict) return Response::error(409, "conflict", e.error().message);
    return from_store(e.error(), execution_not_found);
  }
  audit(s, c, req, "execution.cancel", "execution", id);
  return Response::json(200, execution_json(*e));
}

// A re-run is a new execution with the same target and payload, on the flow's current version.
Response rerun_execution(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto e = s.store->get_execution(c.org.id, id);
  if (!e.ok()) return from_store(e.error(), execution_not_found);
  auto input = stored_json(e->input);
  TriggerCall call;
  call.org_id = c.org.id;
  call.flow_id = e->flow_id;
  call.trigger_id = e->trigger_id;
  call.target = input.value("target", std::string());
  call.manual = true;
  audit(s, c, req, "execution.rerun", "execution", id);
  return submit_trigger(s, req, call, input.value("payload", std::string()), /*body_is_xml=*/true);
}

std::string event_frame_data(const runtime::LogEvent& ev) {
  auto data = nlohmann::json::parse(ev.data, nullptr, false);
  if (data.is_discarded()) data = nlohmann::json::object();
  data["type"] = ev.type;
  data["id"] = ev.id;
  data["at"] = iso_time(ev.at_ms);
  return data.dump();
}

// Sends an event with an SSE id line so EventSource reconnects with Last-Event-ID.
bool send_event(http::EventStream& stream, const runtime::LogEvent& ev) {
  return stream.send(ev.type, event_frame_data(ev), ev.id > 0 ? std::to_string(ev.id) : std::string());
}

Response execution_events(ApiServices& s, const Request& req, const Caller& c) {
  const std::string id = req.path_param("id").value_or("");
  auto e = s.store->get_execution(c.org.id, id);
  if (!e.ok()) return from_store(e.error(), execution_not_found);
  auto stream = std::make_shared<http::EventStream>();
  const std::string flow_id = e->flow_id;
  // Subscribe first, then replay, so nothing falls between the two; a replayed event may
  // arrive twice, and clients de-duplicate by id.
  std::weak_ptr<http::EventStream> weak = stream;
  auto handle = s.logs->subscribe(c.org.id, flow_id, id, [weak](const runtime::LogEvent& ev) {
    auto st = weak.lock();
    if (!st) return false;
    bool ok = send_event(*st, ev);
    if (ev.type == "execution.finished") st->close();
    return ok && ev.type != "execution.finished";
  });
  for (const auto& ev : s.logs->of_execution(c.org.id, flow_id, id)) send_event(*stream, ev);
  auto now = s.store->get_execution(c.org.id, id);
  if (now.ok() && now->status != "queued" && now->status != "running") {
    // Already over (perhaps long ago, its events gone from the ring): say how it ended.
    runtime::LogEvent done;
    done.type = "execution.finished";
    done.execution_id = id;
    done.data = nlohmann::json{{"executionId", id}, {"status", now->status}, {"error", now->error}, {"output", now->output}}.dump();
    done.at_ms = now->finished_at_ms.value_or(now->started_at_ms);
    send_event(*stream, done);
    stream->close();
    s.logs->unsubscribe(handle);
  }
  return Response::event_stream(stream);
}

Response flow_logs(ApiServices& s, const Request& req, const Caller& c) {
  const std::string flow_id = req.path_param("id").value_or("");
  if (auto f = s.store->get_flow(c.org.id, flow_id); !f.ok()) return from_store(f.error(), flow_not_found);
  std::int64_t after = 0;
  if (auto a = req.query_param("after")) {
    auto v = positive_integer(*a, "after");
    if (!v.ok()) return http::from_error(v.error());
    after = *v;
  }
  if (auto last = req.header("Last-Event-ID")) {
    auto v = positive_integer(*last, "Last-Event-ID");
    if (v.ok()) after = *v;
  }
  const bool sse = req.header("Accept").value_or("").find("text/event-stream") != std::string_view::npos;
  if (!sse) {
    std::int64_t limit = 100;
    if (auto l = req.query_param("limit")) {
      auto v = positive_integer(*l, "limit");
      if (!v.ok()) return http::from_error(v.error());
      limit = std::min<std::int64_t>(*v, 1000);
    }
    auto events = s.logs->since(c.org.id, flow_id, after, static_cast<std::size_t>(limit));
    auto items = nlohmann::json::array();
    std::int64_t next = after;
    for (const auto& ev : events) {
      items.push_back(nlohmann::json::parse(event_frame_data(ev)));
      next = ev.id;
    }
    return Response::json(200, {{"items", std::move(items)}, {"nextAfter", next}});
  }
  auto stream = std::make_shared<http::EventStream>();
  std::weak_ptr<http::EventStream> weak = stream;
  s.logs->subscribe(c.org.id, flow_id, "", [weak, after](const runtime::LogEvent& ev) {
    auto st = weak.lock();
    if (!st || ev.id <= after) return static_cast<bool>(st);
    return send_event(*st, ev);
  });
  for (const auto& ev : s.logs->since(c.org.id, flow_id, after, 1000)) send_event(*stream, ev);
  return Response::event_stream(stream);
}

}  // namespace

void add_execution_routes(http::Router& router, ApiServices& s) {
  router.post("/api/flows/{id}/start", with_caller(s, Role::Member, start_flow));
  router.post("/api/flows/{id}/stop", with_caller(s, Role::Member, stop_flow));
  router.get("/api/flows/{id}/status", with_caller(s, Role::Viewer, flow_status));
  router.get("/api/flows/{id}/executions", with_caller(s, Role::Viewer, list_executions));
  router.get("/api/executions/{id}", with_caller(s, Role::Viewer, get_execution));
  router.post("/api/executions/{id}/cancel", with_caller(s, Role::Member, cancel_execution));
  router.post("/api/executions/{id}/rerun", with_caller(s, Role::Member, rerun_execution));
  router.get("/api/executions/{id}/events", with_caller(s, Role::Viewer, execution_events));
  router.get("/api/flows/{id}/logs", with_caller(s, Role::Viewer, flow_logs));
}

}  // namespace nextra::api
