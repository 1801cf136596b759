// Clerk over HTTP: the Svix-signed user webhook, and RS256 bearer JWTs checked against a JWKS
// file (first sight provisions the user and a personal organization).
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api_fixture.h"
#include "auth/jwt_test_support.h"
#include "auth/svix.h"
#include "auth/tokens.h"

namespace nextra::apitest {
namespace {

using nlohmann::json;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---- Svix ----

std::string make_webhook_secret() {
  unsigned char bytes[32];
  EXPECT_EQ(RAND_bytes(bytes, sizeof bytes), 1);
  return "whsec_" + auth::base64_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

json user_event(const std::string& type, const std::string& id, const std::string& email,
                const std::string& first = "Ada", const std::string& last = "L") {
  json data = {{"id", id},
               {"first_name", first},
               {"last_name", last},
               {"primary_email_address_id", "idn_1"},
               {"email_addresses",
                json::array({{{"id", "idn_0"}, {"email_address", "secondary-" + email}},
                             {{"id", "idn_1"}, {"email_address", email}}})}};
  return {{"type", type}, {"object", "event"}, {"data", data}};
}

// ---- JWT ----

using RsaKey = auth::test_support::RsaTestKey;
RsaKey make_key(std::string kid) { return auth::test_support::make_rsa_key(std::move(kid)); }

const RsaKey& good_key() { static const RsaKey k = make_key("k1"); return k; }
const RsaKey& other_key() { static const RsaKey k = make_key("k1"); return k; }  // same kid, not in the JWKS

constexpr const char* kIssuer = "https://clerk.example.com";
constexpr const char* kAudience = "nextra";

json claims(json extra = json::object()) {
  const auto now = now_seconds();
  json c = {{"iss", kIssuer}, {"aud", kAudience}, {"sub", "user_jwt"}, {"exp", now + 600}, {"iat", now},
            {"email", "jwt@example.com"}, {"name", "Jay Wt"}};
  for (auto& [k, v] : extra.items()) c[k] = v;
  return c;
}

std::string sign(const RsaKey& key, const json& payload) { return auth::test_support::sign_jwt(key, payload); }

class ClerkApi : public ApiTest {
 protected:
  std::string secret;

  void enable_webhook() {
    secret = make_webhook_secret();
    options.clerk_webhook_secret = secret;
    start();
  }
  void enable_jwt() {
    auto path = data_dir / "jwks.json";
    std::ofstream(path) << json{{"keys", json::array({good_key().jwk()})}}.dump();
    options.jwks = path.string();
    options.jwt_issuer = kIssuer;
    options.jwt_audience = kAudience;
    start();
  }

  Reply deliver(const std::string& body, std::int64_t timestamp = 0, const std::string& id = "msg_1",
                std::string signing_secret = "") {
    if (timestamp == 0) timestamp = now_seconds();
    if (signing_secret.empty()) signing_secret = secret;
    auto sig = auth::svix_sign(id, timestamp, body, signing_secret);
    EXPECT_FALSE(sig.empty());
    return client().call("POST", "/webhooks/clerk", body,
                         {{"svix-id", id}, {"svix-timestamp", std::to_string(timestamp)}, {"svix-signature", sig}});
  }
  Reply deliver(const json& event) { return deliver(event.dump()); }

  Client jwt_client(const std::string& token) {
    Client c = client();
    c.bearer = token;
    return c;
  }
  // 409 when the email is taken (the webhook-made user has no password to log in with).
  int signup_status(const std::string& email) { return client().signup(email).status; }
};

// ---- webhook ----

TEST_F(ClerkApi, WebhookIs404WithoutAConfiguredSecret) {
  secret = make_webhook_secret();  // signed, but the instance has no secret
  auto r = deliver(user_event("user.created", "user_123", "ada@example.com"));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(signup_status("ada@example.com"), 201);
}

TEST_F(ClerkApi, UserCreatedUpdatedDeleted) {
  enable_webhook();
  auto created = deliver(user_event("user.created", "user_123", "Ada@Example.com"));
  ASSERT_EQ(created.status, 204) << created.body;
  EXPECT_EQ(signup_status("ada@example.com"), 409);
  // The primary address is the one that counts.
  EXPECT_EQ(signup_status("secondary-ada@example.com"), 201);

  // Svix retries: the same event again is fine and creates nothing new.
  EXPECT_EQ(deliver(user_event("user.created", "user_123", "ada@example.com")).status, 204);

  auto updated = deliver(user_event("user.updated", "user_123", "ada2@example.com", "Ada", "Lovelace"));
  ASSERT_EQ(updated.status, 204) << updated.body;
  EXPECT_EQ(signup_status("ada2@example.com"), 409);
  EXPECT_EQ(signup_status("ada@example.com"), 201);  // the old address is free again

  json del = {{"type", "user.deleted"}, {"data", {{"id", "user_123"}, {"deleted", true}, {"object", "user"}}}};
  EXPECT_EQ(deliver(del).status, 204);
  EXPECT_EQ(signup_status("ada2@example.com"), 201);
  EXPECT_EQ(deliver(del).status, 204);  // idempotent
  json unknown_del = {{"type", "user.deleted"}, {"data", {{"id", "user_never_seen"}}}};
  EXPECT_EQ(deliver(unknown_del).status, 204);
}

TEST_F(ClerkApi, WebhookUserIsTheJwtUser) {
  options.clerk_webhook_secret = secret = make_webhook_secret();
  enable_jwt();
  ASSERT_EQ(deliver(user_event("user.created", "user_123", "ada@example.com")).status, 204);
  Client ada = jwt_client(sign(good_key(), claims({{"sub", "user_123"}, {"email", "ada@example.com"}})));
  auto me = ada.get("/api/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["user"]["email"], "ada@example.com");
  EXPECT_EQ(me.json["user"]["name"], "Ada L");
  EXPECT_EQ(me.json["role"], "owner");
  EXPECT_EQ(me.json["organizations"].size(), 1u);
  const auto user_id = me.json["user"]["id"];

  ASSERT_EQ(deliver(user_event("user.updated", "user_123", "ada.new@example.com")).status, 204);
  auto me2 = ada.get("/api/me");
  ASSERT_EQ(me2.status, 200);
  EXPECT_EQ(me2.json["user"]["id"], user_id);
  EXPECT_EQ(me2.json["user"]["email"], "ada.new@example.com");

  // After user.deleted, a fresh token for the same subject is a new user.
  ASSERT_EQ(deliver(json{{"type", "user.deleted"}, {"data", {{"id", "user_123"}}}}.dump()).status, 204);
  auto me3 = ada.get("/api/me");
  ASSERT_EQ(me3.status, 200) << me3.body;
  EXPECT_NE(me3.json["user"]["id"], user_id);
}

TEST_F(ClerkApi, BadSignaturesAre401) {
  enable_webhook();
  const std::string body = user_event("user.created", "user_123", "ada@example.com").dump();
  const auto now = now_seconds();
  auto sig = auth::svix_sign("msg_1", now, body, secret);

  // Signed with another secret.
  EXPECT_EQ(deliver(body, now, "msg_1", make_webhook_secret()).status, 401);
  // A tampered body.
  auto tampered = client().call("POST", "/webhooks/clerk", body + " ",
                                {{"svix-id", "msg_1"}, {"svix-timestamp", std::to_string(now)}, {"svix-signature", sig}});
  EXPECT_EQ(tampered.status, 401);
  // Another id than the one signed.
  auto other_id = client().call("POST", "/webhooks/clerk", body,
                                {{"svix-id", "msg_2"}, {"svix-timestamp", std::to_string(now)}, {"svix-signature", sig}});
  EXPECT_EQ(other_id.status, 401);
  // Stale (and far-future) timestamps, correctly signed.
  EXPECT_EQ(deliver(body, now - 6 * 60).status, 401);
  EXPECT_EQ(deliver(body, now + 6 * 60).status, 401);
  // Missing headers.
  EXPECT_EQ(client().call("POST", "/webhooks/clerk", body).status, 401);
  EXPECT_EQ(client().call("POST", "/webhooks/clerk", body,
                          {{"svix-id", "msg_1"}, {"svix-timestamp", std::to_string(now)}})
                .status,
            401);
  EXPECT_EQ(client().call("POST", "/webhooks/clerk", body, {{"svix-id", "msg_1"}, {"svix-signature", sig}}).status, 401);
  EXPECT_EQ(client().call("POST", "/webhooks/clerk", body,
                          {{"svix-timestamp", std::to_string(now)}, {"svix-signature", sig}})
                .status,
            401);
  EXPECT_EQ(client().call("POST", "/webhooks/clerk", body,
                          {{"svix-id", "msg_1"}, {"svix-timestamp", "yesterday"}, {"svix-signature", sig}})
                .status,
            401);
  // Nothing was created by any of these.
  EXPECT_EQ(signup_status("ada@example.com"), 201);
  // The genuine delivery still works (for a different user).
  EXPECT_EQ(deliver(user_event("user.created", "user_9", "nine@example.com")).status, 204);
}

// Svix sends several space-separated signatures while a secret is being rotated; one match is
// enough.
TEST_F(ClerkApi, AnyOfSeveralSignaturesMayMatch) {
  enable_webhook();
  const std::string body = user_event("user.created", "user_123", "ada@example.com").dump();
  const auto now = now_seconds();
  auto good = auth::svix_sign("msg_1", now, body, secret);
  auto bad = auth::svix_sign("msg_1", now, body, make_webhook_secret());
  auto r = client().call("POST", "/webhooks/clerk", body,
                         {{"svix-id", "msg_1"}, {"svix-timestamp", std::to_string(now)},
                          {"svix-signature", bad + " " + good}});
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(signup_status("ada@example.com"), 409);
}

// Deleting a Clerk user ends everything that acts as them: their API keys stop working.
TEST_F(ClerkApi, DeletedUsersApiKeysStopWorking) {
  options.clerk_webhook_secret = secret = make_webhook_secret();
  enable_jwt();
  Client c = jwt_client(sign(good_key(), claims({{"sub", "user_123"}})));
  auto key = c.post("/api/api-keys", {{"name", "ci"}});
  ASSERT_EQ(key.status, 201) << key.body;
  Client k = client();
  k.bearer = key.json["key"].get<std::string>();
  ASSERT_EQ(k.get("/api/me").status, 200);
  ASSERT_EQ(deliver(json{{"type", "user.deleted"}, {"data", {{"id", "user_123"}}}}.dump()).status, 204);
  EXPECT_EQ(k.get("/api/me").status, 401);
  EXPECT_EQ(k.post("/api/flows", {{"name", "ghost"}}).status, 401);
}

TEST_F(ClerkApi, MalformedAndUnknownEvents) {
  enable_webhook();
  auto bad = deliver(std::string("{\"type\": \"user.created\", \"data\": "));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(deliver(std::string("[1,2]")).status, 400);
  EXPECT_EQ(deliver(json{{"type", "user.created"}}).status, 400);  // no data
  EXPECT_EQ(deliver(json{{"type", "user.created"}, {"data", {{"first_name", "x"}}}}).status, 400);  // no id
  EXPECT_EQ(deliver(json{{"type", "session.created"}, {"data", {{"id", "sess_1"}}}}).status, 204);
  EXPECT_EQ(deliver(json{{"type", "organization.created"}, {"data", {{"id", "org_1"}}}}).status, 204);
}

// ---- JWT bearer ----

TEST_F(ClerkApi, ValidJwtProvisionsUserAndPersonalOrg) {
  enable_jwt();
  Client c = jwt_client(sign(good_key(), claims()));
  auto me = c.get("/api/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["authMethod"], "bearer");
  EXPECT_EQ(me.json["user"]["email"], "jwt@example.com");
  EXPECT_EQ(me.json["role"], "owner");
  ASSERT_EQ(me.json["organizations"].size(), 1u);
  EXPECT_FALSE(me.json["organization"]["id"].get<std::string>().empty());
  const auto user_id = me.json["user"]["id"];

  // The second sight is the same user with the same single org.
  auto again = jwt_client(sign(good_key(), claims())).get("/api/me");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json["user"]["id"], user_id);
  EXPECT_EQ(again.json["organizations"].size(), 1u);

  // Writes need no CSRF.
  ASSERT_TRUE(c.csrf.empty());
  EXPECT_EQ(c.post("/api/flows", {{"name", "jwt-flow"}}).status, 201);
  EXPECT_EQ(c.put("/api/secrets/JWT_SECRET", {{"value", "v"}}).status, 201);
  auto key = c.post("/api/api-keys", {{"name", "from-jwt"}});
  EXPECT_EQ(key.status, 201) << key.body;
}

// Several first requests at once still make one user with one personal organization.
TEST_F(ClerkApi, ConcurrentFirstSightMakesOneUser) {
  enable_jwt();
  const std::string token = sign(good_key(), claims({{"sub", "user_race"}, {"email", "race@example.com"}}));
  std::vector<int> status(8, 0);
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = jwt_client(token).get("/api/me");
      status[i] = r.status;
      if (r.status == 200) ids[i] = r.json["user"]["id"].get<std::string>();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(status[i], 200) << i;
    EXPECT_EQ(ids[i], ids[0]) << i;
  }
  auto me = jwt_client(token).get("/api/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json["organizations"].size(), 1u) << me.body;
}

TEST_F(ClerkApi, BadJwtsAre401) {
  enable_jwt();
  const auto now = now_seconds();
  auto expect_401 = [&](const std::string& token, const char* what) {
    auto r = jwt_client(token).get("/api/me");
    EXPECT_EQ(r.status, 401) << what << ": " << r.body;
    EXPECT_EQ(r.headers["www-authenticate"], "Bearer") << what;
  };
  expect_401(sign(good_key(), claims({{"exp", now - 3600}})), "expired");
  expect_401(sign(good_key(), claims({{"iss", "https://evil.example.com"}})), "wrong issuer");
  expect_401(sign(good_key(), claims({{"aud", "someone-else"}})), "wrong audience");
  {
    auto c = claims();
    c.erase("aud");
    expect_401(sign(good_key(), c), "no audience");
  }
  expect_401(sign(other_key(), claims()), "another key");
  expect_401(sign(good_key(), claims({{"nbf", now + 3600}})), "not yet valid");
  {
    auto c = claims();
    c.erase("sub");
    expect_401(sign(good_key(), c), "no subject");
  }
  // alg none: header.payload. with an empty signature, and with the real signature kept.
  const std::string none_input = auth::base64url_encode(json{{"alg", "none"}, {"typ", "JWT"}}.dump()) + "." +
                                 auth::base64url_encode(claims().dump());
  expect_401(none_input + ".", "alg none");
  auto good = sign(good_key(), claims());
  expect_401(none_input + good.substr(good.rfind('.')), "alg none with a signature");
  // HS256 with an arbitrary key.
  expect_401(auth::base64url_encode(json{{"alg", "HS256"}, {"typ", "JWT"}}.dump()) + "." +
                 auth::base64url_encode(claims().dump()) + "." + auth::base64url_encode("sig"),
             "hs256");
  expect_401("garbage", "garbage");
  expect_401("a.b.c", "malformed");
  // A tampered payload with the original signature.
  auto tampered = auth::base64url_encode(json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "k1"}}.dump()) + "." +
                  auth::base64url_encode(claims({{"sub", "admin"}}).dump()) + good.substr(good.rfind('.'));
  expect_401(tampered, "tampered");
  // None of these created a user: the good token's user is the first and only.
  auto me = jwt_client(good).get("/api/me");
  EXPECT_EQ(me.status, 200);
}

TEST_F(ClerkApi, JwtRefusedWhenNoJwksIsConfigured) {
  // The default options have no JWKS.
  auto r = jwt_client(sign(good_key(), claims())).get("/api/me");
  EXPECT_EQ(r.status, 401) << r.body;
}

// Clerk users may sign up with a phone number or username only; the webhook must accept them
// like the JWT path does (a 4xx makes Svix retry the delivery for days).
TEST_F(ClerkApi, UserWithoutEmailIsAccepted) {
  options.clerk_webhook_secret = secret = make_webhook_secret();
  enable_jwt();
  json data = {{"id", "user_phone"}, {"first_name", "Pat"}, {"email_addresses", json::array()},
               {"phone_numbers", json::array({{{"id", "idn_p"}, {"phone_number", "+15555550100"}}})}};
  auto r = deliver(json{{"type", "user.created"}, {"data", data}});
  EXPECT_EQ(r.status, 204) << r.body;
  auto c = claims({{"sub", "user_phone"}});
  c.erase("email");
  auto me = jwt_client(sign(good_key(), c)).get("/api/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["organizations"].size(), 1u);
  EXPECT_EQ(deliver(json{{"type", "user.updated"}, {"data", data}}).status, 204);
}

TEST_F(ClerkApi, EmailCollisionsAreNotServerErrors) {
  options.clerk_webhook_secret = secret = make_webhook_secret();
  enable_jwt();
  ASSERT_EQ(client().signup("taken@example.com").status, 201);
  auto hook = deliver(user_event("user.created", "user_x", "taken@example.com"));
  EXPECT_LT(hook.status, 500) << hook.status << " " << hook.body;
  auto me = jwt_client(sign(good_key(), claims({{"sub", "user_y"}, {"email", "taken@example.com"}}))).get("/api/me");
  EXPECT_LT(me.status, 500) << me.status << " " << me.body;
  EXPECT_NE(me.status, 200) << me.body;  // must not log in as the password user
}

}  // namespace
}  // namespace nextra::apitest
