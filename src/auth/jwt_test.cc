#include "auth/jwt.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "auth/jwt_test_support.h"
#include "auth/tokens.h"

namespace nextra::auth {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1700000000;
constexpr const char* kIssuer = "https://clerk.example.com";

using TestKey = test_support::RsaTestKey;
using test_support::rs256;
TestKey make_key(std::string kid) { return test_support::make_rsa_key(std::move(kid)); }

const TestKey& key1() { static const TestKey k = make_key("k1"); return k; }
const TestKey& key2() { static const TestKey k = make_key("k2"); return k; }

std::string jwks_json(std::initializer_list<const TestKey*> keys) {
  json set = {{"keys", json::array()}};
  for (const auto* k : keys) set["keys"].push_back(k->jwk());
  return set.dump();
}

json claims(json extra = json::object()) {
  json c = {{"iss", kIssuer}, {"sub", "user_123"}, {"exp", kNow + 600}, {"iat", kNow},
            {"email", "ada@example.com"}, {"name", "Ada"}};
  for (auto& [k, v] : extra.items()) c[k] = v;
  return c;
}

std::string sign(const TestKey& key, const json& payload, json header = {{"alg", "RS256"}, {"typ", "JWT"}}) {
  return test_support::sign_jwt(key, payload, std::move(header));
}

const JwtExpectations kExpect{kIssuer, "", 60};

Jwks keys(std::initializer_list<const TestKey*> ks = {&key1(), &key2()}) {
  auto r = Jwks::parse(jwks_json(ks));
  EXPECT_TRUE(r.ok()) << r.error().message;
  return std::move(r).value();
}

void expect_denied(const Result<JwtClaims>& r, std::string_view what) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::PermissionDenied) << r.error().message;
  EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
}

TEST(Jwt, ValidTokenYieldsClaims) {
  auto r = verify_jwt(sign(key1(), claims()), keys(), kExpect, kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->subject, "user_123");
  EXPECT_EQ(r->email, "ada@example.com");
  EXPECT_EQ(r->name, "Ada");
  EXPECT_EQ(r->issuer, kIssuer);
  EXPECT_EQ(r->expires_at, kNow + 600);
  EXPECT_EQ(r->raw["iat"], kNow);
  // The second key in the set works too.
  EXPECT_TRUE(verify_jwt(sign(key2(), claims()), keys(), kExpect, kNow).ok());
}

TEST(Jwt, ExpiredTokenFails) {
  auto token = sign(key1(), claims({{"exp", kNow - 61}}));
  expect_denied(verify_jwt(token, keys(), kExpect, kNow), "expired");
  // Within the leeway it still passes.
  EXPECT_TRUE(verify_jwt(sign(key1(), claims({{"exp", kNow - 59}})), keys(), kExpect, kNow).ok());
}

TEST(Jwt, MissingExpFails) {
  json c = claims();
  c.erase("exp");
  expect_denied(verify_jwt(sign(key1(), c), keys(), kExpect, kNow), "exp");
}

TEST(Jwt, NotBeforeInTheFutureFails) {
  expect_denied(verify_jwt(sign(key1(), claims({{"nbf", kNow + 120}})), keys(), kExpect, kNow), "not yet valid");
  EXPECT_TRUE(verify_jwt(sign(key1(), claims({{"nbf", kNow + 30}})), keys(), kExpect, kNow).ok());
}

TEST(Jwt, WrongIssuerFails) {
  expect_denied(verify_jwt(sign(key1(), claims({{"iss", "https://evil.example.com"}})), keys(), kExpect, kNow),
                "wrong issuer");
  JwtExpectations no_issuer = kExpect;
  no_issuer.issuer.clear();
  expect_denied(verify_jwt(sign(key1(), claims()), keys(), no_issuer, kNow), "wrong issuer");
}

TEST(Jwt, AudienceIsCheckedWhenExpected) {
  JwtExpectations expect = kExpect;
  expect.audience = "nextra";
  expect_denied(verify_jwt(sign(key1(), claims({{"aud", "other"}})), keys(), expect, kNow), "wrong audience");
  expect_denied(verify_jwt(sign(key1(), claims()), keys(), expect, kNow), "wrong audience");
  EXPECT_TRUE(verify_jwt(sign(key1(), claims({{"aud", "nextra"}})), keys(), expect, kNow).ok());
  EXPECT_TRUE(verify_jwt(sign(key1(), claims({{"aud", {"x", "nextra"}}})), keys(), expect, kNow).ok());
  expect_denied(verify_jwt(sign(key1(), claims({{"aud", {"x", "y"}}})), keys(), expect, kNow), "wrong audience");
  // Not checked when no audience is expected.
  EXPECT_TRUE(verify_jwt(sign(key1(), claims({{"aud", "other"}})), keys(), kExpect, kNow).ok());
}

TEST(Jwt, AlgNoneIsRejected) {
  json header = {{"alg", "none"}, {"kid", "k1"}};
  std::string token = base64url_encode(header.dump()) + "." + base64url_encode(claims().dump()) + ".";
  auto r = verify_jwt(token, keys(), kExpect, kNow);
  EXPECT_FALSE(r.ok());
  token += "x";
  expect_denied(verify_jwt(token, keys(), kExpect, kNow), "alg");
}

