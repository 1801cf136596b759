#pragma once
// The OpenAPI 3.0.3 document describing the control plane's REST API. Served as-is by
// GET /api/openapi.json, and compared by the tests with the router's routes so the two
// cannot drift. Lives in code rather than a file on disk so the binary is self-contained.

#include <nlohmann/json_fwd.hpp>

namespace nextra::api {

// The parsed document; parsed once, on first call (thread-safe), then shared.
const nlohmann::json& openapi_document();

}  // namespace nextra::api
