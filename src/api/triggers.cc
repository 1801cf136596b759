#include "api/triggers.h"

#include <map>

#include "api/json_body.h"
#include "api/json_views.h"
#include "auth/tokens.h"
#include "schedule/cron.h"
#include "schedule/time_zone.h"
#include "vault/secret_refs.h"

namespace nextra::api {
namespace {

Error field_error(const char* field, std::string message) {
  Error e = Error::invalid(std::move(message));
  e.field = field;
  return e;
}

Status check_schedule(const nlohmann::json& config) {
  auto cron = config.value("cron", std::string());
  if (cron.empty()) return field_error("config.cron", "a schedule trigger needs config.cron");
  auto parsed = schedule::CronExpression::parse(cron);
  if (!parsed.ok()) {
    Error e = parsed.error();
    e.field = "config.cron";
    return e;
  }
  auto tz = schedule::TimeZone::load(config.value("timezone", std::string("UTC")));
  if (!tz.ok()) {
    Error e = tz.error();
    e.field = "config.timezone";
    return e;
  }
  auto missed = config.value("missed", std::string("skip"));
  if (missed != "skip" && missed != "catch_up") return field_error("config.missed", "config.missed must be skip or catch_up");
  return {};
}

}  // namespace

nlohmann::json trigger_json(const store::Trigger& t) {
  return {{"id", t.id},
          {"flowId", t.flow_id},
          {"name", t.name},
          {"type", t.kind},
          {"config", stored_json(t.config)},
          {"enabled", t.enabled},
          {"createdAt", iso_time(t.created_at_ms)},
          {"updatedAt", iso_time(t.updated_at_ms)}};
}

Result<TriggerSpec> trigger_from_json(ApiServices& s, const std::string& org_id, const std::string& flow_id,
                                      const nlohmann::json& body, const store::Trigger* existing) {
  NEXTRA_TRY(s.store->get_flow(org_id, flow_id));
  TriggerSpec spec;
  if (existing) {
    spec.kind = existing->kind;
    spec.name = existing->name;
    spec.config = stored_json(existing->config);
    spec.enabled = existing->enabled;
  }
  NEXTRA_ASSIGN_OR_RETURN(auto type, optional_string(body, "type", 32));
  if (type) spec.kind = *type;
  if (spec.kind.empty()) return field_error("type", "type is required (webhook, schedule or manual)");
  if (spec.kind != "webhook" && spec.kind != "schedule" && spec.kind != "manual") {
    return field_error("type", "type must be webhook, schedule or manual");
  }
  NEXTRA_ASSIGN_OR_RETURN(auto name, optional_string(body, "name", 200));
  if (name) spec.name = *name;
  if (spec.name.empty()) return field_error("name", "name is required");
  if (auto it = body.find("enabled"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return field_error("enabled", "enabled must be true or false");
    spec.enabled = it->get<bool>();
  }
  if (auto it = body.find("config"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return field_error("config", "config must be an object");
    for (const auto& [k, v] : it->items()) spec.config[k] = v;
  }
  if (!spec.config.contains("source")) spec.config["source"] = "api";
  for (const char* k : {"target", "cron", "timezone", "missed", "signatureSecret"}) {
    if (spec.config.contains(k) && !spec.config[k].is_string()) {
      return field_error("config", std::string("config.") + k + " must be a string");
    }
  }
  if (spec.config.dump().size() > 64 * 1024) return field_error("config", "config is larger than 64 KiB");
  auto target = spec.config.value("target", std::string());
  if (s.runtime) {
    auto resolved = s.runtime->resolve_target(org_id, flow_id, target);
    if (!resolved.ok()) {
      Error e = resolved.error();
      e.code = ErrorCode::InvalidArgument;
      e.field = "config.target";
      return e;
    }
  }
  if (spec.kind == "schedule") NEXTRA_TRY(check_schedule(spec.config));
  if (auto secret = spec.config.value("signatureSecret", std::string()); !secret.empty()) {
    auto valid = vault::validate_secret_name(secret);
    if (!valid.ok()) return field_error("config.signatureSecret", valid.error().message);
  }
  if (auto it = spec.config.find("payload"); it != spec.config.end() && !it->is_object()) {
    return field_error("config.payload", "config.payload must be an object");
  }
  return spec;
}

Status sync_yaml_triggers(ApiServices& s, const std::string& org_id, const std::string& flow_id,
                          const std::vector<flow::TriggerSpec>& yaml_triggers) {
  s.webhook_triggers.clear();
  NEXTRA_ASSIGN_OR_RETURN(auto existing, s.store->list_triggers(org_id, flow_id));
  std::map<std::string, const store::Trigger*> by_name;
  for (const auto& t : existing) by_name[t.name] = &t;
  std::map<std::string, bool> wanted;
  for (const auto& y : yaml_triggers) {
    wanted[y.name] = true;
    nlohmann::json config = {{"source", "yaml"}};
    if (!y.target.empty()) config["target"] = y.target;
    if (!y.cron.empty()) config["cron"] = y.cron;
    if (!y.timezone.empty()) config["timezone"] = y.timezone;
    auto it = by_name.find(y.name);
    if (it == by_name.end()) {
      store::CreateTriggerRequest cr{org_id, flow_id, y.type, y.name, config.dump(), "", true};
      if (y.type == "webhook") cr.token_hash = auth::sha256_hex(auth::random_token(32));
      NEXTRA_TRY(s.store->create_trigger(cr));
      continue;
    }
    const auto& t = *it->second;
    auto current = stored_json(t.config);
    if (current.value("source", std::string("api")) != "yaml") continue;  // an API trigger owns the name
    // Keep what only the API sets (payload, signatureSecret, missed), replace what YAML says.
    for (const char* k : {"payload", "signatureSecret", "missed"}) {
      if (current.contains(k)) config[k] = current[k];
    }
    if (t.kind != y.type) {
      NEXTRA_TRY(s.store->delete_trigger(org_id, t.id));
      store::CreateTriggerRequest cr{org_id, flow_id, y.type, y.name, config.dump(), "", true};
      if (y.type == "webhook") cr.token_hash = auth::sha256_hex(auth::random_token(32));
      NEXTRA_TRY(s.store->create_trigger(cr));
    } else if (current != config) {
      store::UpdateTriggerRequest ur;
      ur.org_id = org_id;
      ur.trigger_id = t.id;
      ur.config = config.dump();
      NEXTRA_TRY(s.store->update_trigger(ur));
    }
  }
  for (const auto& t : existing) {
    if (wanted.count(t.name)) continue;
    if (stored_json(t.config).value("source", std::string("api")) != "yaml") continue;
    NEXTRA_TRY(s.store->delete_trigger(org_id, t.id));
  }
  return {};
}

}  // namespace nextra::api
