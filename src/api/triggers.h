#pragma once
// The Trigger shape and its validation, shared by the trigger routes and by flow saves (the
// `triggers:` section of organism.yaml is synced into the triggers table on every save).
//
// Trigger {id, flowId, name, type: webhook|schedule|manual, config: {target, cron, timezone,
// missed: skip|catch_up, payload, signatureSecret, source: api|yaml}, enabled, createdAt,
// updatedAt}.

#include <string>

#include <nlohmann/json.hpp>

#include "api/services.h"
#include "flow/organism.h"
#include "store/store.h"

namespace nextra::api {

nlohmann::json trigger_json(const store::Trigger& t);

struct TriggerSpec {
  std::string kind;
  std::string name;
  nlohmann::json config = nlohmann::json::object();
  bool enabled = true;
};

// Validates a create (existing == nullptr) or PATCH body against the flow: type, name, a
// target that is a listener of the flow, cron and time zone for schedules, the missed-slot
// policy, the signing secret's name. Field-named InvalidArgument errors.
Result<TriggerSpec> trigger_from_json(ApiServices& s, const std::string& org_id, const std::string& flow_id,
                                      const nlohmann::json& body, const store::Trigger* existing);

// Makes the flow's triggers match the YAML's `triggers:` entries that came from YAML
// (config.source == "yaml"): creates new names, updates changed ones, deletes removed ones.
// Triggers created through the API are left alone. Webhook triggers created here get a
// token nobody knows; POST .../rotate shows a new one.
Status sync_yaml_triggers(ApiServices& s, const std::string& org_id, const std::string& flow_id,
                          const std::vector<flow::TriggerSpec>& yaml_triggers);

}  // namespace nextra::api
