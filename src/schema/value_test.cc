#include "schema/value.h"

#include <gtest/gtest.h>

namespace nextra::schema {
namespace {

TEST(ScalarFromText, FollowsXsdLexicalRules) {
  TypeRef i{TypeKind::Int};
  EXPECT_EQ(scalar_from_text(i, " 42 ")->as<std::int64_t>(), 42);
  EXPECT_FALSE(scalar_from_text(i, "4.2").ok());
  EXPECT_FALSE(scalar_from_text(i, "99999999999999999999").ok());
  TypeRef d{TypeKind::Decimal};
  EXPECT_EQ(scalar_from_text(d, "-1.50")->as<Decimal>().text, "-1.50");
  EXPECT_FALSE(scalar_from_text(d, "1e5").ok());
  // libxml2's xs:decimal limit: 24 digits (leading zeros aside).
  EXPECT_TRUE(scalar_from_text(d, "0000123456789012345678901234").ok());
  EXPECT_FALSE(scalar_from_text(d, "1234567890123456789012345").ok());
  TypeRef b{TypeKind::Bool};
  EXPECT_TRUE(scalar_from_text(b, "1")->as<bool>());
  EXPECT_FALSE(scalar_from_text(b, "false")->as<bool>());
  EXPECT_FALSE(scalar_from_text(b, "yes").ok());
}

TEST(CheckRecord, ZeroRecordIsValidAndTypesAreEnforced) {
  Schema s;
  ASSERT_TRUE(s.add(PayloadClass{"Order", {{"id", "Id", *parse_type("int")},
                                           {"note", "Note", *parse_type("optional<string>")},
                                           {"items", "Items", *parse_type("list<LineItem>")}}}).ok());
  ASSERT_TRUE(s.add(PayloadClass{"LineItem", {{"sku", "Sku", *parse_type("string")}}}).ok());
  ASSERT_TRUE(s.link().ok());
  Record r = zero_record(*s.find("Order"));
  EXPECT_TRUE(check_record(r).ok());
  r.fields[0] = Value("not an int");
  auto st = check_record(r);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().field, "Order.id");
}

TEST(ValueText, CanonicalForms) {
  EXPECT_EQ(Value(std::int64_t{7}).to_text(), "7");
  EXPECT_EQ(Value(true).to_text(), "true");
  EXPECT_EQ(Value().to_text(), "");
  EXPECT_EQ(Value(List{Value("a"), Value(1)}).to_text(), R"(["a",1])");
}

}  // namespace
}  // namespace nextra::schema
