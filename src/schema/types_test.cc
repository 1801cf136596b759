#include "schema/types.h"

#include <gtest/gtest.h>

namespace nextra::schema {
namespace {

TEST(PascalCase, FollowsXmlableRule) {
  EXPECT_EQ(pascal_case("original_sender"), "OriginalSender");
  EXPECT_EQ(pascal_case("name"), "Name");
  EXPECT_EQ(pascal_case("a_b_c"), "ABC");
}

TEST(ParseType, NestedConstructors) {
  auto t = parse_type("list<optional<int>>");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TypeKind::List);
  EXPECT_EQ(t->element->kind, TypeKind::Optional);
  EXPECT_EQ(t->spelling(), "list<optional<int>>");
  EXPECT_FALSE(parse_type("map<int>").ok());
  EXPECT_FALSE(parse_type("list<int").ok());
  EXPECT_FALSE(parse_type("9lives").ok());
}

TEST(Schema, RejectsCyclesAndUnknownClasses) {
  Schema s;
  PayloadClass a{"A", {{"b", "B", *parse_type("B")}}};
  PayloadClass b{"B", {{"a", "A", *parse_type("optional<A>")}}};
  ASSERT_TRUE(s.add(a).ok());
  ASSERT_TRUE(s.add(b).ok());
  auto st = s.link();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("itself"), std::string::npos);

  Schema s2;
  ASSERT_TRUE(s2.add(PayloadClass{"X", {{"y", "Y", *parse_type("Missing")}}}).ok());
  EXPECT_FALSE(s2.link().ok());
}

TEST(Schema, BuiltinsCannotBeRedefined) {
  Schema s;
  EXPECT_FALSE(s.add(PayloadClass{"SystemError", {}}).ok());
  ASSERT_NE(s.find("SystemError"), nullptr);
  EXPECT_EQ(s.find("SystemError")->fields[2].xml_name, "retry-allowed");
}

TEST(Schema, OrdersDependenciesFirst) {
  Schema s;
  ASSERT_TRUE(s.add(PayloadClass{"Order", {{"items", "Items", *parse_type("list<LineItem>")}}}).ok());
  ASSERT_TRUE(s.add(PayloadClass{"LineItem", {{"sku", "Sku", *parse_type("string")}}}).ok());
  ASSERT_TRUE(s.link().ok());
  auto order = s.ordered();
  int li = -1, ord = -1;
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i]->name == "LineItem") li = static_cast<int>(i);
    if (order[i]->name == "Order") ord = static_cast<int>(i);
  }
  EXPECT_LT(li, ord);
  EXPECT_EQ(s.find("Order")->fields[0].type.element->cls, s.find("LineItem"));
}

}  // namespace
}  // namespace nextra::schema
