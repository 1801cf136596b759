#pragma once
// What webhooks and manual injections share: turning a request body into the target
// listener's payload (JSON converted, XML as is), submitting it to the runtime, and answering
// either at once (202 with the execution id) or, with ?wait=true, with the Output listener's
// payload (JSON or XML by Accept) once the execution ends.

#include <string>

#include "api/services.h"
#include "http/request.h"
#include "store/store.h"

namespace nextra::api {

struct TriggerCall {
  std::string org_id;
  std::string flow_id;
  std::string trigger_id;       // empty for manual runs
  std::string target;           // empty = the trigger's or the flow's first listener
  std::string idempotency_key;
  bool manual = false;
};

// `body` is the payload: a JSON object (Content-Type application/json) or an XML document
// (application/xml, text/xml). Answers 202/200/4xx/5xx as docs/api.md describes.
http::Response submit_trigger(ApiServices& s, const http::Request& req, const TriggerCall& call,
                              const std::string& body, bool body_is_xml);

// The Execution shape {id, flowId, flowVersion, triggerId, status, input, output, error,
// attempts, startedAt, finishedAt, durationMs}.
nlohmann::json execution_json(const store::ExecutionRecord& e);

}  // namespace nextra::api
