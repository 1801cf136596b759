#pragma once
// The control plane's REST API under /api (docs/api.md; the OpenAPI document at
// /api/openapi.json lists exactly these routes). Each resource registers its own routes;
// add_api_routes registers them all.

#include "api/services.h"
#include "http/router.h"

namespace nextra::api {

void add_auth_routes(http::Router& router, ApiServices& services);     // setup, signup, login, logout, me
void add_org_routes(http::Router& router, ApiServices& services);      // orgs, members, invitations
void add_api_key_routes(http::Router& router, ApiServices& services);
void add_flow_routes(http::Router& router, ApiServices& services);     // flows, validate
void add_version_routes(http::Router& router, ApiServices& services);  // versions, diff, restore, publish
void add_secret_routes(http::Router& router, ApiServices& services);
void add_audit_routes(http::Router& router, ApiServices& services);
void add_clerk_webhook(http::Router& router, ApiServices& services);
void add_trigger_routes(http::Router& router, ApiServices& services);    // triggers, webhook, inject, schedule preview
void add_execution_routes(http::Router& router, ApiServices& services);  // start/stop/status, executions, logs
void add_usage_routes(http::Router& router, ApiServices& services);   // LLM usage and the monthly cap (issue #5)
void add_module_routes(http::Router& router, ApiServices& services);  // WASM modules (issue #7)
void add_generate_routes(http::Router& router, ApiServices& services);  // English → flow (flow_generate.h)
void add_memory_routes(http::Router& router, ApiServices& services);  // a flow's project memory (issue #5)
void add_openapi_route(http::Router& router);

// All of the above. `services` must outlive the router.
void add_api_routes(http::Router& router, ApiServices& services);

}  // namespace nextra::api
