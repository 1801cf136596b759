// Triggers: the ways executions start (issue #4).
//
//   GET/POST /api/flows/{id}/triggers, GET/PATCH/DELETE /api/flows/{id}/triggers/{triggerId}
//   POST /api/flows/{id}/triggers/{triggerId}/rotate   a new webhook token (shown once)
//   POST /api/triggers/{flow_id}/webhook/{token}        public; token (+ optional HMAC) is the auth
//   POST /api/triggers/{flow_id}/inject                 manual run, authenticated
//   GET  /api/schedule/preview?cron=&timezone=&count=   next firings of a cron expression
//
// Webhook tokens are 256 random bits, stored as SHA-256. A wrong token, a wrong flow id and a
// disabled trigger all answer the same 404, so the endpoint reveals nothing.
#include <ctime>

#include "api/accounts.h"
#include "api/caller.h"
#include "api/json_body.h"
#include "api/json_views.h"
#include "api/routes.h"
#include "api/trigger_submit.h"
#include "api/triggers.h"
#include "auth/tokens.h"
#include "http/error_mapping.h"
#include "schedule/cron.h"
#include "schedule/time_zone.h"
#include "vault/secret_refs.h"

namespace nextra::api {
namespace {

using http::Request;
using http::Response;
using store::Role;

Response trigger_not_found() { return Response::error(404, "not_found", "trigger not found"); }

std::string webhook_path(const std::string& flow_id, const std::string& token) {
  return "/api/triggers/" + flow_id + "/webhook/" + token;
}

Response list_triggers(ApiServices& s, const Request& req, const Caller& c) {
  const std::string flow_id = req.path_param("id").value_or("");
  if (auto f = s.store->get_flow(c.org.id, flow_id); !f.ok()) {
    return f.error().code == ErrorCode::NotFound ? Response::error(404, "not_found", "flow not found") : http::from_error(f.error());
  }
  auto list = s.store->list_triggers(c.org.id, flow_id);
  if (!list.ok()) return http::from_error(list.error());
  auto items = nlohmann::json::array();
  for (const auto& t : *list) items.push_back(trigger_json(t));
  return Response::json(200, {{"items", std::move(items)}});
}

Response create_trigger(ApiServices& s, const Request& req, const Caller& c) {
  const std::string flow_id = req.path_param("id").value_or("");
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto spec = trigger_from_json(s, c.org.id, flow_id, *body, nullptr);
  if (!spec.ok()) {
    return spec.error().code == ErrorCode::NotFound && spec.error().field.empty()
               ? Response::error(404, "not_found", "flow not found")
               : http::from_error(spec.error());
  }
  std::string token;
  store::CreateTriggerRequest cr;
  cr.org_id = c.org.id;
  cr.flow_id = flow_id;
  cr.kind = spec->kind;
  cr.name = spec->name;
  cr.config = spec->config.dump();
  cr.enabled = spec->enabled;
  if (cr.kind == "webhook") {
    token = auth::random_token(32);
    cr.token_hash = auth::sha256_hex(token);
  }
  auto t = s.store->create_trigger(cr);
  s.webhook_triggers.clear();
  if (!t.ok()) {
    if (t.error().code == ErrorCode::AlreadyExists) {
      return Response::error(409, "already_exists", "the flow already has a trigger named '" + cr.name + "'", {{"field", "name"}});
    }
    return http::from_error(t.error());
  }
  audit(s, c, req, "trigger.create", "trigger", t->id, {{"flowId", flow_id}, {"type", t->kind}, {"name", t->name}});
  auto j = trigger_json(*t);
  if (!token.empty()) {
    j["token"] = token;
    j["webhookPath"] = webhook_path(flow_id, token);
  }
  return Response::json(201, j);
}

Result<store::Trigger> load_trigger(ApiServices& s, const Request& req, const Caller& c) {
  NEXTRA_ASSIGN_OR_RETURN(auto t, s.store->get_trigger(c.org.id, req.path_param("triggerId").value_or("")));
  if (t.flow_id != req.path_param("id").value_or("")) return Error::make(ErrorCode::NotFound, "trigger not found");
  return t;
}

Response get_trigger(ApiServices& s, const Request& req, const Caller& c) {
  auto t = load_trigger(s, req, c);
  if (!t.ok()) return t.error().code == ErrorCode::NotFound ? trigger_not_found() : http::from_error(t.error());
  return Response::json(200, trigger_json(*t));
}

Response patch_trigger(ApiServices& s, const Request& req, const Caller& c) {
  auto t = load_trigger(s, req, c);
  if (!t.ok()) return t.error().code == ErrorCode::NotFound ? trigger_not_found() : http::from_error(t.error());
  auto body = parse_json_object(req);
  if (!body.ok()) return http::from_error(body.error());
  auto spec = trigger_from_json(s, c.org.id, t->flow_id, *body, &*t);
  if (!spec.ok()) return http::from_error(spec.error());
  if (spec->kind != t->kind) {
    return Response::error(400, "invalid_argument", "a trigger's type cannot change; create a new trigger", {{"field", "type"}});
  }
  store::UpdateTriggerRequest ur;
  ur.org_id = c.org.id;
  ur.trigger_id = t->id;
  ur.name = spec->name;
  ur.config = spec->config.dump();
  ur.enabled = spec->enabled;
  auto updated = s.store->update_trigger(ur);
  s.webhook_triggers.clear();
  if (!updated.ok()) {
    if (updated.error().code == ErrorCode::AlreadyExists) {
      return Response::error(409, "already_exists", "the flow already has a trigger with this name", {{"field", "name"}});
    }
    return http::from_error(updated.error());
  }
  audit(s, c, req, "trigger.update", "trigger", t->id, {{"flowId", t->flow_id}});
  return Response::json(200, trigger_json(*updated));
}

Response delete_trigger(ApiServices& s, const Request& req, const Caller& c) {
  auto t = load_trigger(s, req, c);
  if (!t.ok()) return t.error().code == ErrorCode::NotFound ? trigger_not_found() : http::from_error(t.error());
  auto r = s.store->delete_trigger(c.org.id, t->id);
  s.webhook_triggers.clear();
  if (!r.ok()) return http::from_error(r.error());
  audit(s, c, req, "trigger.delete", "trigger", t->id, {{"flowId", t->flow_id}});
  Response resp;
  resp.status = 204;
  return resp;
}

Response rotate_token(ApiServices& s, const Request& req, const Caller& c) {
  auto t = load_trigger(s, req, c);
  if (!t.ok()) return t.error().code == ErrorCode::NotFound ? trigger_not_found() : http::from_error(t.error());
  if (t->kind != "webhook") return Response::error(400, "invalid_argument", "only webhook triggers have tokens");
  const std::string token = auth::random_token(32);
  store::UpdateTriggerRequest ur;
  ur.org_id = c.org.id;
  ur.trigger_id = t->id;
  ur.token_hash = auth::sha256_hex(token);
  auto updated = s.store->update_trigger(ur);
  s.webhook_triggers.clear();
  if (!updated.ok()) return http::from_error(updated.error());
  audit(s, c, req, "trigger.rotate", "trigger", t->id, {{"flowId", t->flow_id}});
  auto j = trigger_json(*updated);
  j["token"] = token;
  j["webhookPath"] = webhook_path(t->flow_id, token);
  auto r = Response::json(200, j);
  r.headers.set("Cache-Control", "no-store");
  return r;
}

// Content-Type decides how the body is read; anything else is refused rather than guessed.
std::optional<bool> body_is_xml(const Request& req) {
  auto type = std::string(req.header("Content-Type").value_or(""));
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (http::iequals(type, "application/json")) return false;
  if (http::iequals(type, "application/xml") || http::iequals(type, "text/xml")) return true;
  return std::nullopt;
}

// Optional webhook signature: X-Nextra-Timestamp (Unix seconds) and X-Nextra-Signature
// "v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>", the secret being a vault secret
// named by the trigger's config.signatureSecret.
std::optional<Response> check_signature(ApiServices& s, const store::Trigger& t, const Request& req) {
  auto config = stored_json(t.config);
  auto name = config.value("signatureSecret", std::string());
  if (name.empty()) return std::nullopt;
  auto ts_text = std::string(req.header("X-Nextra-Timestamp").value_or(""));
  auto sig = std::string(req.header("X-Nextra-Signature").value_or(""));
  if (ts_text.empty() || sig.empty()) {
    return Response::error(401, "signature_invalid", "this webhook needs X-Nextra-Timestamp and X-Nextra-Signature");
  }
  char* end = nullptr;
  long long ts = std::strtoll(ts_text.c_str(), &end, 10);
  if (end == ts_text.c_str() || *end != '\0') return Response::error(401, "signature_invalid", "X-Nextra-Timestamp must be Unix seconds");
  const std::int64_t now = s.now_ms() / 1000;
  if (ts < now - s.config.webhook_signature_tolerance_s || ts > now + s.config.webhook_signature_tolerance_s) {
    return Response::error(401, "signature_invalid", "the signature's timestamp is too old or in the future");
  }
  auto secret = s.store->get_secret(t.org_id, name);
  if (!secret.ok()) return Response::error(401, "signature_invalid", "the webhook's signing secret is missing");
  auto key = s.vault->open(t.org_id, name, {secret->ciphertext, secret->nonce});
  if (!key.ok()) return Response::error(500, "internal", "the webhook's signing secret could not be opened");
  const std::string mac = auth::hmac_sha256(*key, ts_text + "." + req.body);
  static const char* hex = "0123456789abcdef";
  std::string expected = "v1=";
  for (unsigned char ch : mac) {
    expected += hex[ch >> 4];
    expected += hex[ch & 15];
  }
  if (!auth::constant_time_equals(expected, sig)) return Response::error(401, "signature_invalid", "signature mismatch");
  return std::nullopt;
}

Response webhook(ApiServices& s, const Request& req) {
  if (req.body.size() > s.config.max_trigger_body_bytes) {
    return Response::error(413, "payload_too_large", "the webhook body is larger than the limit",
                           {{"limit", s.config.max_trigger_body_bytes}});
  }
  const std::string flow_id = req.path_param("flow_id").value_or("");
  const std::string token = req.path_param("token").value_or("");
  const std::string key = flow_id + "/" + auth::sha256_hex(token);
  std::shared_ptr<const ApiServices::HotWebhook> hot;
  if (auto cached = s.webhook_triggers.get(key)) {
    hot = std::move(*cached);
  } else {
    auto t = s.store->find_webhook_trigger(flow_id, key.substr(flow_id.size() + 1));
    if (!t.ok()) {
      if (t.error().code == ErrorCode::NotFound) return Response::error(404, "not_found", "not found");
      return http::from_error(t.error());
    }
    std::string target = stored_json(t->config).value("target", std::string());
    hot = std::make_shared<const ApiServices::HotWebhook>(ApiServices::HotWebhook{std::move(t).value(), std::move(target)});
    s.webhook_triggers.put(key, hot);
  }
  const store::Trigger& t = hot->trigger;
  if (auto bad = check_signature(s, t, req)) return std::move(*bad);
  auto xml = body_is_xml(req);
  if (!xml) {
    return Response::error(415, "unsupported_media_type", "send application/json or application/xml",
                           {{"field", "Content-Type"}});
  }
  TriggerCall call;
  call.org_id = t.org_id;
  call.flow_id = t.flow_id;
  call.trigger_id = t.id;
  call.target = hot->target;
  call.idempotency_key = std::string(req.header("Idempotency-Key").value_or(""));
  return submit_trigger(s, req, call, req.body, *xml);
}

// Manual run: {target?, payload?: object} as JSON, or an XML payload with ?target=.
Response inject(ApiServices& s, const Request& req, const Caller& c) {
  const std::string flow_id = req.path_param("flow_id").value_or("");
  if (auto f = s.store->get_flow(c.org.id, flow_id); !f.ok()) {
    return f.error().code == ErrorCode::NotFound ? Response::error(404, "not_found", "flow not found") : http::from_error(f.error());
  }
  TriggerCall call;
  call.org_id = c.org.id;
  call.flow_id = flow_id;
  call.manual = true;
  call.idempotency_key = std::string(req.header("Idempotency-Key").value_or(""));
  auto xml = body_is_xml(req);
  if (xml && *xml) {
    call.target = req.query_param("target").value_or("");
    audit(s, c, req, "flow.inject", "flow", flow_id, {{"target", call.target}});
    return submit_trigger(s, req, call, req.body, true);
  }
  auto body = parse_json_object(req, /*allow_empty=*/true);
  if (!body.ok()) return http::from_error(body.error());
  auto target = optional_string(*body, "target", 200);
  if (!target.ok()) return http::from_error(target.error());
  call.target = target->value_or(req.query_param("target").value_or(""));
  auto payload_it = body->find("payload");
  nlohmann::json payload = payload_it == body->end() ? nlohmann::json::object() : *payload_it;
  if (!payload.is_object()) return Response::error(400, "invalid_argument", "payload must be a JSON object", {{"field", "payload"}});
  audit(s, c, req, "flow.inject", "flow", flow_id, {{"target", call.target}});
  return submit_trigger(s, req, call, payload.dump(), false);
}

Response preview(ApiServices& s, const Request& req, const Caller&) {
  auto cron_text = req.query_param("cron");
  if (!cron_text) return Response::error(400, "invalid_argument", "cron is required", {{"field", "cron"}});
  auto cron = schedule::CronExpression::parse(*cron_text);
  if (!cron.ok()) {
    Error e = cron.error();
    e.field = "cron";
    return http::from_error(e);
  }
  auto tz = schedule::TimeZone::load(req.query_param("timezone").value_or("UTC"));
  if (!tz.ok()) {
    Error e = tz.error();
    e.field = "timezone";
    return http::from_error(e);
  }
  int count = 5;
  if (auto n = req.query_param("count")) {
    auto v = positive_integer(*n, "count");
    if (!v.ok()) return http::from_error(v.error());
    count = static_cast<int>(std::min<std::int64_t>(*v, 100));
  }
  auto next = cron->next_n(s.now_ms() / 1000, *tz, count);
  auto items = nlohmann::json::array();
  for (auto t : next) items.push_back(iso_time(t * 1000));
  return Response::json(200, {{"cron", *cron_text}, {"timezone", tz->name()}, {"next", std::move(items)}});
}

}  // namespace

void add_trigger_routes(http::Router& router, ApiServices& s) {
  router.get("/api/flows/{id}/triggers", with_caller(s, Role::Viewer, list_triggers));
  router.post("/api/flows/{id}/triggers", with_caller(s, Role::Member, create_trigger));
  router.get("/api/flows/{id}/triggers/{triggerId}", with_caller(s, Role::Viewer, get_trigger));
  router.patch("/api/flows/{id}/triggers/{triggerId}", with_caller(s, Role::Member, patch_trigger));
  router.del("/api/flows/{id}/triggers/{triggerId}", with_caller(s, Role::Member, delete_trigger));
  router.post("/api/flows/{id}/triggers/{triggerId}/rotate", with_caller(s, Role::Member, rotate_token));
  router.post("/api/triggers/{flow_id}/webhook/{token}", [&s](const Request& req) { return webhook(s, req); });
  router.post("/api/triggers/{flow_id}/inject", with_caller(s, Role::Member, inject));
  router.get("/api/schedule/preview", with_caller(s, Role::Viewer, preview));
}

}  // namespace nextra::api
