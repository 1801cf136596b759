// The published OpenAPI document and the server's router must describe the same API: every
// route is documented and every documented operation exists.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "api/openapi.h"
#include "api/routes.h"
#include "api/services.h"
#include "api_fixture.h"
#include "http/health.h"

namespace nextra::apitest {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

TEST(OpenApi, DocumentListsExactlyTheRoutesTheServerServes) {
  http::Router router;
  api::ApiServices services;  // the routes only capture it; nothing is called
  http::add_health_routes(router);
  api::add_api_routes(router, services);
  std::set<std::string> served;
  for (const auto& r : router.routes()) served.insert(lower(r.method) + " " + r.pattern);

  const auto& doc = api::openapi_document();
  ASSERT_TRUE(doc.contains("paths"));
  std::set<std::string> documented;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      documented.insert(method + " " + path);
    }
  }
  for (const auto& s : served) EXPECT_TRUE(documented.count(s)) << "served but not documented: " << s;
  for (const auto& d : documented) EXPECT_TRUE(served.count(d)) << "documented but not served: " << d;
}

TEST(OpenApi, EveryOperationHasAnIdAndResponses) {
  const auto& doc = api::openapi_document();
  EXPECT_EQ(doc.value("openapi", std::string()).substr(0, 2), "3.");
  std::set<std::string> ids;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      if (!op.is_object() || method == "parameters") continue;
      ASSERT_TRUE(op.contains("operationId")) << method << " " << path;
      EXPECT_TRUE(ids.insert(op["operationId"].get<std::string>()).second) << "duplicate id at " << path;
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
    }
  }
}

class OpenApiServed : public ApiTest {};

TEST_F(OpenApiServed, IsServedAsJson) {
  auto r = client().get("/api/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_TRUE(r.json.contains("paths"));
}

}  // namespace
}  // namespace nextra::apitest
