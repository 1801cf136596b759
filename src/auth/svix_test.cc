#include "auth/svix.h"

#include <gtest/gtest.h>

namespace nextra::auth {
namespace {

// Svix's published example (docs.svix.com, "Verifying payloads manually").
constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kTimestamp = 1614265330;
constexpr std::string_view kBody = R"({"test": 2432232314})";
constexpr std::string_view kSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

SvixHeaders headers(std::string signature = std::string(kSignature)) {
  return {std::string(kId), std::to_string(kTimestamp), std::move(signature)};
}

TEST(Svix, SignMatchesThePublishedExample) {
  EXPECT_EQ(svix_sign(kId, kTimestamp, kBody, kSecret), kSignature);
}

TEST(Svix, ValidSignaturePasses) {
  EXPECT_TRUE(verify_svix(headers(), kBody, kSecret, kTimestamp).ok());
  EXPECT_TRUE(verify_svix(headers(), kBody, kSecret, kTimestamp + 299).ok());
}

TEST(Svix, SecretWithoutPrefixIsAccepted) {
  EXPECT_TRUE(verify_svix(headers(), kBody, kSecret.substr(6), kTimestamp).ok());
}

TEST(Svix, WrongSignatureOrBodyFails) {
  auto bad = verify_svix(headers("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), kBody, kSecret, kTimestamp);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::PermissionDenied);
  EXPECT_EQ(bad.error().message, "signature mismatch");

  auto tampered = verify_svix(headers(), R"({"test": 2432232315})", kSecret, kTimestamp);
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.error().code, ErrorCode::PermissionDenied);

  auto other_secret = verify_svix(headers(), kBody, "whsec_c2VjcmV0", kTimestamp);
  EXPECT_FALSE(other_secret.ok());

  // The right MAC under another version tag does not count.
  std::string v2 = "v2," + std::string(kSignature.substr(3));
  EXPECT_FALSE(verify_svix(headers(v2), kBody, kSecret, kTimestamp).ok());
}

TEST(Svix, StaleAndFutureTimestampsFail) {
  auto stale = verify_svix(headers(), kBody, kSecret, kTimestamp + 301);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::PermissionDenied);
  EXPECT_EQ(stale.error().message, "stale timestamp");

  auto future = verify_svix(headers(), kBody, kSecret, kTimestamp - 301);
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().code, ErrorCode::PermissionDenied);

  EXPECT_TRUE(verify_svix(headers(), kBody, kSecret, kTimestamp + 1000, 1000).ok());
}

TEST(Svix, OneValidEntryAmongSeveralPasses) {
  std::string header = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1a,xyz " + std::string(kSignature) +
                       " v1,bm90IGl0";
  EXPECT_TRUE(verify_svix(headers(header), kBody, kSecret, kTimestamp).ok());
}

TEST(Svix, MissingOrMalformedInputIsInvalidArgument) {
  auto h = headers();
  h.id.clear();
  auto r = verify_svix(h, kBody, kSecret, kTimestamp);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(r.error().field, "svix-id");

  h = headers();
  h.timestamp.clear();
  EXPECT_EQ(verify_svix(h, kBody, kSecret, kTimestamp).error().code, ErrorCode::InvalidArgument);

  h = headers("");
  EXPECT_EQ(verify_svix(h, kBody, kSecret, kTimestamp).error().code, ErrorCode::InvalidArgument);

  h = headers();
  h.timestamp = "1614265330x";
  EXPECT_EQ(verify_svix(h, kBody, kSecret, kTimestamp).error().code, ErrorCode::InvalidArgument);
  h.timestamp = "-5";
  EXPECT_EQ(verify_svix(h, kBody, kSecret, kTimestamp).error().code, ErrorCode::InvalidArgument);

  auto bad_secret = verify_svix(headers(), kBody, "whsec_***", kTimestamp);
  ASSERT_FALSE(bad_secret.ok());
  EXPECT_EQ(bad_secret.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(svix_sign(kId, kTimestamp, kBody, "whsec_***"), "");
}

TEST(Svix, SignThenVerifyRoundTrip) {
  const std::string secret = "whsec_dGVzdC1zZWNyZXQtMTIzNDU2Nzg5MA==";
  const std::string body = R"({"type":"user.created","data":{"id":"user_1"}})";
  SvixHeaders h{"msg_1", "1700000000", svix_sign("msg_1", 1700000000, body, secret)};
  EXPECT_TRUE(verify_svix(h, body, secret, 1700000010).ok());
}

}  // namespace
}  // namespace nextra::auth