TEST(Jwt, Hs256WithThePublicKeyAsSecretIsRejected) {
  json header = {{"alg", "HS256"}, {"kid", "k1"}};
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(claims().dump());
  for (const std::string& secret : {jwks_json({&key1()}), key1().n, key1().jwk().dump()}) {
    std::string token = input + "." + base64url_encode(hmac_sha256(secret, input));
    expect_denied(verify_jwt(token, keys(), kExpect, kNow), "alg");
  }
}

TEST(Jwt, TamperedPayloadFails) {
  std::string token = sign(key1(), claims());
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  std::string forged = token.substr(0, first + 1) + base64url_encode(claims({{"sub", "admin"}}).dump()) +
                       token.substr(second);
  expect_denied(verify_jwt(forged, keys(), kExpect, kNow), "bad signature");
  // A token signed by a key that is not in the set, under a known kid.
  expect_denied(verify_jwt(sign(key2(), claims(), {{"alg", "RS256"}, {"kid", "k1"}}), keys(), kExpect, kNow),
                "bad signature");
}

TEST(Jwt, UnknownKidFails) {
  expect_denied(verify_jwt(sign(key2(), claims()), keys({&key1()}), kExpect, kNow), "unknown kid");
}

TEST(Jwt, WithoutKidEachKeyIsTried) {
  TestKey anonymous = key2();
  anonymous.kid.clear();
  auto r = verify_jwt(sign(anonymous, claims()), keys(), kExpect, kNow);
  EXPECT_TRUE(r.ok()) << r.error().message;
}

TEST(Jwt, MalformedTokensAreInvalidArgument) {
  const Jwks set = keys();
  for (std::string_view bad : {"", "abc", "a.b", "a.b.c.d", "..", "!!!.e30.e30", "e30.e30.e30",
                               "bm90IGpzb24.e30.c2ln"}) {
    auto r = verify_jwt(bad, set, kExpect, kNow);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument) << bad << ": " << r.error().message;
  }
}

TEST(Jwt, OneKeySetServesConcurrentVerifications) {
  const Jwks set = keys();
  const std::string good = sign(key1(), claims());
  const std::string bad = sign(key1(), claims({{"exp", kNow - 1000}}));
  std::vector<std::thread> threads;
  std::vector<int> ok_counts(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (verify_jwt(good, set, kExpect, kNow).ok() && !verify_jwt(bad, set, kExpect, kNow).ok()) ++ok_counts[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int c : ok_counts) EXPECT_EQ(c, 50);
}

TEST(Jwks, ParseErrorsAreClear) {
  auto bad_json = Jwks::parse("{not json");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_EQ(bad_json.error().code, ErrorCode::InvalidArgument);
  EXPECT_FALSE(Jwks::parse("[]").ok());
  EXPECT_FALSE(Jwks::parse(R"({"keys":[]})").ok());
  auto only_ec = Jwks::parse(R"({"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]})");
  ASSERT_FALSE(only_ec.ok());
  EXPECT_NE(only_ec.error().message.find("no usable"), std::string::npos);
  EXPECT_FALSE(Jwks::parse(R"({"keys":[{"kty":"RSA","n":"AQAB"}]})").ok());
  EXPECT_FALSE(Jwks::parse(R"({"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]})").ok());  // too small
}

TEST(Jwks, IgnoresKeysItCannotUse) {
  json set = json::parse(jwks_json({&key1()}));
  set["keys"].push_back({{"kty", "EC"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}});
  json enc = key2().jwk();
  enc["use"] = "enc";
  set["keys"].push_back(enc);
  json ps = key2().jwk();
  ps["alg"] = "PS256";
  set["keys"].push_back(ps);
  auto r = Jwks::parse(set.dump());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 1u);
  EXPECT_TRUE(r->has_kid("k1"));
  EXPECT_FALSE(r->has_kid("k2"));
}

class JwksFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("nextra_jwks_" + random_token(9) + ".json");
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void write(const std::string& text) { std::ofstream(path_, std::ios::binary | std::ios::trunc) << text; }
  std::filesystem::path path_;
};

TEST_F(JwksFile, LoadFromFile) {
  write(jwks_json({&key1(), &key2()}));
  auto r = load_jwks(path_.string());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 2u);
  EXPECT_TRUE(verify_jwt(sign(key1(), claims()), *r, kExpect, kNow).ok());
}

TEST_F(JwksFile, LoadErrors) {
  auto missing = load_jwks(path_.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
  write("not json");
  auto bad = load_jwks(path_.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidArgument);
  write(std::string(2 * 1024 * 1024, ' '));
  auto big = load_jwks(path_.string());
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::ResourceExhausted);
}

TEST_F(JwksFile, CacheVerifiesAndPicksUpARotatedKey) {
  write(jwks_json({&key1()}));
  JwksCache cache(path_.string());
  auto first = cache.verify(sign(key1(), claims()), kExpect, kNow);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->subject, "user_123");

  // The issuer rotates to k2: a token naming the unknown kid triggers a reload.
  write(jwks_json({&key2()}));
  auto rotated = cache.verify(sign(key2(), claims()), kExpect, kNow);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  expect_denied(cache.verify(sign(key1(), claims()), kExpect, kNow), "unknown kid");
}

TEST_F(JwksFile, CacheWithoutKeysReportsTheLoadError) {
  JwksCache cache(path_.string());
  auto r = cache.verify(sign(key1(), claims()), kExpect, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::NotFound);
}

}  // namespace
}  // namespace nextra::auth
