#include "api/routes.h"

#include "api/openapi.h"

namespace nextra::api {

void add_openapi_route(http::Router& router) {
  router.get("/api/openapi.json", [](const http::Request&) {
    static const std::string body = openapi_document().dump();
    auto r = http::Response::text(200, body, "application/json");
    r.headers.set("Cache-Control", "public, max-age=300");
    return r;
  });
}

void add_api_routes(http::Router& router, ApiServices& services) {
  add_openapi_route(router);
  add_auth_routes(router, services);
  add_org_routes(router, services);
  add_api_key_routes(router, services);
  add_flow_routes(router, services);
  add_version_routes(router, services);
  add_secret_routes(router, services);
  add_audit_routes(router, services);
  add_clerk_webhook(router, services);
  add_trigger_routes(router, services);
  add_execution_routes(router, services);
  add_usage_routes(router, services);
  add_module_routes(router, services);
  add_memory_routes(router, services);
  add_generate_routes(router, services);
}

}  // namespace nextra::api
