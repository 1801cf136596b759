#include "api/trigger_submit.h"

#include "api/json_views.h"
#include "http/error_mapping.h"
#include "runtime/payload_json.h"
#include "schema/value_text.h"
#include "xml/payload_codec.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;

bool wants_xml(const Request& req) {
  auto accept = req.header("Accept").value_or("");
  return accept.find("xml") != std::string_view::npos && accept.find("json") == std::string_view::npos;
}

// The payload class a trigger's target accepts, from the flow's YAML as stored (the runtime
// checks it again against the running version).
Result<std::string> to_payload_xml(ApiServices& s, const TriggerCall& call, const std::string& target,
                                   const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Error::invalid("the body must be a JSON object (or send XML)");
  NEXTRA_ASSIGN_OR_RETURN(auto cls, s.runtime->payload_class(call.org_id, call.flow_id, target));
  return runtime::json_to_payload_xml(*cls, json);
}

// The answer to a synchronous call once its execution has a record: the output (JSON or
// XML), 502 for a failed execution, 202 if it is still running at the deadline.
struct Answer {
  ApiServices* s;
  std::string org_id;
  std::string flow_id;
  std::string execution_id;  // empty = the record's
  bool xml = false;
  bool replayed = false;

  // `output`: the Output listener's payload when the runtime handed it over; otherwise the
  // record's XML is parsed (idempotent replays, outputs the redactor changed, timeouts).
  Response operator()(const store::ExecutionRecord& done, const schema::PayloadPtr& output = nullptr) const {
    const std::string& id = execution_id.empty() ? done.id : execution_id;
    if (done.status == "queued" || done.status == "running") {
      auto r = Response::json(202, {{"executionId", id}, {"status", done.status}, {"location", "/api/executions/" + id}});
      r.headers.set("Location", "/api/executions/" + id);
      if (replayed) r.headers.set("Idempotent-Replayed", "true");
      return r;
    }
    if (done.status != "success") {
      return Response::error(502, "execution_failed", "the execution ended with status " + done.status,
                             {{"executionId", id}, {"status", done.status}, {"error", done.error}});
    }
    auto r = xml ? Response::text(200, done.output, "application/xml") : success_json(id, done, output);
    r.headers.set("X-Execution-Id", id);
    if (replayed) r.headers.set("Idempotent-Replayed", "true");
    return r;
  }

  // {executionId, output, outputType, status}, written directly (once per synchronous call).
  Response success_json(const std::string& id, const store::ExecutionRecord& done, schema::PayloadPtr output) const {
    if (!output && !done.output.empty()) {
      auto parsed = s->runtime->parse_output(org_id, flow_id, done.output);
      if (parsed.ok()) output = std::move(parsed).value();
    }
    std::string body = "{\"executionId\":";
    schema::append_json_string(id, body);
    body += ",\"output\":";
    if (output) {
      schema::append_json(schema::Value(output->record), body);
    } else {
      body += "null";
    }
    body += ",\"outputType\":";
    schema::append_json_string(output ? output->class_name() : std::string(), body);
    body += ",\"status\":";
    schema::append_json_string(done.status, body);
    body += '}';
    return Response::text(200, std::move(body), "application/json");
  }
};

}  // namespace

nlohmann::json execution_json(const store::ExecutionRecord& e) {
  auto input = stored_json(e.input);
  nlohmann::json j = {{"id", e.id},
                      {"flowId", e.flow_id},
                      {"flowVersion", e.flow_version},
                      {"triggerId", e.trigger_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.trigger_id)},
                      {"status", e.status},
                      {"input", input},
                      {"output", e.output.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.output)},
                      {"error", e.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.error)},
                      {"attempts", e.attempts},
                      {"startedAt", iso_time(e.started_at_ms)},
                      {"finishedAt", iso_time_or_null(e.finished_at_ms)},
                      {"durationMs", e.finished_at_ms ? nlohmann::json(*e.finished_at_ms - e.started_at_ms)
                                                      : nlohmann::json(nullptr)}};
  return j;
}

