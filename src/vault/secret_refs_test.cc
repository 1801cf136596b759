#include "vault/secret_refs.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace nextra::vault {
namespace {

TEST(SecretName, Valid) {
  for (std::string_view name : {"A", "_", "db_password", "api.key-2", "X9", "_.-"}) {
    EXPECT_TRUE(validate_secret_name(name).ok()) << name;
  }
  EXPECT_TRUE(validate_secret_name(std::string(128, 'a')).ok());
}

TEST(SecretName, Invalid) {
  for (std::string_view name : {"", "9abc", ".x", "-x", "a b", "a/b", "a}", "é", "a$"}) {
    auto s = validate_secret_name(name);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(s.error().field, "name");
    EXPECT_FALSE(s.error().message.empty());
  }
  EXPECT_FALSE(validate_secret_name(std::string(129, 'a')).ok());
}

constexpr std::string_view kYaml =
    "organism: billing\n"
    "listeners:\n"
    "  - http:\n"
    "      token: ${secret:API_TOKEN}\n"
    "      url: \"https://${secret:user}:${secret:db.pass-1}@host\"\n"
    "      literal: $${secret:NOT_A_REF}\n"
    "      broken: ${secret:bad name} ${secret:} ${secret:x\n"
    "      last: ${secret:_LAST}";

TEST(SecretRefs, FindsRefsWithPositionsInMultiLineYaml) {
  auto refs = find_secret_refs(kYaml);
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_EQ(refs[0].name, "API_TOKEN");
  EXPECT_EQ(refs[0].line, 4);
  EXPECT_EQ(refs[0].column, 14);
  EXPECT_EQ(refs[1].name, "user");
  EXPECT_EQ(refs[1].line, 5);
  EXPECT_EQ(refs[1].column, 21);
  EXPECT_EQ(refs[2].name, "db.pass-1");
  EXPECT_EQ(refs[2].line, 5);
  EXPECT_EQ(refs[2].column, 36);
  EXPECT_EQ(refs[3].name, "_LAST");
  EXPECT_EQ(refs[3].line, 8);
  EXPECT_EQ(refs[3].column, 13);
}

TEST(SecretRefs, NoRefs) {
  EXPECT_TRUE(find_secret_refs("").empty());
  EXPECT_TRUE(find_secret_refs("plain $HOME ${env:X} $ {secret:X} $$").empty());
}

TEST(SecretRefs, AdjacentRefs) {
  auto refs = find_secret_refs("${secret:a}${secret:b}");
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[1].name, "b");
  EXPECT_EQ(refs[1].column, 12);
}

Result<std::string> lookup_from(const std::map<std::string, std::string, std::less<>>& m,
                                std::string_view name) {
  auto it = m.find(name);
  if (it == m.end()) {
    return Error::make(ErrorCode::NotFound, "secret " + std::string(name) + " not found");
  }
  return it->second;
}

TEST(SecretRefs, ResolvesAndUnescapes) {
  std::map<std::string, std::string, std::less<>> secrets = {{"A", "alpha"}, {"b.c", "$x"}};
  auto lookup = [&](std::string_view n) { return lookup_from(secrets, n); };
  auto r = resolve_secret_refs("x=${secret:A}, y=${secret:b.c}, z=$${secret:A}, $$ $5", lookup);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "x=alpha, y=$x, z=${secret:A}, $$ $5");

  // A value containing reference syntax is not resolved again.
  secrets["A"] = "${secret:b.c}";
  auto again = resolve_secret_refs("${secret:A}", lookup);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, "${secret:b.c}");

  auto plain = resolve_secret_refs("no refs\n", lookup);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "no refs\n");
}

TEST(SecretRefs, MissingSecretGivesErrorWithPosition) {
  std::map<std::string, std::string, std::less<>> secrets = {{"API_TOKEN", "t"}};
  auto r = resolve_secret_refs("a: 1\nb: ${secret:API_TOKEN}\n  c: x ${secret:MISSING}\n",
                               [&](std::string_view n) { return lookup_from(secrets, n); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::NotFound);
  EXPECT_EQ(r.error().message, "secret MISSING not found");
  EXPECT_EQ(r.error().line, 3);
  EXPECT_EQ(r.error().column, 8);
}

TEST(SecretRefs, MalformedRefIsAnErrorWhenResolving) {
  auto always_v = [](std::string_view) -> Result<std::string> { return std::string("v"); };
  auto r = resolve_secret_refs("ok\n  ${secret:bad name}", always_v);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(r.error().line, 2);
  EXPECT_EQ(r.error().column, 3);
  // Escaped, it is just text.
  auto escaped = resolve_secret_refs("$${secret:bad name}", always_v);
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(*escaped, "${secret:bad name}");
}

}  // namespace
}  // namespace nextra::vault
