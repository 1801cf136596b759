#include "auth/passwords.h"

#include <gtest/gtest.h>

namespace nextra::auth {
namespace {

// Fast parameters so the suite stays quick; one test below uses the production defaults.
const PasswordParams kFast{1, 8192};

TEST(Passwords, RoundTrip) {
  auto hash = hash_password("correct horse battery staple", kFast);
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_TRUE(verify_password(*hash, "correct horse battery staple"));
}

TEST(Passwords, WrongPasswordFails) {
  auto hash = hash_password("correct horse battery staple", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(verify_password(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(*hash, ""));
}

TEST(Passwords, HashIsArgon2idAndSalted) {
  auto a = hash_password("same password", kFast);
  auto b = hash_password("same password", kFast);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$v=19$", 0), 0u) << *a;
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(verify_password(*b, "same password"));
}

TEST(Passwords, DefaultParamsAreOwaspArgon2id) {
  auto hash = hash_password("a long enough password");
  ASSERT_TRUE(hash.ok()) << hash.error().message;
  EXPECT_NE(hash->find("$m=19456,t=2,p=1$"), std::string::npos) << *hash;
  EXPECT_TRUE(verify_password(*hash, "a long enough password"));
}

TEST(Passwords, MalformedHashIsFalse) {
  EXPECT_FALSE(verify_password("", "password1"));
  EXPECT_FALSE(verify_password("not a hash", "password1"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=8,t=1,p=1$garbage", "password1"));
  auto hash = hash_password("password1", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(verify_password(hash->substr(0, hash->size() - 5), "password1"));
  EXPECT_FALSE(verify_password(*hash + std::string(1, '\0'), "password1"));
  EXPECT_FALSE(verify_password(std::string(1000, '$'), "password1"));
}

TEST(Passwords, ParamsBelowMinimumAreRejected) {
  auto hash = hash_password("password1", PasswordParams{0, 8192});
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().code, ErrorCode::InvalidArgument);
  EXPECT_FALSE(hash_password("password1", PasswordParams{1, 1024}).ok());
}

TEST(PasswordPolicy, LengthLimits) {
  auto too_short = check_password_policy("1234567");
  ASSERT_FALSE(too_short.ok());
  EXPECT_EQ(too_short.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(too_short.error().field, "password");
  EXPECT_NE(too_short.error().message.find("at least 8"), std::string::npos);

  auto too_long = check_password_policy(std::string(1025, 'x'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().field, "password");
  EXPECT_NE(too_long.error().message.find("at most 1024"), std::string::npos);

  EXPECT_TRUE(check_password_policy("12345678").ok());
  EXPECT_TRUE(check_password_policy(std::string(1024, 'x')).ok());
}

TEST(PasswordPolicy, InvalidUtf8IsAllowed) {
  EXPECT_TRUE(check_password_policy(std::string("\xff\xfe\x80\x81\xc0\xc1zz", 8)).ok());
}

}  // namespace
}  // namespace nextra::auth
