#include "agent/payload_text.h"

#include <gtest/gtest.h>

#include "flow/loader.h"
#include "xml/payload_codec.h"

namespace nextra::agent {
namespace {

std::shared_ptr<schema::Schema> schema_of() {
  auto r = flow::load_organism(R"(
payloads:
  Answer: { text: string, sources: list<string>, note: optional<string> }
  Order: { id: int, paid: bool }
listeners:
  - { name: out, payload_class: Answer, handler: output, description: Result }
)");
  std::string all;
  for (const auto& d : r.diagnostics) all += d.message + "\n";
  EXPECT_TRUE(r.ok()) << all;
  return r.organism->schema;
}

TEST(PayloadText, ClassAsJsonSchema) {
  auto s = schema_of();
  auto j = class_json_schema(*s->find("Order"));
  EXPECT_EQ(j["properties"]["id"]["type"], "integer");
  EXPECT_EQ(j["properties"]["paid"]["type"], "boolean");
  EXPECT_EQ(j["required"], nlohmann::json::array({"id", "paid"}));
  auto a = class_json_schema(*s->find("Answer"));
  EXPECT_EQ(a["properties"]["sources"]["type"], "array");
  EXPECT_EQ(a["required"], nlohmann::json::array({"text"}));
}

TEST(PayloadText, TextJsonAndXmlAnswers) {
  auto s = schema_of();
  const auto& answer = *s->find("Answer");
  auto plain = payload_from_text(answer, "  Paris  ", *s);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(xml::payload_to_xml(**plain), "<Answer><Text>Paris</Text><Sources/><Note/></Answer>");
  auto json = payload_from_text(answer, "```json\n{\"text\": \"Rome\", \"sources\": [\"a\"]}\n```", *s);
  ASSERT_TRUE(json.ok()) << json.error().message;
  EXPECT_NE(xml::payload_to_xml(**json).find("<Text>Rome</Text>"), std::string::npos);
  auto xml = payload_from_text(answer, "<Answer><Text>Oslo</Text><Sources/><Note/>", *s);
  ASSERT_TRUE(xml.ok()) << xml.error().message;
  EXPECT_NE(xml::payload_to_xml(**xml).find("<Text>Oslo</Text>"), std::string::npos);
  // A class with no single text field needs JSON, and says what it expects.
  auto order = payload_from_text(*s->find("Order"), "order 5, paid", *s);
  ASSERT_FALSE(order.ok());
  EXPECT_NE(order.error().message.find("\"paid\""), std::string::npos) << order.error().message;
  auto wrong = payload_from_text(*s->find("Order"), R"({"id": "five", "paid": true})", *s);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("id"), std::string::npos) << wrong.error().message;
}

TEST(PayloadText, XmlRepliesAndWhatTheyRefuse) {
  auto s = schema_of();
  auto r = parse_xml_reply("<message to='out'><Answer><Text>hi</Text><Sources/><Note/></Answer></message>", *s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->to, "out");
  EXPECT_EQ(r->payload->class_name(), "Answer");
  auto bare = parse_xml_reply("Here you go: <Order><Id>3</Id><Paid>true</Paid></Order> cheers", *s);
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_TRUE(bare->to.empty());
  EXPECT_FALSE(parse_xml_reply("no xml at all", *s).ok());
  EXPECT_FALSE(parse_xml_reply("<Order><Id>three</Id><Paid>true</Paid></Order>", *s).ok());
  // Entities are never expanded: a DOCTYPE is refused outright.
  EXPECT_FALSE(parse_xml_reply("<!DOCTYPE a [<!ENTITY x 'y'>]><Answer><Text>&x;</Text></Answer>", *s).ok());
}

}  // namespace
}  // namespace nextra::agent
