#include "xml/c14n.h"

#include <gtest/gtest.h>

namespace nextra::xml {
namespace {

std::string canon(std::string_view in) {
  auto doc = parse(in, true);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
  if (!doc.ok()) return {};
  auto c = exclusive_c14n(*doc);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : std::string();
}

TEST(ExclusiveC14n, AttributeOrderQuotingAndEmptyElementsNormalise) {
  std::string a = canon(R"(<m xmlns="urn:e"><p z="1" a="2"/></m>)");
  std::string b = canon(R"(<?xml version="1.0"?><m xmlns='urn:e'><p a='2'  z='1'></p></m>)");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, R"(<m xmlns="urn:e"><p a="2" z="1"></p></m>)");
}

TEST(ExclusiveC14n, DropsCommentsAndUnusedNamespaces) {
  EXPECT_EQ(canon(R"(<a xmlns:unused="urn:u"><!-- hi --><b>x</b></a>)"), "<a><b>x</b></a>");
}

TEST(ExclusiveC14n, EscapesTextAndKeepsUnicode) {
  EXPECT_EQ(canon("<a>&lt;&amp;&gt; caf\xC3\xA9 &#x1F600;</a>"), "<a>&lt;&amp;&gt; caf\xC3\xA9 \xF0\x9F\x98\x80</a>");
}

TEST(ExclusiveC14n, EmptyDocumentIsAnError) {
  Document empty;
  EXPECT_FALSE(exclusive_c14n(empty).ok());
}

}  // namespace
}  // namespace nextra::xml
