#include "handlers/xml_text.h"

#include <gtest/gtest.h>

#include "handlers/test_schema.h"
#include "schema/value_text.h"

namespace nextra::handlers {
namespace {

using schema::Value;

TEST(XmlText, Escaping) {
  std::string out;
  append_xml_escaped("a<b & c>d \"q\" 'x'\r\n\t", out);
  EXPECT_EQ(out, "a&lt;b &amp; c&gt;d \"q\" 'x'&#13;\n\t");
  out.clear();
  append_xml_escaped("bell\x07 bad\xff ok é", out);
  EXPECT_EQ(out, "bell\xEF\xBF\xBD bad\xEF\xBF\xBD ok é");
}

TEST(XmlText, RecordFollowsXmlify) {
  auto s = testing::make_schema();
  auto order = testing::sample_order(*s);
  std::string out;
  append_record_xml(order, out);
  EXPECT_EQ(out,
            "<Order><Id>42</Id><Total>19.99</Total><Paid>true</Paid>"
            "<Items><LineItem><Sku>A-1</Sku><Qty>2</Qty></LineItem><LineItem><Sku>B-2</Sku><Qty>1</Qty></LineItem></Items>"
            "<Note></Note>"
            "<Attributes><Item><Key>color</Key><Val>red</Val></Item><Item><Key>size</Key><Val>L</Val></Item></Attributes>"
            "<Customer><Name>Ada</Name><Email>ada@example.com</Email></Customer>"
            "<Tags><Str>new</Str><Str>vip</Str></Tags></Order>");
  *order.get("note") = Value("fragile & <heavy>");
  out.clear();
  append_record_xml(order, out);
  EXPECT_NE(out.find("<Note><Str>fragile &amp; &lt;heavy&gt;</Str></Note>"), std::string::npos);
}

TEST(XmlText, BuiltInLowerCaseChildren) {
  schema::Schema s;
  auto r = schema::zero_record(*s.find(schema::kSystemError));
  *r.get("code") = Value("routing");
  std::string out;
  append_record_xml(r, out);
  EXPECT_EQ(out, "<SystemError><code>routing</code><message></message><retry-allowed>false</retry-allowed></SystemError>");
}

TEST(XmlText, ScalarWrapping) {
  std::string out;
  append_scalar_xml("Task", "TaskName", Value(std::int64_t{7}), out);
  EXPECT_EQ(out, "<Task><TaskName>7</TaskName></Task>");
  EXPECT_TRUE(is_xml_name("Line_Item-2.x"));
  EXPECT_FALSE(is_xml_name("2x"));
  EXPECT_FALSE(is_xml_name("a b"));
  EXPECT_FALSE(is_xml_name(""));
}

TEST(ValueText, JsonEscapesAndDecimals) {
  std::string out;
  append_json(Value(std::string("a\"b\\c\n\x01\xff é")), out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\ufffd é\"");
  out.clear();
  append_json(Value(schema::List{Value(schema::Decimal{"+.5"}), Value(schema::Decimal{"-3."}), Value(schema::Decimal{"007.10"}),
                                 Value(true), Value()}),
              out);
  EXPECT_EQ(out, "[0.5,-3,7.10,true,null]");
}

}  // namespace
}  // namespace nextra::handlers
