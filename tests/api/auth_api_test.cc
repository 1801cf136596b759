// Accounts over HTTP: sign-up, log-in, log-out, sessions, CSRF, rate limits, first start.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>

#include "api_fixture.h"

namespace nextra::apitest {
namespace {

class AuthApi : public ApiTest {};

TEST_F(AuthApi, SignUpCreatesUserAndPersonalOrganizationAndSetsASessionCookie) {
  Client c = client();
  auto r = c.signup("Ada@Example.com", "correct horse battery", "Ada Lovelace");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["user"]["email"], "ada@example.com");  // normalised
  EXPECT_EQ(r.json["user"]["name"], "Ada Lovelace");
  EXPECT_FALSE(r.json["organization"]["id"].get<std::string>().empty());
  EXPECT_EQ(r.json["organization"]["plan"], "enterprise");  // self-hosted default
  EXPECT_FALSE(r.json["csrfToken"].get<std::string>().empty());
  const auto cookie = r.headers["set-cookie"];
  EXPECT_NE(cookie.find("nextra_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(r.json.dump().find("password"), std::string::npos);

  auto me = c.get("/api/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["user"]["email"], "ada@example.com");
  EXPECT_EQ(me.json["role"], "owner");
  EXPECT_EQ(me.json["authMethod"], "session");
  EXPECT_EQ(me.json["csrfToken"], c.csrf);
  EXPECT_EQ(me.json["organizations"].size(), 1u);
}

TEST_F(AuthApi, SignUpRejectsBadInputWithTheField) {
  Client c = client();
  auto dup = c.signup("dup@example.com");
  ASSERT_EQ(dup.status, 201);
  Client d = client();
  auto again = d.signup("DUP@example.com");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json["details"]["field"], "email");

  auto short_pw = d.post("/api/auth/signup", {{"email", "x@example.com"}, {"password", "short"}, {"name", "X"}});
  EXPECT_EQ(short_pw.status, 400);
  EXPECT_EQ(short_pw.json["details"]["field"], "password");

  auto bad_email = d.post("/api/auth/signup", {{"email", "not-an-email"}, {"password", "long enough pw"}, {"name", "X"}});
  EXPECT_EQ(bad_email.status, 400);
  EXPECT_EQ(bad_email.json["details"]["field"], "email");

  auto wrong_type = d.post("/api/auth/signup", {{"email", 42}, {"password", "long enough pw"}, {"name", "X"}});
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(wrong_type.json["details"]["field"], "email");

  auto missing = d.post("/api/auth/signup", {{"email", "y@example.com"}, {"password", "long enough pw"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json["details"]["field"], "name");
}

TEST_F(AuthApi, MalformedJsonNamesLineAndColumn) {
  Client c = client();
  auto r = c.call("POST", "/api/auth/signup", "{\n  \"email\": \"a@b.c\",\n  \"password\": ]\n}");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "invalid_argument");
  EXPECT_EQ(r.json["details"]["line"], 3);
  EXPECT_GT(r.json["details"]["column"].get<int>(), 1);

  auto not_object = c.call("POST", "/api/auth/login", "[1,2]");
  EXPECT_EQ(not_object.status, 400);
  auto wrong_type = c.call("POST", "/api/auth/login", "{}", {}, "text/plain");
  EXPECT_EQ(wrong_type.status, 400);
}

TEST_F(AuthApi, OversizedBodyIs413) {
  Client c = client();
  std::string big = "{\"email\":\"" + std::string(3 * 1024 * 1024, 'a') + "\"}";
  auto r = c.call("POST", "/api/auth/login", big);
  EXPECT_EQ(r.status, 413);
}

TEST_F(AuthApi, LoginLogoutAndTheSessionEnds) {
  Client c = user("bob@example.com");
  Client b = client();
  auto wrong = b.login("bob@example.com", "wrong password!");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.code(), "unauthenticated");
  auto unknown = b.login("nobody@example.com", "whatever password");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.json["message"], wrong.json["message"]);  // does not reveal which emails exist

  auto ok = b.login("BOB@example.com");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(b.get("/api/me").status, 200);
  auto out = b.post("/api/auth/logout", nlohmann::json::object());
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  auto after = b.get("/api/me");
  EXPECT_EQ(after.status, 401);
  // The other session of the same user is unaffected.
  EXPECT_EQ(c.get("/api/me").status, 200);
}

TEST_F(AuthApi, ForgedOrMissingSessionsAre401) {
  Client c = client();
  EXPECT_EQ(c.get("/api/me").status, 401);
  c.session = "forged-session-value";
  auto r = c.get("/api/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code(), "unauthenticated");
  c.session.clear();
  c.bearer = "nxk_forgedforgedforgedforgedforgedforgedforged";
  EXPECT_EQ(c.get("/api/me").status, 401);
  c.bearer = "not.a.jwt";
  EXPECT_EQ(c.get("/api/me").status, 401);
}

TEST_F(AuthApi, CookieWritesNeedTheCsrfHeader) {
  Client c = user("carol@example.com");
  const std::string token = c.csrf;
  c.csrf.clear();
  auto r = c.post("/api/flows", {{"name", "no csrf"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "csrf_failed");
  c.csrf = "wrong-token";
  EXPECT_EQ(c.post("/api/flows", {{"name", "wrong csrf"}}).status, 403);
  // Reads need no token.
  c.csrf.clear();
  EXPECT_EQ(c.get("/api/flows").status, 200);
  c.csrf = token;
  EXPECT_EQ(c.post("/api/flows", {{"name", "with csrf"}}).status, 201);
}

TEST_F(AuthApi, ExpiredSessionsAre401) {
  auto offset = std::make_shared<std::atomic<std::int64_t>>(0);
  options.clock = [offset] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
           offset->load();
  };
  start();
  Client c = user("dave@example.com");
  EXPECT_EQ(c.get("/api/me").status, 200);
  EXPECT_NE(c.login("dave@example.com").headers["set-cookie"].find("Max-Age=604800"), std::string::npos);
  offset->store(8LL * 24 * 3600 * 1000);  // a week and a day later
  auto r = c.get("/api/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code(), "unauthenticated");
}

TEST_F(AuthApi, RepeatedFailedLoginsAreRateLimitedPerAccount) {
  Client c = user("erin@example.com");
  Client attacker = client();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(attacker.login("erin@example.com", "guess number " + std::to_string(i)).status, 401);
  auto limited = attacker.login("erin@example.com", "correct horse battery");
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.headers["retry-after"].empty());
  EXPECT_GT(limited.json["details"]["retryAfterSeconds"].get<int>(), 0);
  // Other accounts are not locked by it.
  Client other = user("frank@example.com");
  EXPECT_EQ(other.login("frank@example.com").status, 200);
}

TEST_F(AuthApi, RepeatedFailedLoginsAreRateLimitedPerAddress) {
  Client attacker = client();
  int limited = 0;
  for (int i = 0; i < 25; ++i) {
    auto r = attacker.login("spray" + std::to_string(i) + "@example.com", "some password");
    if (r.status == 429) ++limited;
  }
  EXPECT_GE(limited, 5);  // 20 failures from one address, then refused
}

TEST_F(AuthApi, SqlInjectionStringsAreJustText) {
  const std::string evil = "x'); DROP TABLE users; --";
  Client c = client();
  auto r = c.signup("o'reilly@example.com", "correct horse battery", evil);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["user"]["name"], evil);
  auto login = c.login("' OR '1'='1", "' OR '1'='1");
  EXPECT_EQ(login.status, 400);  // not an email address
  Client d = client();
  EXPECT_EQ(d.login("o'reilly@example.com").status, 200);
  EXPECT_EQ(d.get("/api/me").json["user"]["name"], evil);
}

TEST_F(AuthApi, FirstStartPrintsASetupLinkThatWorksOnce) {
  ASSERT_FALSE(info_.setup_url.empty());
  const auto token = info_.setup_url.substr(info_.setup_url.find("token=") + 6);
  Client c = client();
  auto wrong = c.post("/api/setup", {{"token", "nope"}, {"email", "root@example.com"}, {"password", "long enough pw"}, {"name", "Root"}});
  EXPECT_EQ(wrong.status, 404);
  auto ok = c.post("/api/setup", {{"token", token}, {"email", "root@example.com"}, {"password", "long enough pw"}, {"name", "Root"}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto again = c.post("/api/setup", {{"token", token}, {"email", "root2@example.com"}, {"password", "long enough pw"}, {"name", "Root"}});
  EXPECT_EQ(again.status, 404);
}

TEST_F(AuthApi, AdminFromTheEnvironmentOnFirstStart) {
  stop();
  std::filesystem::remove_all(data_dir);
  options.admin_email = "admin@example.com";
  options.admin_password = "admin password 1";
  start();
  EXPECT_TRUE(info_.admin_created);
  EXPECT_TRUE(info_.setup_url.empty());
  Client c = client();
  auto r = c.login("admin@example.com", "admin password 1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(c.get("/api/me").json["role"], "owner");
  // A restart does not create it again or print a setup link.
  start();
  EXPECT_FALSE(info_.admin_created);
  EXPECT_TRUE(info_.setup_url.empty());
}

TEST_F(AuthApi, SignupCanBeDisabled) {
  options.allow_signup = false;
  start();
  auto r = client().signup("late@example.com");
  EXPECT_EQ(r.status, 403);
}

TEST_F(AuthApi, HealthAndReadiness) {
  Client c = client();
  EXPECT_EQ(c.get("/healthz").status, 200);
  auto ready = c.get("/readyz");
  ASSERT_EQ(ready.status, 200);
  EXPECT_EQ(ready.json["details"]["database"], "ok");
  EXPECT_GE(ready.json["details"]["schemaVersion"].get<int>(), 1);
}

TEST_F(AuthApi, MasterKeyFileIsCreatedWithMode0600) {
  auto key = data_dir / "master.key";
  ASSERT_TRUE(std::filesystem::exists(key));
  auto perms = std::filesystem::status(key).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace
}  // namespace nextra::apitest
