#include "handlers/xml_text.h"

#include <gtest/gtest.h>

#include "handlers/test_schema.h"
#include "schema/value_text.h"

namespace nextra::handlers {
namespace {

using schema::Value;

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
