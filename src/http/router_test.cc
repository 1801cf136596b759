#include "http/router.h"

#include <gtest/gtest.h>

#include "http/error_mapping.h"
#include "http/health.h"

namespace nextra::http {
namespace {

Request make(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  return r;
}

nlohmann::json body_of(const Response& r) { return nlohmann::json::parse(r.body); }

TEST(Headers, LookupIsCaseInsensitive) {
  Headers h;
  h.add("Content-Type", "a");
  h.add("X-Thing", "1");
  EXPECT_EQ(h.get("content-type"), "a");
  EXPECT_EQ(h.get("X-THING"), "1");
  EXPECT_FALSE(h.get("missing").has_value());
  h.set("CONTENT-TYPE", "b");
  EXPECT_EQ(h.get("Content-Type"), "b");
  EXPECT_EQ(h.entries().size(), 2u);
}

TEST(Query, DecodesPairs) {
  auto q = parse_query("a=1&b=x%20y&c=p+q&flag&=&d=%zz");
  EXPECT_EQ(q["a"], "1");
  EXPECT_EQ(q["b"], "x y");
  EXPECT_EQ(q["c"], "p q");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q["d"], "%zz");
  EXPECT_FALSE(percent_decode("%4", false).has_value());
  EXPECT_EQ(percent_decode("a+b%2F", false), "a+b/");
}

TEST(Router, ExtractsPathParams) {
  Router router;
  router.get("/api/flows/{id}/versions/{n}", [](const Request& r) {
    return Response::json(200, {{"id", *r.path_param("id")}, {"n", *r.path_param("n")}});
  });
  auto req = make("GET", "/api/flows/ab%2Fc/versions/7");
  auto res = router.handle(req);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(body_of(res)["id"], "ab/c");  // an encoded slash stays inside its segment
  EXPECT_EQ(body_of(res)["n"], "7");
  EXPECT_EQ(res.headers.get("Content-Type"), "application/json");
}

TEST(Router, LiteralSegmentsAndEmptyParamsDoNotMatch) {
  Router router;
  router.get("/api/flows/{id}", [](const Request&) { return Response::json(200, {}); });
  auto a = make("GET", "/api/flows/");
  EXPECT_EQ(router.handle(a).status, 404);
  auto b = make("GET", "/api/flowsx/1");
  EXPECT_EQ(router.handle(b).status, 404);
  auto c = make("GET", "/api/flows/1/extra");
  EXPECT_EQ(router.handle(c).status, 404);
}

TEST(Router, UnknownPathIsApiError404) {
  Router router;
  auto req = make("GET", "/nope");
  auto res = router.handle(req);
  EXPECT_EQ(res.status, 404);
  auto j = body_of(res);
  EXPECT_EQ(j["code"], "not_found");
  EXPECT_TRUE(j["message"].is_string());
  EXPECT_TRUE(j["details"].is_object());
}

TEST(Router, WrongMethodIs405WithAllow) {
  Router router;
  router.get("/api/flows/{id}", [](const Request&) { return Response::json(200, {}); });
  router.put("/api/flows/{id}", [](const Request&) { return Response::json(200, {}); });
  auto req = make("POST", "/api/flows/1");
  auto res = router.handle(req);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.headers.get("allow"), "GET, HEAD, PUT");
  EXPECT_EQ(body_of(res)["code"], "method_not_allowed");
}

TEST(Router, HeadUsesGetAndFallbackOnlyForGet) {
  Router router;
  router.get("/x", [](const Request&) { return Response::text(200, "x"); });
  router.set_fallback([](const Request&) { return Response::text(200, "fallback"); });
  auto head = make("HEAD", "/x");
  EXPECT_EQ(router.handle(head).body, "x");
  auto get = make("GET", "/other");
  EXPECT_EQ(router.handle(get).body, "fallback");
  auto post = make("POST", "/other");
  EXPECT_EQ(router.handle(post).status, 404);
}

TEST(Router, ThrowingHandlerIs500) {
  Router router;
  router.get("/boom", [](const Request&) -> Response { throw std::runtime_error("kaput"); });
  auto req = make("GET", "/boom");
  auto res = router.handle(req);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(body_of(res)["code"], "internal");
}

TEST(ErrorMapping, CodesToStatuses) {
  EXPECT_EQ(http_status_for(ErrorCode::InvalidArgument), 400);
  EXPECT_EQ(http_status_for(ErrorCode::MalformedXml), 400);
  EXPECT_EQ(http_status_for(ErrorCode::SchemaViolation), 422);
  EXPECT_EQ(http_status_for(ErrorCode::NotFound), 404);
  EXPECT_EQ(http_status_for(ErrorCode::AlreadyExists), 409);
  EXPECT_EQ(http_status_for(ErrorCode::Conflict), 409);
  EXPECT_EQ(http_status_for(ErrorCode::PermissionDenied), 403);
  EXPECT_EQ(http_status_for(ErrorCode::ResourceExhausted), 429);
  EXPECT_EQ(http_status_for(ErrorCode::DeadlineExceeded), 504);
  EXPECT_EQ(http_status_for(ErrorCode::Unavailable), 503);
  EXPECT_EQ(http_status_for(ErrorCode::Cancelled), 503);
  EXPECT_EQ(http_status_for(ErrorCode::Internal), 500);
}

TEST(ErrorMapping, FromErrorCarriesPosition) {
  Error e{ErrorCode::SchemaViolation, "bad listener", "listeners.0.name", 3, 7};
  auto res = from_error(e);
  EXPECT_EQ(res.status, 422);
  auto j = body_of(res);
  EXPECT_EQ(j["code"], "schema_violation");
  EXPECT_EQ(j["message"], "bad listener");
  EXPECT_EQ(j["details"]["field"], "listeners.0.name");
  EXPECT_EQ(j["details"]["line"], 3);
  EXPECT_EQ(j["details"]["column"], 7);
  auto plain = body_of(from_error(Error::make(ErrorCode::NotFound, "x")));
  EXPECT_TRUE(plain["details"].empty());
}

TEST(Health, HealthzAndReadyz) {
  Router router;
  bool ready = true;
  add_health_routes(router, [&] {
    return ready ? Readiness{} : Readiness{false, {{"database", "unreachable"}}};
  });
  auto h = make("GET", "/healthz");
  auto res = router.handle(h);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(body_of(res), nlohmann::json({{"status", "ok"}}));
  auto r1 = make("GET", "/readyz");
  EXPECT_EQ(router.handle(r1).status, 200);
  ready = false;
  auto r2 = make("GET", "/readyz");
  auto res2 = router.handle(r2);
  EXPECT_EQ(res2.status, 503);
  EXPECT_EQ(body_of(res2)["code"], "not_ready");
  EXPECT_EQ(body_of(res2)["details"]["database"], "unreachable");
}

}  // namespace
}  // namespace nextra::http

namespace nextra::http {
namespace {

TEST(EventStream, FramesCarryTheIdForLastEventIdReplay) {
  EventStream s;
  ASSERT_TRUE(s.send("step", "{\"a\":1}", "42"));
  ASSERT_TRUE(s.send("note", "line one\nline two"));
  EXPECT_EQ(s.take().frames, "id: 42\nevent: step\ndata: {\"a\":1}\n\nevent: note\ndata: line one\ndata: line two\n\n");
}

}  // namespace
}  // namespace nextra::http