http::Response submit_trigger(ApiServices& s, const Request& req, const TriggerCall& call, const std::string& body,
                              bool body_is_xml) {
  if (!s.runtime) return Response::error(503, "unavailable", "the runtime is not running");
  if (call.idempotency_key.size() > 200) {
    return Response::error(400, "invalid_argument", "Idempotency-Key is longer than 200 characters",
                           {{"field", "Idempotency-Key"}});
  }
  auto target = s.runtime->resolve_target(call.org_id, call.flow_id, call.target);
  if (!target.ok()) return http::from_error(target.error());
  std::string payload_xml = body;
  if (!body_is_xml) {
    auto converted = to_payload_xml(s, call, *target, body);
    if (!converted.ok()) return http::from_error(converted.error());
    payload_xml = std::move(converted).value();
  }
  runtime::SubmitRequest sr;
  sr.org_id = call.org_id;
  sr.flow_id = call.flow_id;
  sr.trigger_id = call.trigger_id;
  sr.target = *target;
  sr.payload_xml = std::move(payload_xml);
  sr.idempotency_key = call.idempotency_key;
  sr.manual = call.manual;
  bool wait = false;
  if (auto w = req.query_param("wait")) wait = *w == "true" || *w == "1";
  auto timeout = s.config.default_wait;
  if (auto t = req.query_param("timeout")) {
    char* end = nullptr;
    double secs = std::strtod(t->c_str(), &end);
    if (end == t->c_str() || *end != '\0' || secs <= 0) {
      return Response::error(400, "invalid_argument", "timeout must be a number of seconds", {{"field", "timeout"}});
    }
    timeout = std::min(s.config.max_wait, std::chrono::milliseconds(static_cast<std::int64_t>(secs * 1000)));
  }
  std::shared_ptr<http::DeferredResponse> deferred;
  if (wait) {
    deferred = std::make_shared<http::DeferredResponse>();
    sr.on_final = [deferred, answer = Answer{&s, call.org_id, call.flow_id, "", wants_xml(req), false}](
                      const store::ExecutionRecord& rec, const schema::PayloadPtr& output) {
      deferred->complete([answer, rec, output] { return answer(rec, output); });
    };
  }
  auto submitted = s.runtime->submit(sr);
  if (!submitted.ok()) {
    const auto& e = submitted.error();
    if (e.code == ErrorCode::Conflict) return Response::error(409, "flow_stopped", e.message);
    if (e.code == ErrorCode::ResourceExhausted && e.field == "executions") {
      return Response::error(402, "tier_limit", e.message, {{"resource", "executions"}});
    }
    return http::from_error(e);
  }
  const auto& exec = submitted->execution;
  if (!wait) {
    auto r = Response::json(202, {{"executionId", exec.id}, {"status", exec.status},
                                  {"location", "/api/executions/" + exec.id}});
    if (!submitted->created) r.headers.set("Idempotent-Replayed", "true");
    r.headers.set("Location", "/api/executions/" + exec.id);
    return r;
  }
  Answer answer{&s, call.org_id, call.flow_id, exec.id, wants_xml(req), !submitted->created};
  if (!submitted->created) {  // a replay: its execution may have ended long ago
    auto done = s.runtime->wait(call.org_id, exec.id, timeout);
    if (!done.ok()) return http::from_error(done.error());
    return answer(*done);
  }
  // The io thread is free while the execution runs: the record writer completes the answer.
  deferred->set_deadline(std::chrono::steady_clock::now() + timeout, [answer] {
    auto rec = answer.s->store->get_execution(answer.org_id, answer.execution_id);
    if (!rec.ok()) return http::from_error(rec.error());
    return answer(*rec);
  });
  return Response::later(deferred);
}

}  // namespace nextra::api
